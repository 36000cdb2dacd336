import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// `nonintrusive-rb` end to end on small cases: the Gaussian bump (not affine) against stored
/// figures; the thermal block (affine, Q = 4) against the intrusive greedy, exported as
/// MatrixMarket files and reduced again from the folder.
final class NonintrusiveRBDriverTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> [String: Any] {
        let result = try DriverProcess.run("nonintrusive-rb", arguments + ["--quiet", "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.json()
    }

    func testBumpReproducesStoredFigures() throws {
        let temporary = try TemporaryFolder("nonintrusive-rb-bump")
        defer { temporary.remove() }
        let json = try run(["--partition", "global", "--n", "16", "--grid", "7", "--heights", "2", "--test", "8", "--max-basis", "30",
                            "--out", temporary.url.path])
        func number(_ key: String) throws -> Double { try XCTUnwrap(json[key] as? Double, "missing \(key)") }
        XCTAssertEqual(json["truth_dimension"] as? Int, 225)
        XCTAssertEqual(json["training_size"] as? Int, 99)
        XCTAssertEqual(json["eim_terms"] as? Int, 50)
        XCTAssertEqual(json["rhs_eim_terms"] as? Int, 1, "f = 1 does not depend on μ")
        XCTAssertEqual(json["basis_size"] as? Int, 30)
        XCTAssertLessThan(try number("operator_error"), 1e-13, "the training set is interpolated exactly with as many terms as samples need")
        XCTAssertEqual(try number("max_true_error"), 0.038512254078840166, accuracy: 1e-6)
        XCTAssertEqual(try number("test_operator_error"), 0.05027543145647707, accuracy: 1e-6)
        XCTAssertEqual(try number("indicator_effectivity_min"), 0.5712875450924667, accuracy: 1e-4)
        XCTAssertEqual(try number("indicator_effectivity_max"), 2.200987966268799, accuracy: 1e-4)
        for key in ["offline_seconds", "online_seconds_per_query", "fem_seconds_per_solve", "speedup"] {
            XCTAssertGreaterThan(try number(key), 0, key)
        }
        // The model file answers alone, through the protocol.
        let loaded = try OnlineModelFile.load(temporary.file("model.npz"))
        XCTAssertEqual(loaded.method, "nonintrusive-reduced-basis")
        XCTAssertEqual(loaded.model.reducedDimension, 30)
        try loaded.model.solve(Parameter([5, 0.5, 0.5]))
        XCTAssertGreaterThan(loaded.model.errorEstimate, 0)
    }

    func testTheHPPartitionReproducesStoredFigures() throws {
        let temporary = try TemporaryFolder("nonintrusive-rb-hp")
        defer { temporary.remove() }
        let json = try run(["--n", "16", "--heights", "2", "--subdomain-grid", "5", "--subdomain-terms", "20", "--subdomain-basis", "12",
                            "--max-subdomains", "8", "--initial-depth", "2", "--operator-tol", "1e-4", "--tol", "1e-3", "--test", "8", "--out", temporary.url.path])
        func number(_ key: String) throws -> Double { try XCTUnwrap(json[key] as? Double, "missing \(key)") }
        XCTAssertEqual(json["partition"] as? String, "hp", "the bump's default")
        XCTAssertEqual(json["truth_dimension"] as? Int, 225)
        // The subdomain limit stops the splitting (the 15 × 15 mesh resolves the bump poorly): every
        // subdomain keeps d = 20, N = 12, and the error is below the global model's with d = 50, N = 30.
        XCTAssertEqual(json["subdomains"] as? Int, 8)
        XCTAssertEqual(json["unconverged_subdomains"] as? Int, 8)
        XCTAssertEqual(json["splits_for_interpolation"] as? Int, 4)
        XCTAssertEqual(json["eim_terms"] as? Int, 20)
        XCTAssertEqual(json["basis_size"] as? Int, 12)
        XCTAssertEqual(json["rhs_eim_terms"] as? Int, 1, "f = 1 does not depend on μ")
        XCTAssertEqual(try number("max_true_error"), 0.022138871921095656, accuracy: 1e-6)
        XCTAssertEqual(try number("indicator_effectivity_min"), 1.0249850503797562, accuracy: 1e-4)
        XCTAssertEqual(try number("indicator_effectivity_max"), 1.8894852649482248, accuracy: 1e-4)
        for key in ["offline_seconds", "online_seconds_per_query", "fem_seconds_per_solve", "speedup"] {
            XCTAssertGreaterThan(try number(key), 0, key)
        }
        let loaded = try OnlineModelFile.load(temporary.file("model.npz"))
        XCTAssertEqual(loaded.method, "hp-nonintrusive-reduced-basis")
        try loaded.model.solve(Parameter([5, 0.3, 0.7]))
        XCTAssertGreaterThan(loaded.model.errorEstimate, 0)
    }

    func testAnAffineFamilyMatchesTheIntrusiveGreedyAndGoesThroughFiles() throws {
        let temporary = try TemporaryFolder("nonintrusive-rb-thermal")
        defer { temporary.remove() }
        let family = temporary.file("family").path
        let json = try run(["--problem", "thermal-block", "--n", "12", "--train", "60", "--test", "5", "--tol", "1e-7",
                            "--out", temporary.file("out").path, "--export", family])
        XCTAssertEqual(json["eim_terms"] as? Int, 4, "Q = 4 affine terms")
        let n = try XCTUnwrap(json["basis_size"] as? Int), intrusive = try XCTUnwrap(json["intrusive_basis_size"] as? Int)
        XCTAssertLessThanOrEqual(abs(n - intrusive), 2, "nonintrusive N = \(n), intrusive N = \(intrusive)")
        XCTAssertLessThan(try XCTUnwrap(json["max_true_error"] as? Double), 1e-6)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(json["indicator_effectivity_min"] as? Double), 1, "α = 0.1 bounds the coercivity from below")
        // The exported folder (what an external code writes) gives the same interpolation.
        let files = try run(["--matrices", family, "--tol", "1e-7", "--stability-constant", "0.1", "--out", temporary.file("files").path])
        XCTAssertEqual(files["eim_terms"] as? Int, 4)
        XCTAssertEqual(files["basis_size"] as? Int, n)
        XCTAssertEqual(files["training_size"] as? Int, 60)
    }

