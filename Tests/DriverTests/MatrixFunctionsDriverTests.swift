import XCTest
import TestSupport

/// `matrix-functions` end to end on a small mesh: the JSON contract and stored values.
final class MatrixFunctionsDriverTests: XCTestCase {
    func testSmallMaternCaseAndItsModelFileThroughRomOnline() throws {
        let temporary = try TemporaryFolder("matrix-functions-small")
        defer { temporary.remove() }
        let result = try DriverProcess.run("matrix-functions", ["--n", "12", "--training", "20", "--test", "10", "--out", temporary.url.path,
                                                               "--probes", "10", "--lanczos", "20", "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        // The model file answers what the in-memory model answers, to the bit.
        XCTAssertEqual(json["model_file_max_difference"] as? Double, 0)
        XCTAssertEqual(json["model"] as? String, temporary.file("model.npz").path)
        try checkRomOnline(model: temporary.file("model.npz").path, folder: temporary)
        for key in ["terms", "dofs", "logdet_max_rel_error", "logdet_max_bound", "quadratic_form_max_rel_error", "inverse_max_rel_error",
                    "online_seconds_per_query", "cholmod_seconds_per_query", "slq_max_rel_error", "slq_seconds_per_query",
                    "rb_quadratic_form_max_rel_error", "rb_seconds_per_query"] {
            XCTAssertNotNil(json[key] as? Double, key)
        }
        XCTAssertEqual(json["dofs"] as? Double, 169)
        // Eight subdomains of degree 6: 13 terms each (the powers of κ² up to 12).
        XCTAssertEqual(json["subdomains"] as? Double, 8)
        XCTAssertEqual(json["terms"] as? Double, 13)
        XCTAssertEqual(json["total_terms"] as? Double, 104)
        XCTAssertEqual(json["bound_holds"] as? Bool, true)
        XCTAssertEqual(json["rb_bound_holds"] as? Bool, true)
        // Stored values (2026-12-01): the exact CHOLMOD range over the 10 test κ, the seeded SLQ
        // error, the first subdomain's greedy errors (monomials of ψ, the reference scaling).
        XCTAssertEqual(try XCTUnwrap(json["logdet_min"] as? Double), 1187.512261879523, accuracy: 1e-9 * 1187.5)
        XCTAssertEqual(try XCTUnwrap(json["logdet_max"] as? Double), 2026.6367991508719, accuracy: 1e-9 * 2026.6)
        XCTAssertEqual(try XCTUnwrap(json["slq_max_rel_error"] as? Double), 0.00654152879880977, accuracy: 1e-6)
        let history = try XCTUnwrap(json["greedy_error_history"] as? [Double])
        XCTAssertEqual(history.count, 14)
        XCTAssertEqual(history[3], 0.07284855199379424, accuracy: 1e-9)
        // Measured 3.7e-10 (log det) and 1.7e-11 (the RB's bᵀA⁻¹b): a decade of margin.
        XCTAssertLessThan(try XCTUnwrap(json["logdet_max_rel_error"] as? Double), 5e-9)
        XCTAssertLessThan(try XCTUnwrap(json["rb_quadratic_form_max_rel_error"] as? Double), 1e-9)
        XCTAssertEqual(json["rb_basis_size"] as? Double, 25)
        let error = try XCTUnwrap(json["logdet_max_rel_error"] as? Double), bound = try XCTUnwrap(json["logdet_max_bound"] as? Double)
        XCTAssertLessThanOrEqual(error, bound)
    }

    /// `rom online MODEL --output logdet` at κ = 10^1.5, one μ and a μ file; `rom info` names the
    /// method; an unknown output is an error listing the model's outputs.
    private func checkRomOnline(model: String, folder: TemporaryFolder) throws {
        let one = try DriverProcess.run("rom", ["online", model, "--mu", "1.5", "--output", "logdet", "--json", "-"])
        XCTAssertEqual(one.status, 0, one.stderr)
        let answer = try one.json()
        // Stored values (2026-12-01) of the interpolation at s = 1.5 on the 12 × 12 mesh (the driver's
        // test set puts its error against CHOLMOD below 5e-9 relative) and of its bound.
        let logDet = try XCTUnwrap(answer["logdet"] as? Double), bound = try XCTUnwrap(answer["logdet_bound"] as? Double)
        XCTAssertEqual(logDet, 1570.111575417949, accuracy: 1e-6)
        XCTAssertEqual(bound, 8.6547748018859, accuracy: 1e-6)
        let text = try DriverProcess.run("rom", ["online", model, "--mu", "1.5", "--output", "logdet"])
        let printed = String(decoding: text.stdout, as: UTF8.self)
        XCTAssertTrue(printed.hasPrefix("logdet: 1570.11157541"), printed)
        let file = folder.file("kappa.csv")
        try "log10_kappa\n0\n1.5\n2\n".write(to: file, atomically: true, encoding: .utf8)
        let table = try DriverProcess.run("rom", ["online", model, "--mu-file", file.path, "--output", "quadratic_form", "--quiet"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let rows = String(decoding: table.stdout, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.first, ["line", "log10_kappa", "quadratic_form", "quadratic_form_bound"])
        XCTAssertEqual(rows.count, 4)
        let info = try DriverProcess.run("rom", ["info", model])
        let described = String(decoding: info.stdout, as: UTF8.self)
        XCTAssertTrue(described.contains("matrix-power interpolation (8 subdomains"), described)
        let bad = try DriverProcess.run("rom", ["online", model, "--mu", "1.5", "--output", "trace"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("logdet, quadratic_form"), bad.stderr)
    }

    /// The thermal block's matrices (2×2 blocks, 8×8 squares split in four: 113 free unknowns):
    /// 15 = C(2 + 4, 4) monomials, all kept; stored exact values; every bound holds.
    func testThermalBlockMatrices() throws {
        let temporary = try TemporaryFolder("matrix-functions-thermal")
        defer { temporary.remove() }
        let result = try DriverProcess.run("matrix-functions", ["--problem", "thermal-block", "--n", "8", "--training", "40", "--test", "5",
                                                               "--degree", "2", "--probes", "5", "--lanczos", "10", "--out", temporary.url.path,
                                                               "--keep-inverse", "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(json["dofs"] as? Double, 113)
        XCTAssertEqual(json["terms"] as? Double, 15)
        XCTAssertEqual(json["bound_holds"] as? Bool, true)
        XCTAssertEqual(json["rb_bound_holds"] as? Bool, true)
        XCTAssertEqual(json["rb_basis_size"] as? Double, 17)
        XCTAssertEqual(try XCTUnwrap(json["logdet_min"] as? Double), -2.8273288553508795, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(json["logdet_max"] as? Double), 89.04487254745808, accuracy: 1e-9 * 89)
    }

    /// Two range parameters (`--problem matern-regions`, 8 × 8 squares: 81 unknowns) on 4 × 4
    /// subdomains: 85 terms each (of 462 monomials), stored exact values, every bound holds.
    func testTwoRangeParameters() throws {
        let temporary = try TemporaryFolder("matrix-functions-regions")
        defer { temporary.remove() }
        let result = try DriverProcess.run("matrix-functions", ["--problem", "matern-regions", "--n", "8", "--pieces", "4", "--training", "300",
                                                               "--test", "10", "--probes", "5", "--lanczos", "10", "--out", temporary.url.path,
                                                               "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        XCTAssertEqual(json["dofs"] as? Double, 81)
        XCTAssertEqual(json["subdomains"] as? Double, 16)
        XCTAssertEqual(json["terms"] as? Double, 85)
        XCTAssertEqual(json["bound_holds"] as? Bool, true)
        XCTAssertEqual(json["model_file_max_difference"] as? Double, 0)
        // Stored values (2026-12-02): CHOLMOD's range over the 10 test μ, the first subdomain's greedy.
        XCTAssertEqual(try XCTUnwrap(json["logdet_min"] as? Double), 494.0395991275019, accuracy: 1e-9 * 494)
        XCTAssertEqual(try XCTUnwrap(json["logdet_max"] as? Double), 792.0214012547664, accuracy: 1e-9 * 792)
        XCTAssertEqual(try XCTUnwrap(json["greedy_error_history"] as? [Double])[3], 0.7750770754612228, accuracy: 1e-9)
        // Measured 1.2e-6.
        XCTAssertLessThan(try XCTUnwrap(json["logdet_max_rel_error"] as? Double), 1e-5)
    }

    func testBadOptionIsAnErrorNamingIt() throws {
        let result = try DriverProcess.run("matrix-functions", ["--degree", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--degree"), result.stderr)
        let problem = try DriverProcess.run("matrix-functions", ["--problem", "heat"])
        XCTAssertNotEqual(problem.status, 0)
        XCTAssertTrue(problem.stderr.contains("--problem"), problem.stderr)
    }
}
