import XCTest
import TestSupport

/// `matrix-functions` end to end on a small mesh: the JSON contract and stored values.
final class MatrixFunctionsDriverTests: XCTestCase {
    func testSmallMaternCase() throws {
        let result = try DriverProcess.run("matrix-functions", ["--n", "12", "--training", "60", "--test", "10", "--degree", "4",
                                                               "--probes", "10", "--lanczos", "20", "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        for key in ["terms", "dofs", "logdet_max_rel_error", "logdet_max_bound", "quadratic_form_max_rel_error", "inverse_max_rel_error",
                    "online_seconds_per_query", "cholmod_seconds_per_query", "slq_max_rel_error", "slq_seconds_per_query"] {
            XCTAssertNotNil(json[key] as? Double, key)
        }
        XCTAssertEqual(json["dofs"] as? Double, 169)
        XCTAssertEqual(json["bound_holds"] as? Bool, true)
    }

    func testBadOptionIsAnErrorNamingIt() throws {
        let result = try DriverProcess.run("matrix-functions", ["--degree", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--degree"), result.stderr)
    }
}
