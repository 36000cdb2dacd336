import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// `local-bases` end to end on a small case (n = 24, 80 training and 12 test μ, N = 6, k ≤ 6): the
/// JSON numbers against stored values, local against global and sine against Euclidean k-medoids
/// and k-means at equal basis size, and the model file read back through the `OnlineModel` protocol.
final class LocalBasesDriverTests: XCTestCase {
    func testSmallCaseReproducesStoredFiguresAndLocalBasesBeatTheGlobalOne() throws {
        let temporary = try TemporaryFolder("local-bases")
        defer { temporary.remove() }
        let folder = temporary.url
        let result = try DriverProcess.run("local-bases", ["--n", "24", "--train", "80", "--test", "12", "--max-clusters", "6",
                                                           "--basis", "6", "--quiet", "--out", folder.path, "--json", "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        func number(_ key: String) throws -> Double { try XCTUnwrap(json[key] as? Double, "missing \(key)") }
        func close(_ key: String, _ expected: Double, line: UInt = #line) throws {
            XCTAssertEqual(try number(key), expected, accuracy: 1e-6 * abs(expected), key, line: line)
        }
        XCTAssertEqual(try number("dofs"), 529)          // 23² free vertices
        XCTAssertEqual(try number("clusters"), 6)
        XCTAssertEqual(try number("criterion_clusters"), 6)
        try close("global_error", 0.6935157327444992)
        try close("local_error", 0.012755214187720455)
        try close("sine_error", 0.012755214187720455)
        try close("euclidean_error", 0.23299004989966496)
        try close("kmeans_error", 0.14675192664041825)
        try close("sine_projection_error", 0.011189417854823636)
        let criterion = try XCTUnwrap(json["criterion_errors"] as? [Double])
        for (found, expected) in zip(criterion, [0.6422697812847386, 0.4302557795942466, 0.3494652260612423, 0.0909355504791722,
                                                 0.14621311756199687, 0.07794226506877738]) {
            XCTAssertEqual(found, expected, accuracy: 1e-6 * expected)
        }
        // What the issue asks of the driver's problem: local beats global at equal size, and sine
        // clustering is at least as good as Euclidean k-medoids and k-means.
        XCTAssertLessThan(try number("local_error"), try number("global_error") / 10)
        XCTAssertLessThanOrEqual(try number("sine_error"), try number("euclidean_error"))
        XCTAssertLessThanOrEqual(try number("sine_error"), try number("kmeans_error"))
        XCTAssertTrue(criterion[5] < criterion[0])
        for key in ["online_seconds_per_query", "fem_seconds_per_solve", "offline_seconds"] { XCTAssertGreaterThan(try number(key), 0, key) }
        // The model file alone answers queries, through the protocol.
        let loaded = try OnlineModelFile.load(folder.appendingPathComponent("local-bases-model.npz"))
        XCTAssertEqual(loaded.method, "local-reduced-bases")
        XCTAssertEqual(loaded.model.sizes.first { $0.key == "clusters" }?.value, 6)
        try loaded.model.solve(Parameter([1.0, 0.5]))
        XCTAssertEqual(try loaded.model.reconstruct(loaded.model.coefficients).count, 529)
        // `rom info` and `rom online` read it through the same protocol.
        let modelPath = folder.appendingPathComponent("local-bases-model.npz").path
        let info = try DriverProcess.run("rom", ["info", modelPath])
        XCTAssertEqual(info.status, 0, info.stderr)
        let text = String(decoding: info.stdout, as: UTF8.self)
        XCTAssertTrue(text.contains("local reduced bases (sine-k-medoids, 6 clusters)"), text)
        let online = try DriverProcess.run("rom", ["online", modelPath, "--mu", "1.0,0.5", "--json", "-", "--quiet"])
        XCTAssertEqual(online.status, 0, online.stderr)
        let answer = try online.json()
        try loaded.model.solve(Parameter([1.0, 0.5]))
        // The same answers to round-off (another process: BLAS may sum in another order).
        let coefficients = try XCTUnwrap(answer["coefficients"] as? [Double])
        XCTAssertEqual(coefficients.count, loaded.model.coefficients.count)
        for (a, b) in zip(coefficients, loaded.model.coefficients) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(try XCTUnwrap(answer["error_estimate"] as? Double), loaded.model.errorEstimate,
                       accuracy: 1e-10 * loaded.model.errorEstimate)
        let report = try String(contentsOf: folder.appendingPathComponent("local-bases-report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("<svg"), String(report.prefix(300)))
    }

    func testBadOptionsAreErrorsNamingThem() throws {
        let result = try DriverProcess.run("local-bases", ["--selection", "best", "--quiet"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cluster selection"), result.stderr)
    }
}
