import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// `rom nonintrusive` on a folder written the way scipy.io.mmwrite and numpy.save write it, then
/// `rom online` with the assembled matrix, with the entries alone, and with μ alone; and the
/// errors of bad folders.
final class ROMNonintrusiveDriverTests: XCTestCase {
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder("romkit-rom-nonintrusive") }
    override func tearDownWithError() throws { temporary.remove() }

    /// −(κu')' = f on (0, 1), κ = 1 + μ₀ exp(−(x − μ₁)²/0.02), f = 1 + μ₀ x: symmetric tridiagonal.
    private func bump(_ mu: [Double], n: Int) -> (a: [[(Int, Double)]], f: [Double]) {
        let h = 1 / Double(n + 1)
        let kappa = (0...n).map { i -> Double in let x = (Double(i) + 0.5) * h - mu[1]; return 1 + mu[0] * exp(-x * x / 0.02) }
        let rows = (0..<n).map { i -> [(Int, Double)] in
            var row = [(i, (kappa[i] + kappa[i + 1]) / (h * h))]
            if i > 0 { row.insert((i - 1, -kappa[i] / (h * h)), at: 0) }
            if i + 1 < n { row.append((i + 1, -kappa[i + 1] / (h * h))) }
            return row
        }
        return (rows, (0..<n).map { 1 + mu[0] * Double($0) / Double(n) })
    }

    /// scipy.io.mmwrite's text for a symmetric matrix: the lower triangle, 1-based, repr floats.
    private func scipyText(_ rows: [[(Int, Double)]]) -> String {
        // Column by column of the lower triangle: (row, column) with row ≥ column.
        var lines: [String] = []
        for j in rows.indices { for i in rows.indices { if let v = rows[i].first(where: { $0.0 == j })?.1, i >= j { lines.append("\(i + 1) \(j + 1) \(v)") } } }
        return "%%MatrixMarket matrix coordinate real symmetric\n%\n\(rows.count) \(rows.count) \(lines.count)\n" + lines.joined(separator: "\n") + "\n"
    }

    private func writeFamily(to folder: URL, n: Int, heights: [Double], centres: [Double]) throws -> [[Double]] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var csv = "height,center\n", parameters: [[Double]] = []
        for a in heights { for c in centres { parameters.append([a, c]); csv += "\(a),\(c)\n" } }
        try csv.write(to: folder.appendingPathComponent("parameters.csv"), atomically: true, encoding: .utf8)
        for (j, mu) in parameters.enumerated() {
            let (a, f) = bump(mu, n: n)
            try scipyText(a).write(to: folder.appendingPathComponent(String(format: "A_%04d.mtx", j)), atomically: true, encoding: .utf8)
            try NPY.write(f, to: folder.appendingPathComponent(String(format: "f_%04d.npy", j)))
        }
        return parameters
    }

    private func rom(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> DriverProcess.Result {
        let result = try DriverProcess.run("rom", arguments)
        XCTAssertEqual(result.status, 0, "rom \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    func testAFolderGoesThroughNonintrusiveAndOnline() throws {
        let n = 80
        let family = temporary.file("family")
        let parameters = try writeFamily(to: family, n: n, heights: (0..<6).map { 0.5 + 0.9 * Double($0) },
                                         centres: (0..<21).map { 0.3 + 0.02 * Double($0) })
        let model = temporary.file("model.npz").path
        let built = try rom(["nonintrusive", family.path, "--out", model, "--tol", "1e-7", "--operator-tol", "1e-8", "--json", "-", "--quiet"]).json()
        let terms = try XCTUnwrap(built["eim_terms"] as? Int)
        XCTAssertGreaterThan(terms, 5, "the bump's centre moves: not affine")
        XCTAssertEqual(built["rhs_eim_terms"] as? Int, 2)
        XCTAssertLessThanOrEqual(try XCTUnwrap(built["operator_error"] as? Double), 1e-8)
        XCTAssertEqual(built["truth_solver"] as? String, "CHOLMOD")
        let info = try rom(["info", model, "--json", "-"]).json()
        XCTAssertEqual(info["method"] as? String, "nonintrusive-reduced-basis")

        // A sample's matrix: --matrix, --entries and --mu alone give the same answer.
        let j = 40, mu = parameters[j].map { "\($0)" }.joined(separator: ",")
        let a = family.appendingPathComponent(String(format: "A_%04d.mtx", j)).path
        let f = family.appendingPathComponent(String(format: "f_%04d.npy", j)).path
        let fromMatrix = try rom(["online", model, "--mu", mu, "--matrix", a, "--rhs", f, "--json", "-"]).json()
        let loaded = try OnlineModelFile.readNonintrusive(URL(fileURLWithPath: model)).model
        let matrix = try MatrixMarket.readSparse(URL(fileURLWithPath: a))
        let load = try NPY.read(URL(fileURLWithPath: f)).doubles()
        let entries = loaded.operatorPositions.map { matrix[$0.row, $0.column] } + loaded.rightHandSideIndices.map { load[$0] }
        try NPY.write(entries, to: temporary.file("entries.npy"))
        let fromEntries = try rom(["online", model, "--mu", mu, "--entries", temporary.file("entries.npy").path, "--json", "-"]).json()
        let fromMu = try rom(["online", model, "--mu", mu, "--json", "-"]).json()
        let u1 = try XCTUnwrap(fromMatrix["coefficients"] as? [Double])
        let u2 = try XCTUnwrap(fromEntries["coefficients"] as? [Double])
        let u3 = try XCTUnwrap(fromMu["coefficients"] as? [Double])
        XCTAssertEqual(u1, u2, "--matrix and --entries read the same entries")
        for (x, y) in zip(u1, u3) { XCTAssertEqual(x, y, accuracy: 1e-7 * u1.map(abs).max()!, "μ alone is exact at a training parameter") }
        // The reduced solution is the truth's (a training parameter, tolerance 1e-7).
        let truth = try CholeskyFactorization(matrix).solve(load)
        let field = try XCTUnwrap(NonintrusiveModelEvaluator(model: loaded).reconstruct(u1))
        let error = zip(truth, field).map { abs($0 - $1) }.max()! / truth.map(abs).max()!
        XCTAssertLessThan(error, 1e-5)
    }

    func testBadFoldersAreErrorsNamingTheFileAndLine() throws {
        let n = 20
        func fresh(_ name: String) throws -> URL {
            let folder = temporary.file(name)
            _ = try writeFamily(to: folder, n: n, heights: [1, 2], centres: [0.4, 0.5, 0.6])
            return folder
        }
        func failure(_ folder: URL) throws -> String {
            let result = try DriverProcess.run("rom", ["nonintrusive", folder.path, "--out", temporary.file("bad.npz").path, "--quiet"])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.file("bad.npz").path))
            return result.stderr
        }
        let missing = try fresh("missing")
        try FileManager.default.removeItem(at: missing.appendingPathComponent("A_0003.mtx"))
        XCTAssertTrue(try failure(missing).contains("A_0003.mtx"))

        let size = try fresh("size")
        let (a, _) = bump([1, 0.5], n: n + 1)
        try scipyText(a).write(to: size.appendingPathComponent("A_0002.mtx"), atomically: true, encoding: .utf8)
        let sizeError = try failure(size)
        XCTAssertTrue(sizeError.contains("A_0002.mtx") && sizeError.contains("21×21"), sizeError)

        let nan = try fresh("nan")
        let text = try String(contentsOf: nan.appendingPathComponent("A_0001.mtx"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        lines[4] = lines[4].split(separator: " ").prefix(2).joined(separator: " ") + " nan"
        try (lines.joined(separator: "\n") + "\n").write(to: nan.appendingPathComponent("A_0001.mtx"), atomically: true, encoding: .utf8)
        let nanError = try failure(nan)
        XCTAssertTrue(nanError.contains("A_0001.mtx") && nanError.contains("line 5"), nanError)

        let columns = try fresh("columns")
        try "height,center\n1,0.4\n1,0.5,7\n1,0.6\n2,0.4\n2,0.5\n2,0.6\n".write(to: columns.appendingPathComponent("parameters.csv"), atomically: true, encoding: .utf8)
        let columnError = try failure(columns)
        XCTAssertTrue(columnError.contains("parameters.csv") && columnError.contains("line 3"), columnError)
    }
}
