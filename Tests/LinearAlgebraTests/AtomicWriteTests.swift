import Foundation
import XCTest
import TestSupport
@testable import LinearAlgebra

final class AtomicWriteTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL!

    override func setUpWithError() throws {
        temporary = try TemporaryFolder("AtomicWriteTests")
        folder = temporary.url
    }

    override func tearDownWithError() throws { temporary.remove() }

    private func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func testWriteCreatesAndReplacesWithoutLeavingTemporaryFiles() throws {
        let url = folder.appendingPathComponent("data.bin")
        try AtomicFile.write(Data("old content".utf8), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data("old content".utf8))
        try AtomicFile.write(Data("new".utf8), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data("new".utf8))
        XCTAssertEqual(try listing(), ["data.bin"])
        XCTAssertEqual(try AtomicFile.readBytes(url), Array("new".utf8))
        XCTAssertEqual(try AtomicFile.readBytes(url, nulTerminated: true), Array("new".utf8) + [0])
    }

    func testFailedRenameKeepsTargetAndRemovesTemporaryFile() throws {
        // A non-empty folder cannot be replaced by a file: rename fails after the data was written.
        let target = folder.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: target.appendingPathComponent("inner.txt"))
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: target)) { error in
            guard case FileFormatError.unwritable(let file, let detail)? = error as? FileFormatError else {
                return XCTFail("expected .unwritable, got \(error)")
            }
            XCTAssertEqual(file, target.path)
            XCTAssertTrue(detail.contains("rename"), detail)
        }
        XCTAssertEqual(try listing(), ["target"])
        XCTAssertEqual(try Data(contentsOf: target.appendingPathComponent("inner.txt")), Data("keep".utf8))
    }

    func testWriteIntoMissingFolderThrowsAndCreateParentFolderFixesIt() throws {
        let url = folder.appendingPathComponent("a/b/c.bin")
        XCTAssertThrowsError(try AtomicFile.write(Data([1, 2, 3]), to: url)) { error in
            XCTAssertTrue(error is FileFormatError, "\(error)")
        }
        try AtomicFile.createParentFolder(of: url)
        try AtomicFile.createParentFolder(of: url)  // idempotent
        try AtomicFile.write(Data([1, 2, 3]), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data([1, 2, 3]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path), ["c.bin"])
    }

    /// A killed run's temporary files (our naming, older than an hour) are removed when the folder
    /// is next prepared; a young one (a run still writing) and files of other naming are kept.
    func testStaleTemporaryFilesOfAKilledRunAreRemoved() throws {
        let uuid = UUID().uuidString
        let names = [".model.npz.tmp-\(uuid)", ".young.npy.tmp-\(uuid)", "model.npz.tmp-\(uuid)", ".notes.tmp-not-a-uuid", "model.npz"]
        for name in names { try Data([0]).write(to: folder.appendingPathComponent(name)) }
        let old = Date().addingTimeInterval(-7200)
        for name in names where name != ".young.npy.tmp-\(uuid)" {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: folder.appendingPathComponent(name).path)
        }
        try AtomicFile.createFolder(folder)
        XCTAssertEqual(try listing(), names.dropFirst().sorted())
        // Creating a folder under a file is an error that names both, not a Foundation dump.
        XCTAssertThrowsError(try AtomicFile.createFolder(folder.appendingPathComponent("model.npz/sub"))) { error in
            guard case let FileFormatError.unwritable(_, detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("cannot create folder") && detail.contains("model.npz/sub"), detail)
            XCTAssertFalse(detail.contains("NSCocoaErrorDomain"), detail)
        }
    }

    func testReadBytesOfMissingFileOrFolderThrowsUnreadable() throws {
        for url in [folder.appendingPathComponent("missing.bin"), folder!] {
            XCTAssertThrowsError(try AtomicFile.readBytes(url)) { error in
                guard case FileFormatError.unreadable? = error as? FileFormatError else {
                    return XCTFail("expected .unreadable, got \(error)")
                }
            }
        }
    }

    func testConcurrentReaderSeesOnlyWholeVersions() throws {
        let url = folder.appendingPathComponent("swap.bin")
        let versionA = Data(repeating: 0xAA, count: 200_000)
        let versionB = Data(repeating: 0xBB, count: 150_000)
        try AtomicFile.write(versionA, to: url)
        let path = url.path
        let done = expectation(description: "reader finished")
        let torn = ManagedAtomicCounter()
        Thread.detachNewThread {
            for _ in 0..<400 {
                guard let data = FileManager.default.contents(atPath: path) else { torn.increment(); continue }
                if data != versionA && data != versionB { torn.increment() }
            }
            done.fulfill()
        }
        for k in 0..<200 { try AtomicFile.write(k % 2 == 0 ? versionB : versionA, to: url) }
        wait(for: [done], timeout: 60)
        XCTAssertEqual(torn.value, 0, "the reader saw a partial or missing file")
        XCTAssertEqual(try listing(), ["swap.bin"])
    }
}

/// A counter shared between the test thread and a reader thread.
private final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
