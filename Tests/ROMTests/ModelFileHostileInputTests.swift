import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// Model files written by the tests and then tampered with as an attacker would (issue 11): each
/// class of hostile input is refused at load — what `rom info` and `rom online` call — with a
/// `ROMError.invalidModel` naming the file and the problem, never a trap or a NaN answer.
final class ModelFileHostileInputTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL!

    override func setUpWithError() throws {
        temporary = try TemporaryFolder("romkit-hostile-model")
        folder = temporary.url
    }

    override func tearDownWithError() throws { temporary.remove() }

    // MARK: Fixtures

    /// A valid certified RB model file (thermal block, 2×2 blocks, min-θ bound).
    private func reducedBasisFile(_ name: String) throws -> URL {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 2)
        let model = try ReducedBasisGreedy(tolerance: 1e-6, maxBasisSize: 6).run(problem: problem, trainingSet: training).model
        let url = folder.appendingPathComponent(name)
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "hostile"))
        XCTAssertNoThrow(try OnlineModelFile.load(url))
        return url
    }

    /// A valid nonintrusive model file (the same thermal block, from its matrices).
    private func nonintrusiveFile(_ name: String) throws -> URL {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let training = try problem.parameterSpace.random(count: 30, seed: 5)
        let samples = try FamilySamples(family: ProblemMatrixFamily(problem), parameters: training)
        let result = try NonintrusiveReducedBasis(operatorTolerance: 1e-10, tolerance: 1e-6, maxBasisSize: 6)
            .reduce(samples, innerProduct: problem.innerProduct.matrix)
        let url = folder.appendingPathComponent(name)
        try OnlineModelFile.write(result.model, to: url, provenance: .init(creator: "test", command: "hostile"))
        XCTAssertNoThrow(try OnlineModelFile.load(url))
        return url
    }

    /// Rewrites `model.json` of the file at `url` through `edit` (the JSON as a dictionary).
    private func tamperHeader(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var archive = try NPZ.read(url)
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: archive.otherEntries["model.json"]!) as? [String: Any])
        edit(&json)
        archive.otherEntries["model.json"] = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        try archive.write(to: url)
    }

    /// Sets the size `key` of `model.json` (a key of the `sizes` dictionary).
    private func setSize(_ json: inout [String: Any], _ key: String, _ value: Int) {
        var sizes = json["sizes"] as! [String: Any]
        sizes[key] = value
        json["sizes"] = sizes
    }

    /// Loading `url` throws `ROMError.invalidModel` for that file with a detail holding every
    /// string of `fragments`.
    private func assertRefused(_ url: URL, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try OnlineModelFile.load(url), file: file, line: line) { error in
            guard case let .invalidModel(name, detail)? = error as? ROMError else {
                return XCTFail("not an invalidModel error: \(error)", file: file, line: line)
            }
            XCTAssertEqual(name, url.lastPathComponent, file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(detail.contains(fragment), "'\(fragment)' not in: \(detail)", file: file, line: line)
            }
        }
    }

    /// A fresh copy of `source` named `name`.
    private func copy(_ source: URL, _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.copyItem(at: source, to: url)
        return url
    }

    // MARK: Sizes

    func testSizesThatOverflowOrExceedTheArraysAreRefused() throws {
        let valid = try reducedBasisFile("valid.npz")
        var url = try copy(valid, "overflow.npz")
        try tamperHeader(url) { setSize(&$0, "N", 1 << 31) }
        assertRefused(url, ["N·N·Q", "more than the"])
        url = try copy(valid, "huge.npz")
        try tamperHeader(url) { setSize(&$0, "N", Int.max) }
        assertRefused(url, ["size N = \(Int.max)"])
        url = try copy(valid, "negative.npz")
        try tamperHeader(url) { setSize(&$0, "R", -1) }
        assertRefused(url, ["size R = -1"])
        url = try copy(valid, "zero.npz")
        try tamperHeader(url) { setSize(&$0, "N", 0) }
        assertRefused(url, ["size N = 0"])
        url = try copy(valid, "gram.npz")
        try tamperHeader(url) { setSize(&$0, "R", 1 << 30) }
        assertRefused(url, ["R·(P+QN)"])

        let nonintrusive = try nonintrusiveFile("ni.npz")
        url = try copy(nonintrusive, "ni-overflow.npz")
        try tamperHeader(url) { setSize(&$0, "k", 1 << 31) }
        assertRefused(url, ["k·N·(d+1)", "more than the"])
        url = try copy(nonintrusive, "ni-huge.npz")
        try tamperHeader(url) { setSize(&$0, "N", Int.max) }
        assertRefused(url, ["size 'N'"])
    }

    // MARK: Coefficients and the stability bound

    func testCoefficientsReadingAParameterTheModelLacksAreRefused() throws {
        let url = try reducedBasisFile("coefficients.npz")
        try tamperHeader(url) { json in
            var thetas = json["operator_coefficients"] as! [String]
            thetas[1] = "exp(mu[7])"
            json["operator_coefficients"] = thetas
        }
        assertRefused(url, ["operator coefficient 1", "mu[7]", "4-component"])
        let rhs = try reducedBasisFile("rhs-coefficients.npz")
        try tamperHeader(rhs) { $0["right_hand_side_coefficients"] = ["mu[4]"] }
        assertRefused(rhs, ["right-hand side coefficient 0", "mu[4]"])
    }

    func testABadCoercivityBoundIsRefused() throws {
        let valid = try reducedBasisFile("valid.npz")
        func bound(_ json: [String: Any]) -> [String: Any] {
            (json["coercivity_bound"] as! [String: Any])["min_theta"] as! [String: Any]
        }
        var url = try copy(valid, "reference-length.npz")
        try tamperHeader(url) { json in
            var minTheta = bound(json)
            minTheta["reference"] = [1.0, 1.0]
            json["coercivity_bound"] = ["min_theta": minTheta]
        }
        assertRefused(url, ["coercivity bound", "reference parameter has 2 components", "has 4"])
        url = try copy(valid, "reference-constant.npz")
        try tamperHeader(url) { json in
            var minTheta = bound(json)
            minTheta["reference_constant"] = 0.0
            json["coercivity_bound"] = ["min_theta": minTheta]
        }
        assertRefused(url, ["coercivity bound", "α(μ̄) is 0.0"])
        url = try copy(valid, "reference-theta.npz")
        try tamperHeader(url) { json in
            var minTheta = bound(json)
            minTheta["reference"] = [-1.0, 1.0, 1.0, 1.0]
            json["coercivity_bound"] = ["min_theta": minTheta]
        }
        assertRefused(url, ["θ_0(μ̄) = -1.0"])
        for (name, c) in [("constant-zero.npz", 0.0), ("constant-negative.npz", -2.5)] {
            url = try copy(valid, name)
            try tamperHeader(url) { $0["coercivity_bound"] = ["constant": ["_0": c]] }
            assertRefused(url, ["coercivity bound", "the constant is \(c)"])
        }
        // The nonintrusive model's stability constant.
        let ni = try nonintrusiveFile("ni.npz")
        try tamperHeader(ni) { $0["stability_constant"] = -1.0 }
        assertRefused(ni, ["stability constant", "-1.0"])
    }

    /// A coefficient that is infinite at a μ of the box, or a min-θ bound that is negative there,
    /// is an error of the query, not a NaN or negative answer.
    func testAQueryWhereACoefficientOrTheBoundFailsThrows() throws {
        let url = try reducedBasisFile("query.npz")
        try tamperHeader(url) { json in
            json["right_hand_side_coefficients"] = ["1 / (mu[0] - 0.5)"]
            var thetas = json["operator_coefficients"] as! [String]
            thetas[1] = "mu[1] - 0.5"
            json["operator_coefficients"] = thetas
            json["coercivity_bound"] = ["min_theta": ["reference": [1.0, 1.0, 1.0, 1.0], "reference_constant": 1.0]]
        }
        let model = try OnlineModelFile.load(url).model
        XCTAssertThrowsError(try model.solve(Parameter([0.5, 0.9, 0.9, 0.9]))) { error in
            XCTAssertTrue("\(error)".contains("θ_0 = '1 / (mu[0] - 0.5)' is inf"), "\(error)")
        }
        XCTAssertThrowsError(try model.solve(Parameter([0.9, 0.2, 0.9, 0.9]))) { error in
            XCTAssertTrue("\(error)".contains("α_LB(μ) = -"), "\(error)")
        }
        XCTAssertNoThrow(try model.solve(Parameter([0.9, 0.9, 0.9, 0.9])))
    }

    // MARK: Parameter spaces

    func testAParameterSpaceThatIsNotABoxIsRefused() throws {
        let valid = try reducedBasisFile("valid.npz")
        let cases: [(String, (inout [String: Any]) -> Void, [String])] = [
            ("inverted.npz", { self.editSpace(&$0) { $0["lower"] = [2.0, 0.1, 0.1, 0.1] } }, ["invalid bounds [2.0, 1.0]"]),
            ("duplicate.npz", { self.editSpace(&$0) { $0["names"] = ["a", "b", "a", "c"] } }, ["'a' is used twice"]),
            ("empty-name.npz", { self.editSpace(&$0) { $0["names"] = ["a", "", "b", "c"] } }, ["name '' is empty"]),
            ("counts.npz", { self.editSpace(&$0) { $0["upper"] = [1.0, 1.0] } }, ["4 names, 4 lower and 2 upper bounds"]),
            ("no-names.npz", { self.editSpace(&$0) { $0["names"] = nil } }, ["names"]),
        ]
        for (name, edit, fragments) in cases {
            let url = try copy(valid, name)
            try tamperHeader(url, edit)
            assertRefused(url, fragments)
        }
        let ni = try nonintrusiveFile("ni.npz")
        try tamperHeader(ni) { self.editSpace(&$0) { $0["names"] = ["x", "x", "y", "z"] } }
        assertRefused(ni, ["'x' is used twice"])
        // NaN bounds (not writable in JSON) through the initializer the decoder calls.
        XCTAssertThrowsError(try ParameterSpace(names: ["a"], lower: [.nan], upper: [1])) { error in
            XCTAssertTrue("\(error)".contains("'a' has invalid bounds [nan, 1.0]"), "\(error)")
        }
    }

    private func editSpace(_ json: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var space = json["parameter_space"] as! [String: Any]
        edit(&space)
        json["parameter_space"] = space
    }

    // MARK: Array shapes

    func testEveryArrayWhoseShapeContradictsTheSizesIsRefused() throws {
        for (source, names) in [(try reducedBasisFile("rb.npz"), ["reduced_operators", "reduced_rhs", "reduced_outputs", "output_dual_norms",
                                                                  "residual_gram", "residual_coefficients", "basis"]),
                                (try nonintrusiveFile("ni.npz"), ["reduced_operators", "reduced_rhs", "sketched_operators", "sketched_rhs",
                                                                  "operator_entries", "operator_interpolation", "rhs_entries", "rhs_interpolation",
                                                                  "coefficient_centres", "coefficient_weights", "basis"])] {
            let archive = try NPZ.read(source)
            for name in names {
                let original = try XCTUnwrap(archive.arrays[name], "\(source.lastPathComponent) lacks \(name)")
                var shape = original.shape
                shape[0] += 1
                var tampered = archive
                tampered.arrays[name] = NPYArray(shape: shape, fortranOrder: true,
                                                 elements: .float64([Double](repeating: 0, count: shape.reduce(1, *))))
                let url = folder.appendingPathComponent("\(source.deletingPathExtension().lastPathComponent)-\(name).npz")
                try tampered.write(to: url)
                assertRefused(url, [name, "shape \(shape)"])
            }
        }
        // The basis must have truth_dimension rows.
        let url = try reducedBasisFile("truth.npz")
        try tamperHeader(url) { setSize(&$0, "truth_dimension", 7) }
        assertRefused(url, ["basis", "expected [7,"])
    }

    // MARK: Expressions

    func testDeeplyNestedExpressionsAreRefusedNotOverflowingTheStack() throws {
        for text in [String(repeating: "(", count: 50_000) + "mu[0]" + String(repeating: ")", count: 50_000),
                     String(repeating: "-", count: 50_000) + "1",
                     String(repeating: "exp(", count: 50_000) + "1" + String(repeating: ")", count: 50_000),
                     Array(repeating: "2", count: 50_000).joined(separator: "^")] {
            XCTAssertThrowsError(try ParameterFunction(text)) { error in
                XCTAssertTrue("\(error)".contains("at most \(ParameterFunction.maximumNesting) nested levels"), String("\(error)".suffix(200)))
            }
        }
        // 200 levels still read, and a flat sum of 50,000 terms is not nesting.
        let deep = String(repeating: "(", count: 150) + "mu[0]" + String(repeating: ")", count: 150)
        XCTAssertEqual(try ParameterFunction(deep)(Parameter([0.5])), 0.5)
        XCTAssertEqual(try ParameterFunction(Array(repeating: "1", count: 50_000).joined(separator: "+"))(Parameter([])), 50_000)

        let url = try reducedBasisFile("nested.npz")
        try tamperHeader(url) { json in
            var thetas = json["operator_coefficients"] as! [String]
            thetas[0] = String(repeating: "(", count: 50_000) + "mu[0]" + String(repeating: ")", count: 50_000)
            json["operator_coefficients"] = thetas
        }
        assertRefused(url, ["nested levels"])
    }

    // MARK: Deflate

    /// An entry whose NPY header says (3,) but which inflates to 20 MB is refused as soon as its
    /// header is inflated, and an entry beyond the limit before inflation.
    func testAnEntryIsNotInflatedBeyondWhatItsHeaderNeeds() throws {
        let count = 2_500_000
        var npy = NPY.encode(NPYArray(vector: [Double](repeating: 0, count: count)))
        // Same header length: the shape text shrinks, the padding grows.
        let headerEnd = npy.firstIndex(of: 0x0A)!
        var header = String(decoding: npy[0..<headerEnd].dropFirst(10), as: UTF8.self)
        let longShape = "(\(count),)", shortShape = "(3,)"
        header = header.replacingOccurrences(of: longShape, with: shortShape + String(repeating: " ", count: longShape.count - shortShape.count))
        npy.replaceSubrange(10..<headerEnd, with: Data(header.utf8))
        let needed = headerEnd + 1 + 3 * 8
        // Stored as a non-array entry, then renamed to .npy in the ZIP bytes (the CRC covers the data only).
        let bytes = try NPZ.encode(NPZArchive(otherEntries: ["bomb.npX": npy]), compressed: true)
        var zip = bytes
        let from = Data("bomb.npX".utf8), to = Data("bomb.npy".utf8)
        var search = zip.startIndex
        while let range = zip.range(of: from, in: search..<zip.endIndex) { zip.replaceSubrange(range, with: to); search = range.upperBound }
        XCTAssertLessThan(zip.count, 200_000, "a small file")
        let url = folder.appendingPathComponent("bomb.npz")
        try zip.write(to: url)
        XCTAssertThrowsError(try NPZ.read(url)) { error in
            guard case let .corruptArchive(file, detail)? = error as? FileFormatError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "bomb.npz")
            XCTAssertTrue(detail.contains("entry 'bomb.npy': its NPY header's shape needs \(needed) bytes, the archive announces \(npy.count)"), detail)
        }
        XCTAssertThrowsError(try NPZ.read(url, maximumEntryBytes: 1 << 20)) { error in
            XCTAssertTrue("\(error)".contains("announces \(npy.count) bytes, more than the limit of 1048576"), "\(error)")
        }
        // The model reader reports it as a model file that cannot be read.
        assertRefused(url, ["not a readable model archive", "bomb.npy"])
    }
}
