import XCTest
import TestSupport

/// `matrix-functions` end to end on a small mesh: the JSON contract and stored values.
final class MatrixFunctionsDriverTests: XCTestCase {
    func testSmallMaternCase() throws {
        let result = try DriverProcess.run("matrix-functions", ["--n", "12", "--training", "20", "--test", "10",
                                                               "--probes", "10", "--lanczos", "20", "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
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

    /// The thermal block's matrices (2×2 blocks, 8×8 squares split in four: 113 free unknowns):
    /// 15 = C(2 + 4, 4) monomials, all kept; stored exact values; every bound holds.
    func testThermalBlockMatrices() throws {
        let result = try DriverProcess.run("matrix-functions", ["--problem", "thermal-block", "--n", "8", "--training", "40", "--test", "5",
                                                               "--degree", "2", "--probes", "5", "--lanczos", "10", "--json", "-"])
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

    func testBadOptionIsAnErrorNamingIt() throws {
        let result = try DriverProcess.run("matrix-functions", ["--degree", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--degree"), result.stderr)
        let problem = try DriverProcess.run("matrix-functions", ["--problem", "heat"])
        XCTAssertNotEqual(problem.status, 0)
        XCTAssertTrue(problem.stderr.contains("--problem"), problem.stderr)
    }
}
