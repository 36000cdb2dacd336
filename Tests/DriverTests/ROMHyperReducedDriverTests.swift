import Foundation
import ROM
import XCTest

/// `rom info` and `rom online` on a hyper-reduced mechanics model (the fuzz corpus seed: K = 2
/// points, N = 2 modes, T = 2 stored steps, linear elastic): the registry reads the method, the
/// query is a number of steps, the answer that of the in-process model.
final class ROMHyperReducedDriverTests: XCTestCase {
    static let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpusTests/corpus/model/valid-hyper-reduced-mechanics.npz")

    func testInfoAndOnlineReadTheModel() throws {
        let info = try DriverProcess.run("rom", ["info", Self.seed.path, "--json", "-"])
        XCTAssertEqual(info.status, 0, info.stderr)
        let json = try info.json()
        XCTAssertEqual(json["method"] as? String, "hyper-reduced-mechanics")
        let sizes = try XCTUnwrap(json["sizes"] as? [String: Int])
        XCTAssertEqual(sizes["K"], 2)
        XCTAssertEqual(sizes["N"], 2)
        XCTAssertEqual(sizes["T"], 2)
        XCTAssertEqual(sizes["maximum_steps"], 3)
        XCTAssertEqual((json["law"] as? [String: Any])?["name"] as? String, "linear-elastic")

        let model = try OnlineModelFile.load(Self.seed).model
        try model.solve(Parameter([3]))
        let online = try DriverProcess.run("rom", ["online", Self.seed.path, "--mu", "3", "--json", "-"])
        XCTAssertEqual(online.status, 0, online.stderr)
        let answer = try XCTUnwrap(try online.json()["coefficients"] as? [Double])
        XCTAssertEqual(answer.count, 2)
        for (a, b) in zip(answer, model.coefficients) { XCTAssertEqual(a, b, accuracy: 1e-15 * max(abs(b), 1e-300)) }
        let refused = try DriverProcess.run("rom", ["online", Self.seed.path, "--mu", "4"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("steps"), refused.stderr)
    }
}