    /// The lined duct (complex Helmholtz, P2 on 40 × 3 squares: 567 dofs; 21 × 3 training parameters, N = 20) against stored figures; its complex model
    /// file through `rom info` and `rom online` (coefficients as interleaved real and imaginary
    /// parts, the field as complex128).
    func testDuctReproducesStoredFiguresAndItsComplexModelAnswers() throws {
        let temporary = try TemporaryFolder("nonintrusive-rb-duct")
        defer { temporary.remove() }
        let family = temporary.file("family").path
        let json = try run(["--problem", "duct", "--n", "40", "--frequencies", "21", "--resistivities", "3", "--test", "6",
                            "--max-basis", "20", "--curve-points", "4", "--out", temporary.url.path, "--export", family])
        func number(_ key: String) throws -> Double { try XCTUnwrap(json[key] as? Double, "missing \(key)") }
        XCTAssertEqual(json["truth_dimension"] as? Int, 567)
        XCTAssertEqual(json["training_size"] as? Int, 63)
        XCTAssertEqual(json["eim_terms"] as? Int, 5, "K, M, i(B_in + B_out), B_lined, i B_lined")
        XCTAssertEqual(json["rhs_eim_terms"] as? Int, 1, "f = −2ik b_in")
        XCTAssertEqual(json["truth_solver"] as? String, "UMFPACK")
        XCTAssertEqual(json["basis_size"] as? Int, 20)
        XCTAssertLessThan(try number("operator_error"), 1e-12)
        XCTAssertEqual(try number("max_true_error"), 0.006653360030999195, accuracy: 1e-6)
        XCTAssertEqual(try number("max_pressure_error"), 0.006136335011292807, accuracy: 1e-6)
        XCTAssertEqual(try number("tl_max_error_db"), 0.01881702594018897, accuracy: 1e-5)
        XCTAssertEqual(try number("tl_max_db"), 14.13019554644628, accuracy: 1e-6)
        for key in ["offline_seconds", "online_seconds_per_query", "fem_seconds_per_solve", "speedup", "indicator_effectivity_min"] {
            XCTAssertGreaterThan(try number(key), 0, key)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: temporary.file("report.html").path))
        // rom info and rom online read the complex model.
        let model = temporary.file("model.npz").path
        let info = try DriverProcess.run("rom", ["info", model, "--json", "-"])
        XCTAssertEqual(info.status, 0, info.stderr)
        let sizes = try XCTUnwrap(try info.json()["sizes"] as? [String: Any])
        XCTAssertEqual(sizes["N"] as? Int, 20)
        XCTAssertEqual(sizes["d"] as? Int, 5)
        let field = temporary.file("field.npy")
        let online = try DriverProcess.run("rom", ["online", model, "--mu", "1000,20000", "--json", "-", "--field", field.path])
        XCTAssertEqual(online.status, 0, online.stderr)
        let answer = try online.json()
        XCTAssertEqual(answer["complex"] as? Bool, true)
        XCTAssertEqual((answer["coefficients"] as? [Double])?.count, 2 * 20, "interleaved real and imaginary parts")
        let written = try NPY.read(field)
        XCTAssertEqual(written.shape, [567])
        // At the first training parameter (f, σ) = (200 Hz, 5 kPa·s/m²), the magic entries read from
        // the exported complex MatrixMarket file and f(μ) give the answer of μ alone (the fit of
        // the training coefficients is exact there).
        let byMatrix = try DriverProcess.run("rom", ["online", model, "--mu", "200,5000", "--matrix", family + "/A_0000.mtx",
                                                     "--rhs", family + "/f_0000.npy", "--json", "-"])
        XCTAssertEqual(byMatrix.status, 0, byMatrix.stderr)
        let byMu = try DriverProcess.run("rom", ["online", model, "--mu", "200,5000", "--json", "-"])
        let a = try XCTUnwrap(try byMatrix.json()["coefficients"] as? [Double]), b = try XCTUnwrap(try byMu.json()["coefficients"] as? [Double])
        XCTAssertEqual(a.count, b.count)
        let scale = a.map(abs).max()!
        XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()!, 1e-6 * scale)
        XCTAssertEqual(written.elements.typeName, "complex128")
    }

    func testBadOptionsAreErrorsNamingThem() throws {
        for (option, value) in [("--n", "1"), ("--tol", "-1"), ("--stability-constant", "0")] {
            let result = try DriverProcess.run("nonintrusive-rb", [option, value, "--quiet"])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(option), result.stderr)
        }
        let partition = try DriverProcess.run("nonintrusive-rb", ["--problem", "thermal-block", "--partition", "hp", "--quiet"])
        XCTAssertNotEqual(partition.status, 0)
        XCTAssertTrue(partition.stderr.contains("--partition hp"), partition.stderr)
        let missing = try DriverProcess.run("nonintrusive-rb", ["--matrices", "/nonexistent/family", "--quiet"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("parameters.csv"), missing.stderr)
    }
}
