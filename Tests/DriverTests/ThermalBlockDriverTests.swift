import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// `thermal-block` end to end on a small case (n = 20, 2⁴ training parameters, 10 test μ): the
/// JSON numbers against stored values, and the artifacts it writes.
final class ThermalBlockDriverTests: XCTestCase {
    func testSmallCaseReproducesStoredFiguresAndWritesItsArtifacts() throws {
        let temporary = try TemporaryFolder("thermal-block")
        defer { temporary.remove() }
        let folder = temporary.url
        let result = try DriverProcess.run("thermal-block", ["--n", "20", "--train", "16", "--test", "10", "--quiet",
                                                             "--out", folder.path, "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        func number(_ key: String) throws -> Double { try XCTUnwrap(json[key] as? Double, "missing \(key)") }
        XCTAssertEqual(try number("dofs"), 841)            // 21² vertices + 20² centres
        XCTAssertEqual(try number("free_dofs"), 761)
        XCTAssertEqual(try number("basis_size"), 13)
        XCTAssertEqual(try number("max_true_error"), 8.570493026511309e-4, accuracy: 1e-9)
        XCTAssertEqual(try number("max_estimate"), 3.18972755266765e-3, accuracy: 1e-8)
        XCTAssertEqual(try number("effectivity_min"), 1.1441504219623948, accuracy: 1e-6)
        XCTAssertEqual(try number("effectivity_max"), 3.7217550294957253, accuracy: 1e-6)
        XCTAssertGreaterThanOrEqual(try number("effectivity_min"), 1)
        let history = try XCTUnwrap(json["greedy_max_estimates"] as? [Double])
        XCTAssertEqual(history.count, 14)
        XCTAssertEqual(history[0], 1.872019721038466, accuracy: 1e-10)
        XCTAssertEqual(history[12], 1.0128779378405992e-3, accuracy: 1e-10)
        for key in ["offline_seconds", "online_seconds_per_query", "fem_seconds_per_solve"] {
            XCTAssertGreaterThan(try number(key), 0, key)
        }
        // The model file alone answers queries.
        let model = try OnlineModelFile.read(folder.appendingPathComponent("thermal-block-model.npz")).model
        XCTAssertEqual(model.size, 13)
        let evaluator = ReducedModelEvaluator(model: model)
        try evaluator.solve(Parameter([0.1, 1, 1, 0.1]))
        XCTAssertGreaterThan(evaluator.errorEstimate, 0)
        let basis = try NPY.read(folder.appendingPathComponent("thermal-block-basis.npy")).matrix()
        XCTAssertEqual([basis.rows, basis.columns], [761, 13])
        let vtu = try String(contentsOf: folder.appendingPathComponent("thermal-block-solution.vtu"), encoding: .isoLatin1)
        XCTAssertTrue(vtu.contains("NumberOfPoints=\"841\""), String(vtu.prefix(400)))
    }

    func testBadOptionsAreErrorsNamingThem() throws {
        let result = try DriverProcess.run("thermal-block", ["--train", "100", "--quiet"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--train"), result.stderr)
    }
}
