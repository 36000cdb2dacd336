import Foundation
import LinearAlgebra
import Materials
import ROM
import TestSupport
import XCTest

final class HyperReducedModelFileTests: XCTestCase {
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder("hyper-reduced-model") }
    override func tearDownWithError() throws { temporary.remove() }

    /// A small model: linear thermoelasticity on 12 points of the synthetic problem (plus the
    /// points the stress Gappy-POD adds, with weight zero), three steps, the modes kept.
    static func model() throws -> HyperReducedModel {
        let problem = try SyntheticMechanics(dofs: 40, modes: 4, seed: 5)
        let law = try LinearElasticLaw(youngsModulus: TemperatureTable(temperatures: [0, 100], values: [200, 150]),
                                       poissonRatio: TemperatureTable(constant: 0.3), thermalExpansion: TemperatureTable(constant: 1e-4),
                                       referenceTemperature: 0)
        var generator = SplitMix64(seed: 8)
        let steps = 3, m = problem.pointCount
        let forces = Matrix(rows: 4, columns: steps, storage: (0..<(4 * steps)).map { _ in generator.nextUniform() - 0.5 })
        let fullTemperatures = Matrix(rows: m, columns: steps, storage: (0..<(m * steps)).map { _ in 100 * generator.nextUniform() })
        let training = try HyperReducedMechanics(points: try problem.allPoints(), law: law)
            .run(try ReducedLoading(forces: forces, temperatures: fullTemperatures, timeSteps: [1, 1, 1]))
        let ecmPoints = Array(0..<12)
        let stress = try GappyPOD(snapshots: training.stresses, componentsPerPoint: 6, truncation: .count(2), points: ecmPoints,
                                  maximumCondition: 10)
        let all = ecmPoints + stress.addedPoints
        let weights = ecmPoints.map { problem.weights[$0] * Double(m) / 12 } + stress.addedPoints.map { _ in 0.0 }
        // Positions 3 per point (x_k = (k, 2k, 3k)/4, distinct per coordinate: a transposition would show).
        let positions = all.flatMap { k in [0.25, 0.5, 0.75].map { $0 * Double(k) } }
        let points = try ReducedIntegrationPoints(selecting: all, weights: weights, fromStrainModes: problem.strainModes, positions: positions)
        let loading = try ReducedLoading(forces: forces, temperatures: fullTemperatures.rows(all), timeSteps: [1, 0.5, 1])
        return try HyperReducedModel(points: points, law: law, loading: loading, modes: problem.modes, stressReconstruction: stress,
                                     meshPointCount: m, maximumSteps: 7, newtonOptions: .init(tolerance: 1e-11, maximumIterations: 9))
    }

    func testRoundTripAndLoadAsAnOnlineModel() throws {
        let model = try Self.model()
        let url = temporary.file("model.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "round trip"))
        let (read, provenance) = try OnlineModelFile.readHyperReduced(url)
        XCTAssertEqual(provenance.command, "round trip")
        XCTAssertEqual(read.points, model.points)
        XCTAssertEqual(read.points.positions?.count, 3 * model.points.count)
        XCTAssertEqual(read.points.positions?[3 * 2 + 1], 0.5 * Double(model.points.pointIndices[2]))
        XCTAssertEqual(read.loading, model.loading)
        XCTAssertEqual(read.modes, model.modes)
        XCTAssertEqual(read.law.lawDescription, model.law.lawDescription)
        XCTAssertEqual(read.stressReconstruction, model.stressReconstruction)
        XCTAssertEqual(read.meshPointCount, model.meshPointCount)
        XCTAssertEqual(read.maximumSteps, 7)
        XCTAssertEqual(read.newtonOptions.tolerance, 1e-11)
        XCTAssertEqual(read.newtonOptions.maximumIterations, 9)

        // Loaded through the registry, as `rom info` and `rom online` do: 5 steps (past the three
        // stored ones: the cycle repeats) answer as the model in memory does.
        let loaded = try OnlineModelFile.load(url)
        XCTAssertEqual(loaded.method, "hyper-reduced-mechanics")
        let online = loaded.model
        XCTAssertEqual(online.parameterSpace.names, ["steps"])
        XCTAssertEqual(online.parameterSpace.upper, [7])
        try online.solve(Parameter([5]))
        let direct = try HyperReducedModelEvaluator(model: model)
        try direct.run(steps: 5)
        XCTAssertEqual(online.coefficients, direct.coefficients)
        XCTAssertEqual(try online.reconstruct(online.coefficients).count, 40)
        XCTAssertEqual(online.sizes.first { $0.key == "K" }?.value, model.points.count)
        let evaluator = try XCTUnwrap(online as? HyperReducedModelEvaluator)
        XCTAssertEqual(try evaluator.reconstructStress(step: 4).count, 6 * model.meshPointCount)
        XCTAssertEqual(try evaluator.reconstructStress(step: 4), try direct.reconstructStress(step: 4))
        XCTAssertThrowsError(try online.solve(Parameter([8])))
    }

    /// Positions of the wrong count or not finite are errors naming them.
    func testBadPositionsAreErrors() throws {
        let modes = Matrix(rows: 12, columns: 1, repeating: 1)
        XCTAssertThrowsError(try ReducedIntegrationPoints(strainModes: modes, weights: [1, 1], pointIndices: [0, 1], positions: [0, 0, 0])) {
            XCTAssertTrue("\($0)".contains("positions"), "\($0)")
        }
        XCTAssertThrowsError(try ReducedIntegrationPoints(strainModes: modes, weights: [1, 1], pointIndices: [0, 1], positions: [0, 0, 0, 0, .nan, 0])) {
            XCTAssertTrue("\($0)".contains("positions"), "\($0)")
        }
        XCTAssertNoThrow(try ReducedIntegrationPoints(strainModes: modes, weights: [1, 1], pointIndices: [0, 1], positions: [0, 0, 0, 1, 2, 3]))
    }

    /// Truncated, corrupted and tampered files are refused with `ROMError.invalidModel`.
    func testDamagedFilesAreErrors() throws {
        let url = temporary.file("model.npz")
        try OnlineModelFile.write(Self.model(), to: url, provenance: .init(creator: "test", command: "hostile"))
        let bytes = try Data(contentsOf: url)
        func refused(_ data: Data, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let damaged = temporary.file("damaged.npz")
            try data.write(to: damaged)
            XCTAssertThrowsError(try OnlineModelFile.load(damaged), file: file, line: line) {
                guard case .invalidModel(_, let detail)? = $0 as? ROMError else { return XCTFail("\($0)", file: file, line: line) }
                XCTAssertTrue(expected.isEmpty || detail.contains(expected), "\(detail)", file: file, line: line)
            }
        }
        for length in [0, 30, bytes.count / 3, bytes.count - 10] { try refused(bytes.prefix(length), "") }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x5A
        try refused(flipped, "")

        func tampered(_ edit: (inout NPZArchive) throws -> Void) throws -> Data {
            var archive = try NPZ.read(url)
            try edit(&archive)
            let out = temporary.file("tampered.npz")
            try archive.write(to: out)
            return try Data(contentsOf: out)
        }
        func editHeader(_ archive: inout NPZArchive, _ edit: (inout [String: Any]) -> Void) throws {
            var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: archive.otherEntries["model.json"]!) as? [String: Any])
            edit(&json)
            archive.otherEntries["model.json"] = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        }
        try refused(try tampered { a in
            let k = try a.array("weights").count
            a.arrays["weights"] = NPYArray(vector: [Double](repeating: .nan, count: k))
        }, "weights")
        try refused(try tampered { try editHeader(&$0) { j in var s = j["sizes"] as! [String: Any]; s["K"] = 1 << 30; j["sizes"] = s } }, "6·K·N")
        try refused(try tampered { try editHeader(&$0) { j in var s = j["sizes"] as! [String: Any]; s["N"] = 3; j["sizes"] = s } }, "strain_modes")
        try refused(try tampered { try editHeader(&$0) { $0["law"] = "unobtainium" } }, "unknown constitutive law")
        try refused(try tampered { $0.arrays["law/E"] = nil }, "parameter E")
        try refused(try tampered { a in
            let n = try a.array("gappy/stress/points").count
            a.arrays["gappy/stress/points"] = NPYArray(int64: [Int](repeating: 1 << 20, count: n))
        }, "gappy/stress/points")
        try refused(try tampered { try editHeader(&$0) { $0["newton_tolerance"] = 2.0 } }, "Newton tolerance")
    }
}
