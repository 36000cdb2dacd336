import Foundation
import FuzzTargets
import XCTest

/// The deterministic pass over the fuzz corpus in `make test`: every stored input of every target
/// (the valid seeds, the inputs libFuzzer kept, every crash input found) goes through the same
/// entry point the fuzzer drives. A trap ends the test process; a `valid-` seed must be read and
/// a `reject-` input must be refused with a message that names the problem.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("corpus")

    func inputs(of target: FuzzTarget) throws -> [URL] {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryStoredInputIsReadOrRefusedWithoutATrap() throws {
        for target in FuzzTarget.allCases {
            let files = try inputs(of: target)
            let valid = files.filter { $0.lastPathComponent.hasPrefix("valid-") }
            XCTAssertFalse(valid.isEmpty, "\(target.rawValue): no valid seed in the corpus")
            for file in files {
                let name = file.lastPathComponent
                let outcome = target.run(Array(try Data(contentsOf: file)))
                if name.hasPrefix("valid-") {
                    XCTAssertEqual(outcome, .accepted, "\(target.rawValue)/\(name)")
                } else if name.hasPrefix("reject-") {
                    guard case let .rejected(message) = outcome else {
                        XCTFail("\(target.rawValue)/\(name) was accepted"); continue
                    }
                    XCTAssertFalse(message.isEmpty, "\(target.rawValue)/\(name)")
                }
            }
        }
    }

    /// Truncating a valid seed anywhere gives an error, not a trap, and never the same success for
    /// the binary formats, whose sizes are announced.
    func testEveryTruncationOfABinarySeedIsRefused() throws {
        for target in [FuzzTarget.npy, .npz] {
            for file in try inputs(of: target) where file.lastPathComponent.hasPrefix("valid-") {
                let bytes = Array(try Data(contentsOf: file))
                for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
                    guard case .rejected = target.run(Array(bytes.prefix(length))) else {
                        XCTFail("\(target.rawValue)/\(file.lastPathComponent) cut to \(length) of \(bytes.count) bytes was accepted")
                        continue
                    }
                }
            }
        }
    }
}
