import ComplexModule
import Foundation
import XCTest
@testable import LinearAlgebra

final class NPZTests: XCTestCase {
    private var folder: IOTemporaryFolder!

    override func setUpWithError() throws { folder = try IOTemporaryFolder(name) }
    override func tearDown() { folder.remove() }

    private func sampleArchive() -> NPZArchive {
        var random = IOTestRandom(seed: 21)
        let basis = Matrix(rows: 30, columns: 4, storage: (0..<120).map { _ in random.value() })
        let json = Data(#"{"name": "thermal fin", "modes": 4, "mu": [0.1, 10.0]}"#.utf8)
        return NPZArchive(arrays: ["basis": NPYArray(basis),
                                   "indices": NPYArray(int64: [3, 1, 4, 1, 5], shape: [5]),
                                   "eigen": NPYArray(complexVector: [Complex(1, -1), Complex(0.5, 2)]),
                                   "zeros": NPYArray(vector: [Double](repeating: 0, count: 2000)),
                                   "tolerance": NPYArray(scalar: 1e-8)],
                          otherEntries: ["model.json": json])
    }

    /// Whether each entry of the ZIP file at `url` is deflated, by name, read from the central directory.
    private func compression(_ url: URL) throws -> [String: Bool] {
        let bytes = [UInt8](try Data(contentsOf: url))
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        let end = try XCTUnwrap((0...(bytes.count - 22)).reversed().first { u32($0) == 0x0605_4B50 })
        var offset = u32(end + 16)
        var result: [String: Bool] = [:]
        for _ in 0..<u16(end + 10) {
            XCTAssertEqual(u32(offset), 0x0201_4B50)
            let nameLength = u16(offset + 28)
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            result[name] = u16(offset + 10) == 8
            offset += 46 + nameLength + u16(offset + 30) + u16(offset + 32)
        }
        return result
    }

    // MARK: Round trips

    func testRoundTripStoredAndDeflatedWithModelJSON() throws {
        let archive = sampleArchive()
        let stored = folder.file("stored.npz"), deflated = folder.file("deflated.npz")
        try NPZ.write(archive, to: stored)
        try archive.write(to: deflated, compressed: true)
        for url in [stored, deflated] {
            let back = try NPZ.read(url)
            XCTAssertEqual(back, archive)
            XCTAssertEqual(back.fileName, url.lastPathComponent)
            XCTAssertEqual(try back.array("basis").matrix(), try archive.arrays["basis"]!.matrix())
            XCTAssertEqual(try back.array("indices").ints(), [3, 1, 4, 1, 5])
            XCTAssertEqual(String(decoding: try back.entry("model.json"), as: UTF8.self),
                           #"{"name": "thermal fin", "modes": 4, "mu": [0.1, 10.0]}"#)
        }
        let names = ["basis.npy", "eigen.npy", "indices.npy", "model.json", "tolerance.npy", "zeros.npy"]
        XCTAssertEqual(try compression(stored), Dictionary(uniqueKeysWithValues: names.map { ($0, false) }))
        XCTAssertEqual(try compression(deflated), Dictionary(uniqueKeysWithValues: names.map { ($0, true) }))
        let storedSize = try Data(contentsOf: stored).count, deflatedSize = try Data(contentsOf: deflated).count
        XCTAssertLessThan(deflatedSize, storedSize - 10_000, "2000 zeros must deflate")
        XCTAssertEqual(try folder.listing(), ["deflated.npz", "stored.npz"])
        // Same content, same bytes: the archive does not depend on the clock.
        XCTAssertEqual(try NPZ.encode(archive, compressed: true), try Data(contentsOf: deflated))
        XCTAssertEqual(try NPZArchive(contentsOf: stored), archive)
    }

    func testArrayDictionaryShorthandAndEmptyArchive() throws {
        let url = folder.file("short.npz")
        try NPZ.write(["x": NPYArray(vector: [1, 2])], to: url)
        XCTAssertEqual(try NPZ.read(url).arrays, ["x": NPYArray(vector: [1, 2])])
        try NPZ.write(NPZArchive(), to: url)
        XCTAssertEqual(try NPZ.read(url), NPZArchive())
    }

    func testEntryNamedLikeAnArrayIsRejected() throws {
        let archive = NPZArchive(arrays: ["a": NPYArray(vector: [1])], otherEntries: ["b.npy": Data([1])])
        assertThrowsFileError(.invalidInput(file: "c.npz", detail: "the entry 'b.npy' ends in .npy: store arrays in `arrays`")) {
            try NPZ.write(archive, to: folder.file("c.npz"))
        }
        XCTAssertEqual(try folder.listing(), [])
    }

    // MARK: Files written by NumPy

    private func checkNumPyArrays(_ archive: NPZArchive) throws {
        XCTAssertEqual(Set(archive.arrays.keys), ["a", "n", "z"])
        XCTAssertEqual(archive.otherEntries, [:])
        let a = try archive.array("a")
        XCTAssertEqual(a.shape, [3, 2])
        XCTAssertFalse(a.fortranOrder)
        XCTAssertEqual(try a.matrix(), Matrix(rowMajor: [[1, 2], [3, 4], [5, 6.5]]))
        XCTAssertEqual(try archive.array("n").ints(), [7, -8, 9])
        let z = try archive.array("z").complexes()
        XCTAssertEqual(z, [Complex(1, 1), Complex(0, -2)])
        XCTAssertEqual(z[1].real.sign, .minus, "Python's -2j has a negative zero real part")
    }

    func testReadsNumPySavez() throws {
        let url = folder.file("savez.npz")
        try NumPyReference.bytes(NumPyReference.savez).write(to: url)
        XCTAssertEqual(Set(try compression(url).values), [false])
        try checkNumPyArrays(try NPZ.read(url))
    }

    func testReadsNumPySavezCompressed() throws {
        let url = folder.file("savez_compressed.npz")
        try NumPyReference.bytes(NumPyReference.savezCompressed).write(to: url)
        XCTAssertEqual(Set(try compression(url).values), [true])
        try checkNumPyArrays(try NPZ.read(url))
    }

    // MARK: Errors

    func testMissingEntryNamesFileAndEntry() throws {
        let url = folder.file("m.npz")
        try NumPyReference.bytes(NumPyReference.savez).write(to: url)
        let archive = try NPZ.read(url)
        assertThrowsFileError(.missingEntry(file: "m.npz", entry: "basis")) { try archive.array("basis") }
        assertThrowsFileError(.missingEntry(file: "m.npz", entry: "model.json")) { try archive.entry("model.json") }
        XCTAssertEqual(FileFormatError.missingEntry(file: "m.npz", entry: "basis").description, "m.npz: no entry named 'basis'")
    }

    func testEveryTruncationThrows() throws {
        for reference in [NumPyReference.savez, NumPyReference.savezCompressed] {
            let full = NumPyReference.bytes(reference)
            let url = folder.file("t.npz")
            for length in stride(from: 0, to: full.count, by: 1) {
                try full.prefix(length).write(to: url)
                guard let error = fileError({ try NPZ.read(url) }) else { return XCTFail("length \(length) was read") }
                guard case .corruptArchive(let file, _) = error else { return XCTFail("length \(length): \(error)") }
                XCTAssertEqual(file, "t.npz")
            }
        }
    }

    func testFlippedDataByteIsCRCMismatchNamingTheEntry() throws {
        var bytes = [UInt8](NumPyReference.bytes(NumPyReference.savez))
        // The first entry is a.npy: its NPY header starts at the first magic string, data 128 bytes later.
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        let start = (0..<bytes.count).first { bytes[$0..<min($0 + 6, bytes.count)].elementsEqual(magic) }!
        bytes[start + 128 + 5] ^= 0x40
        let url = folder.file("flip.npz")
        try Data(bytes).write(to: url)
        let error = fileError { try NPZ.read(url) }
        guard case let .corruptArchive(file, detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, "flip.npz")
        XCTAssertTrue(detail.hasPrefix("entry 'a.npy': CRC-32 mismatch"), detail)
    }

    func testFlippedCompressedByteThrows() throws {
        let full = [UInt8](NumPyReference.bytes(NumPyReference.savezCompressed))
        let url = folder.file("flipz.npz")
        // Flip each byte of the first entry's compressed stream (after its 30-byte local header and name).
        let nameLength = Int(full[26]) | Int(full[27]) << 8, extraLength = Int(full[28]) | Int(full[29]) << 8
        let compressedSize = Int(full[18]) | Int(full[19]) << 8
        let dataStart = 30 + nameLength + extraLength
        XCTAssertGreaterThan(compressedSize, 20)
        for k in dataStart..<(dataStart + min(compressedSize, 64)) {
            var bytes = full
            bytes[k] ^= 0x10
            try Data(bytes).write(to: url)
            guard case .corruptArchive? = fileError({ try NPZ.read(url) }) else { return XCTFail("flip at \(k)") }
        }
    }

    func testRandomDamageNeverCrashes() throws {
        var random = IOTestRandom(seed: 99)
        let url = folder.file("fuzz.npz")
        let sources = [NumPyReference.savez, NumPyReference.savezCompressed].map { [UInt8](NumPyReference.bytes($0)) }
        var thrown = 0
        for round in 0..<600 {
            var bytes = sources[round % 2]
            for _ in 0..<(1 + random.int(3)) { bytes[random.int(bytes.count)] = UInt8(random.int(256)) }
            try Data(bytes).write(to: url)
            do {
                _ = try NPZ.read(url)
            } catch is FileFormatError {
                thrown += 1
            } catch {
                XCTFail("round \(round): not a FileFormatError: \(error)")
            }
        }
        XCTAssertGreaterThan(thrown, 300, "most random damage must be detected")
    }

    func testGarbageAndMissingFiles() throws {
        let garbage = try folder.write("this is not a zip archive at all", to: "g.npz")
        assertThrowsFileError(.corruptArchive(
            file: "g.npz", detail: "no end-of-central-directory record: the file is truncated or not a ZIP archive")) {
            try NPZ.read(garbage)
        }
        guard case .unreadable? = fileError({ try NPZ.read(folder.file("none.npz")) }) else { return XCTFail() }
        // A valid ZIP whose .npy entry is not an NPY file: the NPY error names archive and entry.
        // (Written as bad.txt, then renamed in both headers: the CRC covers the data only.)
        var bytes = [UInt8](try NPZ.encode(NPZArchive(otherEntries: ["bad.txt": Data("junk".utf8)])))
        for k in 0..<(bytes.count - 7) where bytes[k..<(k + 7)].elementsEqual("bad.txt".utf8) {
            bytes.replaceSubrange(k..<(k + 7), with: "bad.npy".utf8)
        }
        let url = folder.file("bad.npz")
        try Data(bytes).write(to: url)
        guard case let .malformedBinary(file, offset, _)? = fileError({ try NPZ.read(url) }) else { return XCTFail() }
        XCTAssertEqual(file, "bad.npz/bad.npy")
        XCTAssertEqual(offset, 0)
    }
}
