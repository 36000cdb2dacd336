import XCTest
import TestSupport

/// `poisson` end to end: the JSON contract, stored values of small cases, the .vtu artifact.
final class PoissonDriverTests: XCTestCase {
    func testTorsionProblemOnTheUnitSquare() throws {
        let temporary = try TemporaryFolder("poisson")
        defer { temporary.remove() }
        let out = temporary.url
        let result = try DriverProcess.run("poisson", ["--n", "16", "--json", "-", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        for key in ["dofs", "assemble_seconds", "solve_seconds", "u_max"] { XCTAssertNotNil(json[key] as? Double, key) }
        XCTAssertTrue(json["l2_error"] is NSNull && json["h1_error"] is NSNull)
        XCTAssertEqual(json["dofs"] as? Double, 289)
        // P1 on 16×16×2 triangles (the scikit-fem mesh): max u = 0.0734457666, → 0.0736713532814.
        XCTAssertEqual(try XCTUnwrap(json["u_max"] as? Double), 0.0734457666, accuracy: 1e-9)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("poisson.vtu").path))
    }

    func testManufacturedSolutionErrorsForEachSolver() throws {
        var values = [Double]()
        for solver in ["cholmod", "umfpack", "cg"] {
            let temporary = try TemporaryFolder("poisson")
            defer { temporary.remove() }
            let out = temporary.url
            let result = try DriverProcess.run("poisson", ["--dim", "3", "--n", "4", "--order", "2", "--manufactured",
                                                          "--solver", solver, "--json", "-", "--out", out.path])
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try result.json()
            XCTAssertEqual(json["dofs"] as? Double, 729)
            values.append(try XCTUnwrap(json["l2_error"] as? Double))
            XCTAssertEqual(try XCTUnwrap(json["h1_error"] as? Double), 0.0878345, accuracy: 1e-6)
        }
        for value in values { XCTAssertEqual(value, 0.0160218032, accuracy: 1e-9) }
    }

    func testBadOptionIsAnErrorNamingIt() throws {
        let result = try DriverProcess.run("poisson", ["--solver", "lapack"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--solver"), result.stderr)
    }
}
