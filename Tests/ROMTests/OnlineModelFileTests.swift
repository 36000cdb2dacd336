import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

final class OnlineModelFileTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL!

    override func setUpWithError() throws {
        temporary = try TemporaryFolder("romkit-model")
        folder = temporary.url
    }

    override func tearDownWithError() throws { temporary.remove() }

    private func smallModel() throws -> ReducedModel {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 2)
        return try ReducedBasisGreedy(tolerance: 1e-6, maxBasisSize: 8).run(problem: problem, trainingSet: training).model
    }

    func testARoundTripAnswersExactlyAsTheOriginal() throws {
        let model = try smallModel()
        let url = folder.appendingPathComponent("model.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "testARoundTrip", details: ["n": "144"]))
        let loaded = try OnlineModelFile.read(url)
        XCTAssertEqual(loaded.provenance.creator, "test")
        XCTAssertEqual(loaded.sizes["N"], model.size)
        let a = ReducedModelEvaluator(model: model), b = ReducedModelEvaluator(model: loaded.model)
        for mu in try model.parameterSpace.random(count: 5, seed: 1) {
            try a.solve(mu)
            try b.solve(mu)
            XCTAssertEqual(a.coefficients, b.coefficients)
            XCTAssertEqual(a.errorEstimate, b.errorEstimate)
            XCTAssertEqual(a.outputs, b.outputs)
        }
        XCTAssertEqual(try loaded.model.reconstruct(a.coefficients), try model.reconstruct(a.coefficients))
        // numpy's view: the arrays are ordinary NPY entries.
        let archive = try NPZ.read(url)
        XCTAssertEqual(archive.arrays["reduced_operators"]?.shape, [model.size, model.size, 4])
    }

    func testCorruptTruncatedAndInconsistentFilesAreReported() throws {
        let model = try smallModel()
        let url = folder.appendingPathComponent("model.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "corrupt"))
        let bytes = try Data(contentsOf: url)

        let truncated = folder.appendingPathComponent("truncated.npz")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        XCTAssertThrowsError(try OnlineModelFile.read(truncated)) { error in
            guard case .invalidModel(let file, _)? = error as? ROMError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(file, "truncated.npz")
        }

        // A flipped byte inside an entry: the CRC check names it.
        var flipped = bytes
        flipped[200] ^= 0xFF
        let corrupt = folder.appendingPathComponent("corrupt.npz")
        try flipped.write(to: corrupt)
        XCTAssertThrowsError(try OnlineModelFile.read(corrupt))

        // A wrong shape and a wrong version.
        var archive = try NPZ.read(url)
        archive.arrays["reduced_rhs"] = NPYArray(vector: [1, 2, 3])
        try archive.write(to: url)
        XCTAssertThrowsError(try OnlineModelFile.read(url)) { error in
            XCTAssertTrue("\(error)".contains("reduced_rhs"), "\(error)")
        }
        archive = try NPZ.read(url)
        let json = String(decoding: archive.otherEntries["model.json"]!, as: UTF8.self)
        archive.otherEntries["model.json"] = Data(json.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 99").utf8)
        try archive.write(to: url)
        XCTAssertThrowsError(try OnlineModelFile.read(url)) { error in
            XCTAssertTrue("\(error)".contains("version 99"), "\(error)")
        }
    }

    /// `load` answers through the `OnlineModel` protocol exactly as the evaluator of the model,
    /// and refuses a method it does not know, naming it.
    func testLoadAnswersThroughTheOnlineModelProtocol() throws {
        let model = try smallModel()
        let url = folder.appendingPathComponent("model.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "load"))
        let loaded = try OnlineModelFile.load(url)
        XCTAssertEqual(loaded.method, "reduced-basis")
        let online: any OnlineModel = loaded.model
        XCTAssertTrue(online is ReducedModelEvaluator)
        XCTAssertEqual(online.errorEstimateKind, .certifiedBound)
        XCTAssertEqual(online.reducedDimension, model.size)
        XCTAssertEqual(online.sizes.map(\.key), ["N", "Q", "P", "R", "outputs", "truth_dimension"])
        let evaluator = ReducedModelEvaluator(model: model)
        let mu = Parameter([0.2, 0.9, 0.4, 0.7])
        try evaluator.solve(mu)
        try online.solve(mu)
        XCTAssertEqual(online.coefficients, evaluator.coefficients)
        XCTAssertEqual(online.errorEstimate, evaluator.errorEstimate)
        XCTAssertEqual(online.estimateDetails.map(\.value), [evaluator.residualNorm, evaluator.coercivityLowerBound])
        XCTAssertEqual(online.outputErrorEstimate(0), evaluator.outputBound(0))
        XCTAssertEqual(try online.reconstruct(online.coefficients), try model.reconstruct(evaluator.coefficients))

        var archive = try NPZ.read(url)
        let json = String(decoding: archive.otherEntries["model.json"]!, as: UTF8.self)
        archive.otherEntries["model.json"] = Data(json.replacingOccurrences(of: "\"reduced-basis\"", with: "\"local-bases\"").utf8)
        try archive.write(to: url)
        XCTAssertThrowsError(try OnlineModelFile.load(url)) { error in
            XCTAssertEqual(error as? ROMError, .invalidModel(file: "model.npz", detail: "method 'local-bases' is not one this ROMKit reads (reduced-basis, nonintrusive-reduced-basis, local-reduced-bases, hyper-reduced-mechanics, hp-nonintrusive-reduced-basis, matrix-power-interpolation)"))
        }
        XCTAssertThrowsError(try OnlineModelFile.read(url)) { error in
            XCTAssertTrue("\(error)".contains("method is 'local-bases'"), "\(error)")
        }
    }
}
