import XCTest

/// `eifmm` end to end on small cases: its JSON against stored values (n and the interpolation points
/// exactly, errors within a tolerance; times only positive).
final class EIFMMDriverTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> [String: Any] {
        let result = try DriverProcess.run("eifmm", arguments + ["--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.json()
    }

    func testLaplace3DMatchesStoredValues() throws {
        let json = try run(["--kernel", "laplace", "--dim", "3", "--n", "4000", "--tol", "1e-6", "--leaf-size", "60"])
        XCTAssertEqual(json["n"] as? Int, 4000)
        // 256 since the EIM training is validated at random source positions (254 before).
        XCTAssertEqual(json["interpolation_points"] as? [Int], [256, 256])
        let error = try XCTUnwrap(json["rel_error"] as? Double)
        XCTAssertLessThanOrEqual(error, 1e-6)
        XCTAssertEqual(log10(error), log10(4e-8), accuracy: 0.7)
        for key in ["seconds", "setup_seconds", "direct_seconds"] {
            XCTAssertGreaterThan(try XCTUnwrap(json[key] as? Double), 0, key)
        }
    }

    func testGaussian2DClusteredChebyshev() throws {
        let json = try run(["--kernel", "gaussian", "--scale", "0.1", "--dim", "2", "--n", "5000", "--distribution", "clustered",
                            "--tol", "1e-3", "--method", "chebyshev", "--leaf-size", "40"])
        XCTAssertEqual(json["n"] as? Int, 5000)
        XCTAssertLessThanOrEqual(try XCTUnwrap(json["rel_error"] as? Double), 1e-3)
        XCTAssertFalse(try XCTUnwrap(json["interpolation_points"] as? [Int]).isEmpty)
    }

    func testBadOptionsAreErrorsNamingThem() throws {
        for (arguments, name) in [(["--dim", "4"], "--dim"), (["--tol", "0"], "--tol"), (["--kernel", "nope"], "--kernel"),
                                  (["--distribution", "cube"], "--distribution")] {
            let result = try DriverProcess.run("eifmm", arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(name), result.stderr)
        }
    }
}
