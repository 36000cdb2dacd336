import Foundation
import TestSupport
import XCTest

/// Every output path is checked before the run starts: a `--json` that cannot be written, or two
/// outputs on one file, stop the run with status 64 and a message naming the option, and nothing is
/// written (issue 11).
final class OutputPreflightDriverTests: XCTestCase {
    func testUnwritableOrCollidingOutputsStopTheRunBeforeAnythingIsWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let out = folder.url.appendingPathComponent("run").path
        let aFile = folder.url.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: aFile)
        let cases: [([String], String)] = [
            (["--json", aFile.path + "/figures.json"], "which is a file"),
            (["--json", folder.url.path], "is a folder, not a file"),
            (["--json", out + "/thermal-block-model.npz"], "is the same file as"),
        ]
        for (arguments, words) in cases {
            let result = try DriverProcess.run("thermal-block", ["--n", "4", "--train", "16", "--test", "2", "--quiet", "--out", out] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(words), "\(arguments): '\(words)' not in \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(arguments): the run wrote \(out)")
        }
        // The rom tool: two outputs on one file, a field under a file; checked before the input is read.
        let pod = try DriverProcess.run("rom", ["pod", "missing.npy", "--out", out + "/b.npy", "--singular-values", out + "/./b.npy"])
        XCTAssertEqual(pod.status, 64, pod.stderr)
        XCTAssertTrue(pod.stderr.contains("--singular-values \(out)/./b.npy is the same file as --out \(out)/b.npy"), pod.stderr)
        let online = try DriverProcess.run("rom", ["online", "missing.npz", "--mu", "1", "--field", aFile.path + "/u.npy"])
        XCTAssertEqual(online.status, 64, online.stderr)
        XCTAssertTrue(online.stderr.contains("--field"), online.stderr)
        let nonintrusive = try DriverProcess.run("nonintrusive-rb", ["--quiet", "--out", aFile.path])
        XCTAssertEqual(nonintrusive.status, 64)
        XCTAssertTrue(nonintrusive.stderr.contains("is a file, not a folder"), nonintrusive.stderr)
    }
}
