import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// `rom` end to end: POD of a snapshot file with known singular values, `info` and `online` on a
/// model written by the ROM API, compared with an in-process evaluator; and the error messages.
final class ROMToolDriverTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL!

    override func setUpWithError() throws {
        temporary = try TemporaryFolder("romkit-rom-tool")
        folder = temporary.url
    }

    override func tearDownWithError() throws { temporary.remove() }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Runs `rom` and checks that it succeeded.
    private func rom(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> DriverProcess.Result {
        let result = try DriverProcess.run("rom", arguments)
        XCTAssertEqual(result.status, 0, "rom \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    /// Runs `rom`, expects a failure, and returns its stderr.
    private func romFailure(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try DriverProcess.run("rom", arguments)
        XCTAssertNotEqual(result.status, 0, "rom \(arguments.joined(separator: " ")) should fail", file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr, file: file, line: line)
        return result.stderr
    }

    /// Values read back from JSON: the tool prints the shortest round-trip form, but Foundation's
    /// JSON parser on Linux may round the last bit differently, so compare to 1e-15 relative.
    private func assertClose(_ found: Any?, _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        guard let values = found as? [Double], values.count == expected.count else {
            return XCTFail("expected \(expected.count) numbers, found \(String(describing: found))", file: file, line: line)
        }
        for (a, b) in zip(values, expected) { XCTAssertEqual(a, b, accuracy: 1e-15 * max(abs(b), 1e-300), file: file, line: line) }
    }

    /// Each entry within round-off of the vector's size (what two orders of the same sums agree to).
    private func assertCloseInNorm(_ found: Any?, _ expected: [Double], file: StaticString = #filePath, line: UInt = #line) {
        guard let values = found as? [Double], values.count == expected.count else {
            return XCTFail("expected \(expected.count) numbers, found \(String(describing: found))", file: file, line: line)
        }
        let scale = expected.map(abs).max() ?? 0
        for (a, b) in zip(values, expected) { XCTAssertEqual(a, b, accuracy: 1e-14 * scale, file: file, line: line) }
    }

    private func assertClose(_ found: Any?, _ expected: Double, file: StaticString = #filePath, line: UInt = #line) {
        assertClose((found as? Double).map { [$0] }, [expected], file: file, line: line)
    }

    // MARK: pod

    /// S = U diag(σ) Vᵀ with orthonormal sine vectors U (120×5) and V (12×5).
    private let sigma = [5.0, 2, 0.5, 1e-2, 1e-4]
    private func sineBasis(rows: Int, columns: Int) -> Matrix {
        let scale = (2 / Double(rows + 1)).squareRoot()
        return Matrix(columns: (1...columns).map { k in (1...rows).map { i in scale * sin(Double.pi * Double(i * k) / Double(rows + 1)) } })
    }

    func testPODFindsTheKnownSingularValuesAndWritesTheBasis() throws {
        let u = sineBasis(rows: 120, columns: 5), v = sineBasis(rows: 12, columns: 5)
        let s = u * Matrix.diagonal(sigma) * v.transposed
        // C order, as numpy.save writes by default.
        let rowMajor = (0..<s.rows).flatMap { i in (0..<s.columns).map { s[i, $0] } }
        try NPY.write(NPYArray(shape: [120, 12], fortranOrder: false, elements: .float64(rowMajor)), to: folder.appendingPathComponent("S.npy"))

        let result = try rom(["pod", path("S.npy"), "--tol", "1e-6", "--out", path("B.npy"), "--singular-values", path("sv.npy"), "--json", "-"])
        let json = try result.json()
        let values = try XCTUnwrap(json["singular_values"] as? [Double])
        XCTAssertEqual(values.count, 12)
        for (k, expected) in sigma.enumerated() { XCTAssertEqual(values[k], expected, accuracy: 1e-10 * sigma[0]) }
        for k in 5..<12 { XCTAssertLessThan(values[k], 1e-7) }
        // Discarded energy after 3 modes is 3.4e-6 > 1e-6, after 4 it is 3.4e-10.
        XCTAssertEqual(json["kept"] as? Int, 4)
        XCTAssertEqual(json["rows"] as? Int, 120)
        XCTAssertEqual(json["columns"] as? Int, 12)
        assertClose(values, try NPY.read(folder.appendingPathComponent("sv.npy")).doubles())

        let basisArray = try NPY.read(folder.appendingPathComponent("B.npy"))
        XCTAssertTrue(basisArray.fortranOrder)
        let basis = try basisArray.matrix()
        XCTAssertEqual(basis.rows, 120)
        XCTAssertEqual(basis.columns, 4)
        for k in 0..<4 {  // each mode is ± the left singular vector
            XCTAssertEqual(abs(BLAS.dot(basis.column(k), u.column(k))), 1, accuracy: 1e-9, "mode \(k)")
        }

        // --modes caps the count; the SVD method on a Fortran-order file gives the same values.
        try NPY.write(s, to: folder.appendingPathComponent("SF.npy"))
        let capped = try rom(["pod", path("SF.npy"), "--modes", "2", "--method", "svd", "--out", path("B2.npy"), "--json", "-"]).json()
        XCTAssertEqual(capped["kept"] as? Int, 2)
        XCTAssertEqual(capped["method"] as? String, "svd")
        let svdValues = try XCTUnwrap(capped["singular_values"] as? [Double])
        for (k, expected) in sigma.enumerated() { XCTAssertEqual(svdValues[k], expected, accuracy: 1e-12 * sigma[0]) }
        XCTAssertEqual(try NPY.read(folder.appendingPathComponent("B2.npy")).shape, [120, 2])

        // Human-readable output names the kept count.
        let text = String(decoding: try rom(["pod", path("S.npy"), "--out", path("B3.npy")]).stdout, as: UTF8.self)
        XCTAssertTrue(text.contains("120 dofs × 12 snapshots"), text)
    }

    func testPODInAWeightedInnerProductGivesMOrthonormalModes() throws {
        let s = sineBasis(rows: 40, columns: 3) * Matrix.diagonal([3, 1, 0.1]) * sineBasis(rows: 6, columns: 3).transposed
        try NPY.write(s, to: folder.appendingPathComponent("S.npy"))
        var builder = SparseBuilder<Double>(rows: 40, columns: 40)
        for i in 0..<40 { builder.add(i, i, 1 + Double(i) / 40) }
        let m = builder.build()
        try MatrixMarket.write(m, to: folder.appendingPathComponent("M.mtx"))
        let json = try rom(["pod", path("S.npy"), "--inner-product", path("M.mtx"), "--modes", "3", "--out", path("B.npy"), "--json", "-"]).json()
        XCTAssertEqual(json["method"] as? String, "snapshots")
        let basis = try NPY.read(folder.appendingPathComponent("B.npy")).matrix()
        let gram = InnerProduct.weighted(by: m).gram(basis, basis)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(gram[i, j], i == j ? 1 : 0, accuracy: 1e-12) } }
    }

    func testPODErrorsNameTheProblem() throws {
        XCTAssertTrue(try romFailure(["pod", path("missing.npy"), "--out", path("B.npy")]).contains("missing.npy"))
        var s = sineBasis(rows: 10, columns: 3)
        s[3, 2] = .nan
        try NPY.write(s, to: folder.appendingPathComponent("nan.npy"))
        let nan = try romFailure(["pod", path("nan.npy"), "--out", path("B.npy")])
        XCTAssertTrue(nan.contains("row 3, column 2"), nan)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("B.npy")))
        try MatrixMarket.write(Matrix.identity(7), to: folder.appendingPathComponent("M7.mtx"))
        try NPY.write(sineBasis(rows: 10, columns: 3), to: folder.appendingPathComponent("S.npy"))
        let order = try romFailure(["pod", path("S.npy"), "--inner-product", path("M7.mtx"), "--out", path("B.npy")])
        XCTAssertTrue(order.contains("order 7") && order.contains("10 rows"), order)
        XCTAssertTrue(try romFailure(["pod", path("S.npy"), "--tol", "2", "--out", path("B.npy")]).contains("--tol"))
        // Issue 11: a non-symmetric, an indefinite and a negative definite "inner product" are refused, naming the entry or pivot.
        var nonsymmetric = SparseMatrix.laplacian1D(10)
        nonsymmetric.values[nonsymmetric.index(row: 2, column: 3)!] = -0.5
        var indefinite = SparseMatrix.laplacian1D(10)
        indefinite.values[indefinite.index(row: 4, column: 4)!] = -2
        for (name, m, expected) in [("N.mtx", nonsymmetric, "entry (2, 3)"), ("I.mtx", indefinite, "not positive definite"),
                                    ("D.mtx", -1 * SparseMatrix.laplacian1D(10), "not positive definite")] {
            try MatrixMarket.write(m, to: folder.appendingPathComponent(name))
            let message = try romFailure(["pod", path("S.npy"), "--inner-product", path(name), "--out", path("B.npy")])
            XCTAssertTrue(message.contains("not an inner-product matrix") && message.contains(expected), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("B.npy")))
    }

    // MARK: info and online

    /// −(μ(x) u′)′ = 1 on (0, 1), u = 0 at both ends, μ = `left` on (0, ½) and `right` on (½, 1):
    /// finite differences on `n` interior points; outputs: the mean of u and u(½).
    private func writeModel(n: Int = 63, keepBasis: Bool = true) throws -> (ReducedModel, URL) {
        let h = 1.0 / Double(n + 1), w = 1 / (h * h)
        var terms = [SparseBuilder<Double>(rows: n, columns: n), SparseBuilder<Double>(rows: n, columns: n)]
        for edge in 0...n {  // between points edge and edge + 1 (0 and n + 1 are the boundary)
            let q = (Double(edge) + 0.5) * h < 0.5 ? 0 : 1
            let a = edge - 1, b = edge  // interior indices of the two ends
            if a >= 0 { terms[q].add(a, a, w) }
            if b < n { terms[q].add(b, b, w) }
            if a >= 0 && b < n { terms[q].add(a, b, -w); terms[q].add(b, a, -w) }
        }
        let operators = terms.map { $0.build() }
        let names = ["left", "right"]
        let space = try ParameterSpace(names: names, lower: [0.1, 0.5], upper: [1, 2])
        var midpoint = [Double](repeating: 0, count: n)
        midpoint[n / 2] = 1
        let decomposition = try AffineDecomposition(
            operators: operators, operatorCoefficients: [try ParameterFunction("left", names: names), try ParameterFunction("right", names: names)],
            rightHandSides: [[Double](repeating: 1, count: n)], rightHandSideCoefficients: [.constant(1)],
            outputs: [[Double](repeating: h, count: n), midpoint])
        let energy = SparseMatrix.linearCombination([(1.0, operators[0]), (1.0, operators[1])])
        let problem = try AffineProblem(parameterSpace: space, decomposition: decomposition, innerProduct: .weighted(by: energy),
                                        coercivityBound: .minTheta(reference: [1, 1], referenceConstant: 1))
        let greedy = try ReducedBasisGreedy(tolerance: 1e-9, maxBasisSize: 8)
        let result = try greedy.run(problem: problem, trainingSet: try space.uniformGrid(pointsPerComponent: 4))
        let model = keepBasis ? result.model : try result.reductor.reducedModel(keepBasis: false)
        let url = folder.appendingPathComponent(keepBasis ? "model.npz" : "nobasis.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "ROMToolDriverTests", command: "writeModel", details: ["n": "\(n)"]))
        return (model, url)
    }

    /// Hostile model files (issue 11) are refused by `rom info` and `rom online` with a message
    /// naming the file and the problem, not a trap or a NaN answer.
    func testInfoAndOnlineRefuseAHostileModelFile() throws {
        let (_, url) = try writeModel()
        let edits: [(String, (inout [String: Any]) -> Void, String)] = [
            ("coefficient.npz", { $0["operator_coefficients"] = ["mu[0]", "mu[5]"] }, "reads mu[5] of a 2-component parameter space"),
            ("bound.npz", { $0["coercivity_bound"] = ["constant": ["_0": -1.0]] }, "the constant is -1.0"),
            ("space.npz", { json in
                var space = json["parameter_space"] as! [String: Any]
                space["lower"] = [3.0, 0.5]
                json["parameter_space"] = space
            }, "'left' has invalid bounds [3.0, 1.0]"),
        ]
        for (name, edit, message) in edits {
            var archive = try NPZ.read(url)
            var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: archive.otherEntries["model.json"]!) as? [String: Any])
            edit(&json)
            archive.otherEntries["model.json"] = try JSONSerialization.data(withJSONObject: json)
            let hostile = folder.appendingPathComponent(name)
            try archive.write(to: hostile)
            for arguments in [["info", hostile.path], ["online", hostile.path, "--mu", "0.3,1.2"]] {
                let stderr = try romFailure(arguments)
                XCTAssertTrue(stderr.contains(name) && stderr.contains(message), "rom \(arguments[0]): \(stderr)")
            }
        }
    }

    func testInfoDescribesTheModel() throws {
        let (model, url) = try writeModel()
        let json = try rom(["info", url.path, "--json", "-"]).json()
        let sizes = try XCTUnwrap(json["sizes"] as? [String: Int])
        XCTAssertEqual(sizes["N"], model.size)
        XCTAssertEqual(sizes["Q"], 2)
        XCTAssertEqual(sizes["P"], 1)
        XCTAssertEqual(sizes["outputs"], 2)
        XCTAssertEqual(sizes["truth_dimension"], 63)
        let parameters = try XCTUnwrap(json["parameters"] as? [[String: Any]])
        XCTAssertEqual(parameters.map { $0["name"] as? String }, ["left", "right"])
        XCTAssertEqual(parameters.map { $0["upper"] as? Double }, [1, 2])
        // The model file stores the canonical form of the expressions.
        XCTAssertEqual(json["operator_coefficients"] as? [String], ["mu[0]", "mu[1]"])
        XCTAssertEqual(json["estimator"] as? String, "orthonormalized")
        XCTAssertEqual(json["has_basis"] as? Bool, true)
        let provenance = try XCTUnwrap(json["provenance"] as? [String: Any])
        XCTAssertEqual(provenance["creator"] as? String, "ROMToolDriverTests")
        XCTAssertEqual((provenance["details"] as? [String: String])?["n"], "63")
        let text = String(decoding: try rom(["info", url.path]).stdout, as: UTF8.self)
        for expected in ["right in [0.5, 2.0]", "theta_0(mu) = mu[0]", "min-θ", "creator: ROMToolDriverTests"] {
            XCTAssertTrue(text.contains(expected), "\(expected) in\n\(text)")
        }
    }

    func testOnlineAnswersAsTheInProcessEvaluator() throws {
        let (model, url) = try writeModel()
        let evaluator = ReducedModelEvaluator(model: model)
        try evaluator.solve(Parameter([0.3, 1.2]))
        let json = try rom(["online", url.path, "--mu", "0.3, 1.2", "--json", "-", "--field", path("u.npy")]).json()
        assertClose(json["coefficients"], evaluator.coefficients)
        assertClose(json["error_estimate"], evaluator.errorEstimate)
        assertClose(json["outputs"], evaluator.outputs)
        assertClose(json["output_bounds"], [evaluator.outputBound(0), evaluator.outputBound(1)])
        XCTAssertEqual(json["parameter_names"] as? [String], ["left", "right"])
        XCTAssertGreaterThan(try XCTUnwrap(json["seconds_per_query"] as? Double), 0)
        XCTAssertEqual(try NPY.read(folder.appendingPathComponent("u.npy")).doubles(), try model.reconstruct(evaluator.coefficients))
        let text = String(decoding: try rom(["online", url.path, "--mu", "0.3,1.2", "--repeats", "3"]).stdout, as: UTF8.self)
        XCTAssertTrue(text.contains("left = 0.3, right = 1.2") && text.contains("time per query"), text)
    }

    func testOnlineReadsManyParametersFromCSV() throws {
        let (model, url) = try writeModel()
        // A header naming the parameters in another order, comments, a blank line.
        let csv = "# parameters for rom online\nright, left\n\n1.0, 0.5\n2, 0.1   # the corner\n0.5,1\n"
        try Data(csv.utf8).write(to: folder.appendingPathComponent("mu.csv"))
        let expected: [(line: Int, mu: [Double])] = [(4, [0.5, 1.0]), (5, [0.1, 2]), (6, [1, 0.5])]
        let evaluator = ReducedModelEvaluator(model: model)
        // `--mu-file` answers through the batched evaluator (four parameters per SIMD lane): its
        // answers equal single queries to round-off, and each μ's answer does not depend on the
        // others in its block, so a block of one gives the same bits.
        let batch = ReducedModelBatchEvaluator(model: model)

        let lines = String(decoding: try rom(["online", url.path, "--mu-file", path("mu.csv"), "--json", "-", "--field", path("u.npy")]).stdout,
                           as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        var fields = Matrix(rows: 63, columns: 0)
        for (k, line) in lines.enumerated() {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(object["line"] as? Int, expected[k].line)
            XCTAssertEqual(object["mu"] as? [Double], expected[k].mu)
            try evaluator.solve(Parameter(expected[k].mu))
            // The batch's lane Cholesky and the single query's LDLᵀ sum in different orders.
            assertCloseInNorm(object["coefficients"], evaluator.coefficients)
            // Δ(μ) ≈ 1e-14 here: round-off of the residual is a part in 10³ of it, so the batched
            // bound is compared with the batched evaluator's.
            let answer = try batch.solve([Parameter(expected[k].mu)])
            assertClose(object["error_estimate"], answer.errorEstimates[0])
            fields.appendColumn(try model.reconstruct(answer.coefficients.column(0)))
        }
        XCTAssertEqual(try NPY.read(folder.appendingPathComponent("u.npy")).matrix(), fields)

        let table = String(decoding: try rom(["online", url.path, "--mu-file", path("mu.csv"), "--quiet"]).stdout, as: UTF8.self)
        let rows = table.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(Array(rows[0].prefix(7)), ["line", "left", "right", "error_estimate", "residual_norm", "coercivity_lower_bound", "output_0"])
        // CSV numbers are read back bit for bit.
        let corner = try batch.solve([Parameter([0.1, 2])])
        XCTAssertEqual(rows[2][0], "5")
        XCTAssertEqual(Double(rows[2][3]), corner.errorEstimates[0])
        XCTAssertEqual(Double(rows[2][6]), corner.outputs[0, 0])
        XCTAssertEqual(rows[2].count, 1 + 2 + 3 + 4 + model.size)
    }

    func testOnlineErrorsNameTheComponentTheLineOrTheFile() throws {
        let (_, url) = try writeModel()
        let count = try romFailure(["online", url.path, "--mu", "0.5,1,1"])
        XCTAssertTrue(count.contains("3 values given, the model has 2 parameters (left, right)"), count)
        let bounds = try romFailure(["online", url.path, "--mu", "0.5,3"])
        XCTAssertTrue(bounds.contains("'right' = 3.0 lies outside [0.5, 2.0]"), bounds)
        XCTAssertTrue(try romFailure(["online", url.path, "--mu", "0.5,abc"]).contains("'abc' is not a number"))
        XCTAssertTrue(try romFailure(["online", url.path, "--mu", "nan,1"]).contains("not a finite number"))
        try Data("left,right\n0.5,1\n0.5;1\n".utf8).write(to: folder.appendingPathComponent("bad.csv"))
        let malformed = try romFailure(["online", url.path, "--mu-file", path("bad.csv")])
        XCTAssertTrue(malformed.contains("bad.csv, line 3"), malformed)
        try Data("left,speed\n".utf8).write(to: folder.appendingPathComponent("header.csv"))
        XCTAssertTrue(try romFailure(["online", url.path, "--mu-file", path("header.csv")]).contains("'speed'"))
        XCTAssertTrue(try romFailure(["online", path("missing.npz"), "--mu", "0.5,1"]).contains("missing.npz"))
        XCTAssertTrue(try romFailure(["online", url.path]).contains("--mu"))
        let (_, bare) = try writeModel(keepBasis: false)
        XCTAssertTrue(try romFailure(["online", bare.path, "--mu", "0.5,1", "--field", path("u.npy")]).contains("without its basis"))
    }
}
