import Foundation
import XCTest
import TestSupport

/// `eim-functions` end to end on a small case (30×30 points, 10×10 training grid): its JSON against
/// stored values (term counts exactly, errors within a tolerance).
final class EIMFunctionsDriverTests: XCTestCase {
    private func run(_ extra: [String]) throws -> [String: Any] {
        let result = try DriverProcess.run("eim-functions", ["--grid", "30", "--params", "10", "--test", "20", "--json", "-", "--quiet"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.json()
    }

    func testClassicMatchesStoredValues() throws {
        let json = try run([])
        XCTAssertEqual(json["terms"] as? Int, 47)
        let points = try XCTUnwrap(json["points"] as? [Int])
        XCTAssertEqual(points.count, 47)
        XCTAssertEqual(Array(points.prefix(5)), [0, 5, 30, 660, 29])
        let history = try XCTUnwrap(json["error_history"] as? [Double])
        XCTAssertEqual(history.count, 48)
        XCTAssertEqual(history[0], 1, accuracy: 1e-14)
        XCTAssertLessThanOrEqual(history.last!, 1e-8)
        XCTAssertEqual(try XCTUnwrap(json["test_max_error"] as? Double), 3.70e-6, accuracy: 0.3e-6)
        XCTAssertGreaterThan(try XCTUnwrap(json["seconds"] as? Double), 0)
    }

    func testVariantsAgreeWithTheirContracts() throws {
        let symmetric = try run(["--variant", "symmetric"])
        XCTAssertEqual(symmetric["terms"] as? Int, 47)
        let a = try XCTUnwrap(symmetric["test_max_error"] as? Double), b = try XCTUnwrap(symmetric["classic_test_max_error"] as? Double)
        XCTAssertEqual(a, b, accuracy: 1e-3 * b)
        let rectangular = try run(["--variant", "rectangular"])
        XCTAssertEqual((rectangular["points"] as? [Int])?.count, 48)  // 47 + 2 extra − 1 removed
        XCTAssertLessThanOrEqual(try XCTUnwrap(rectangular["test_max_error"] as? Double),
                                 10 * (try XCTUnwrap(rectangular["full_test_max_error"] as? Double)))
        let qdeim = try run(["--variant", "qdeim"])
        XCTAssertEqual(qdeim["terms"] as? Int, 37)
        XCTAssertEqual(Set(try XCTUnwrap(qdeim["points"] as? [Int])).count, 37)
    }

    func testSaveWritesAnInterpolantNumPyCanRead() throws {
        let temporary = try TemporaryFolder("eim-functions")
        defer { temporary.remove() }
        let path = temporary.file("interpolant.npz")
        let json = try run(["--save", path.path])
        XCTAssertEqual(json["saved"] as? String, path.path)
        // A stored (uncompressed) ZIP: the entry names and model.json are readable in the bytes.
        let bytes = try Data(contentsOf: path)
        XCTAssertEqual(Array(bytes.prefix(2)), Array("PK".utf8))
        let text = String(decoding: bytes, as: UTF8.self)
        for entry in ["points.npy", "basis.npy", "interpolation_matrix.npy", "error_history.npy", "parameters.npy", "model.json",
                      "romkit-empirical-interpolation", "\"formulation\" : \"classical\"", "\"terms\" : 47"] {
            XCTAssertTrue(text.contains(entry), entry)
        }
    }

    func testBadOptionIsAnErrorNamingIt() throws {
        let result = try DriverProcess.run("eim-functions", ["--tol", "-1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--tol"), result.stderr)
        let family = try DriverProcess.run("eim-functions", ["--family", "nope"])
        XCTAssertNotEqual(family.status, 0)
        XCTAssertTrue(family.stderr.contains("--family"), family.stderr)
    }
}
