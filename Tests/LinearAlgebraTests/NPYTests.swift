import ComplexModule
import Foundation
import XCTest
@testable import LinearAlgebra

final class NPYTests: XCTestCase {
    private var folder: IOTemporaryFolder!

    override func setUpWithError() throws { folder = try IOTemporaryFolder(name) }
    override func tearDown() { folder.remove() }

    private func roundTrip(_ array: NPYArray, file: StaticString = #filePath, line: UInt = #line) throws -> NPYArray {
        let url = folder.file("a.npy")
        try NPY.write(array, to: url)
        let back = try NPY.read(url)
        XCTAssertEqual(back, array, file: file, line: line)
        XCTAssertEqual(try NPY.decode(NPY.encode(array), name: "x.npy"), array, file: file, line: line)
        XCTAssertEqual(try folder.listing(), ["a.npy"], file: file, line: line)
        return back
    }

    // MARK: Byte-exact agreement with numpy.save

    func testEncodingMatchesNumPyBytes() throws {
        let fortran = NPYArray(Matrix(rowMajor: [[0, 0.25, 0.5, 0.75], [1, 1.25, 1.5, 1.75], [2, 2.25, 2.5, 2.75]]))
        XCTAssertEqual(NPY.encode(fortran), NumPyReference.bytes(NumPyReference.fortran3x4))
        XCTAssertEqual(NPY.encode(NPYArray(vector: [1.5, -2.0, 3.25, 0.1, 1e-300])), NumPyReference.bytes(NumPyReference.vector5))
        XCTAssertEqual(NPY.encode(NPYArray(int64: [1, -2, 3, 4, 5, -6], shape: [2, 3])), NumPyReference.bytes(NumPyReference.int2x3))
        // Python's -0.5j is complex(-0.0, -0.5): the sign of the zero is in numpy's bytes.
        XCTAssertEqual(NPY.encode(NPYArray(complexVector: [Complex(1, 2), Complex(-0.0, -0.5), Complex(3, 0)])),
                       NumPyReference.bytes(NumPyReference.complex3))
        XCTAssertEqual(NPY.encode(NPYArray(scalar: 2.5)), NumPyReference.bytes(NumPyReference.scalar))
    }

    func testHeaderLayout() {
        let bytes = [UInt8](NPY.encode(NPYArray(vector: [1, 2, 3])))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data must start on a 64-byte boundary")
        XCTAssertEqual(bytes[10 + headerLength - 1], 0x0A)
        XCTAssertEqual(bytes.count, 10 + headerLength + 24)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }   "), header)
    }

    func testVersion2HeaderForHugeShapeText() throws {
        // 22 000 dimensions of length 1: the shape text "(1, 1, …)" alone exceeds 65535 bytes,
        // while the data stay one element.
        let shape = [Int](repeating: 1, count: 22_000)
        let array = NPYArray(shape: shape, elements: .float64([42]))
        let bytes = [UInt8](NPY.encode(array))
        XCTAssertEqual(Array(bytes[6..<8]), [2, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        XCTAssertGreaterThan(headerLength, 65535)
        XCTAssertEqual((12 + headerLength) % 64, 0)
        XCTAssertEqual(try NPY.decode(Data(bytes), name: "v2.npy"), array)
    }

    func testReadsVersion3HeaderWithFourByteLength() throws {
        // Version 3.0: as 2.0 (4-byte header length), header in UTF-8.
        let header = Array("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }".utf8) + [0x0A]
        let length = header.count
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 3, 0,
                              UInt8(length & 0xFF), UInt8(length >> 8), 0, 0] + header
        for x in [1.0, 2.0, 3.0, 4.0] { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        let array = try NPY.decode(Data(bytes), name: "v3.npy")
        XCTAssertEqual(try array.matrix(), Matrix(rowMajor: [[1, 3], [2, 4]]))
    }

    // MARK: Reading numpy's files

    func testReadsNumPyFiles() throws {
        let fortran = try NPY.decode(NumPyReference.bytes(NumPyReference.fortran3x4), name: "f.npy")
        XCTAssertEqual(fortran.shape, [3, 4])
        XCTAssertTrue(fortran.fortranOrder)
        let m = try fortran.matrix()
        for i in 0..<3 { for j in 0..<4 { XCTAssertEqual(m[i, j], Double(4 * i + j) / 4) } }

        let ints = try NPY.decode(NumPyReference.bytes(NumPyReference.int2x3), name: "i.npy")
        XCTAssertEqual(ints.shape, [2, 3])
        XCTAssertFalse(ints.fortranOrder)
        XCTAssertEqual(try ints.ints(), [1, -2, 3, 4, 5, -6])
        XCTAssertEqual(try ints.matrix(), Matrix(rowMajor: [[1, -2, 3], [4, 5, -6]]))

        let vector = try NPY.decode(NumPyReference.bytes(NumPyReference.vector5), name: "v.npy")
        XCTAssertEqual(try vector.doubles(), [1.5, -2.0, 3.25, 0.1, 1e-300])
        XCTAssertEqual(try vector.matrix(), Matrix(rows: 5, columns: 1, storage: [1.5, -2.0, 3.25, 0.1, 1e-300]))

        let complex = try NPY.decode(NumPyReference.bytes(NumPyReference.complex3), name: "c.npy")
        XCTAssertEqual(try complex.complexes(), [Complex(1, 2), Complex(0, -0.5), Complex(3, 0)])

        let scalar = try NPY.decode(NumPyReference.bytes(NumPyReference.scalar), name: "s.npy")
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(try scalar.doubles(), [2.5])
    }

    func testReadsWidenedAndBigEndianDtypes() throws {
        let float32 = try NPY.decode(NumPyReference.bytes(NumPyReference.float32x2x2), name: "f4.npy")
        XCTAssertEqual(float32.elements, .float64([1.5, -2, 0.25, 3]))
        XCTAssertEqual(try float32.matrix(), Matrix(rowMajor: [[1.5, -2], [0.25, 3]]))
        XCTAssertEqual(try NPY.decode(NumPyReference.bytes(NumPyReference.bigEndian), name: "be.npy").doubles(), [1.0, -2.5])
        XCTAssertEqual(try NPY.decode(NumPyReference.bytes(NumPyReference.int32), name: "i4.npy").ints(), [1, -2, 3])
        XCTAssertEqual(try NPY.decode(NumPyReference.bytes(NumPyReference.bool), name: "b.npy").ints(), [1, 0, 1])
        XCTAssertEqual(try NPY.decode(NumPyReference.bytes(NumPyReference.complex64), name: "c8.npy").complexes(),
                       [Complex(1, 2), Complex(0, -3)])
    }

    // MARK: Round trips

    func testRoundTripsOfEveryKindAndOrder() throws {
        var random = IOTestRandom(seed: 11)
        let values = (0..<24).map { _ in random.value() }
        let c = try roundTrip(NPYArray(shape: [4, 6], fortranOrder: false, elements: .float64(values)))
        let f = try roundTrip(NPYArray(shape: [4, 6], fortranOrder: true, elements: .float64(values)))
        // Same memory, opposite orders: one matrix is the other's transpose reshaped.
        XCTAssertEqual(try c.matrix()[1, 2], values[1 * 6 + 2])
        XCTAssertEqual(try f.matrix()[1, 2], values[1 + 2 * 4])
        let matrix = Matrix(rows: 4, columns: 6, storage: values)
        XCTAssertEqual(try roundTrip(NPYArray(matrix)).matrix(), matrix)
        _ = try roundTrip(NPYArray(shape: [2, 3, 4], elements: .float64(values)))
        _ = try roundTrip(NPYArray(complexVector: (0..<7).map { _ in Complex(random.value(), random.value()) }))
        _ = try roundTrip(NPYArray(int64: [Int.min, -1, 0, 1, Int.max], shape: [5]))
        _ = try roundTrip(NPYArray(vector: [.nan, .infinity, -0.0, .leastNonzeroMagnitude]).withoutNaN())
        _ = try roundTrip(NPYArray(vector: []))
        _ = try roundTrip(NPYArray(shape: [0, 3], elements: .float64([])))
        _ = try roundTrip(NPYArray(scalar: -7.25))

        let url = folder.file("m.npy")
        try NPY.write(matrix, to: url)
        XCTAssertEqual(try NPY.read(url).matrix(), matrix)
        try NPY.write(values, to: url)
        XCTAssertEqual(try NPY.read(url).doubles(), values)
    }

    func testNaNSurvivesBitForBit() throws {
        let url = folder.file("nan.npy")
        try NPY.write([.nan, -.infinity], to: url)
        let back = try NPY.read(url).doubles()
        XCTAssertTrue(back[0].isNaN)
        XCTAssertEqual(back[1], -.infinity)
    }

    func testConversionErrors() {
        let cube = NPYArray(shape: [2, 1, 1], elements: .float64([1, 2]))
        XCTAssertEqual(fileError { try cube.matrix() },
                       .unexpectedArray(expected: "a real 1-D or 2-D array", found: "a float64 array of shape (2, 1, 1)"))
        XCTAssertNotNil(fileError { try NPYArray(vector: [1]).ints() })
        XCTAssertNotNil(fileError { try NPYArray(complexVector: [.zero]).doubles() })
        XCTAssertEqual(try NPYArray(int64: [3]).doubles(), [3])
    }

    // MARK: Errors

    func testTruncatedDataReportsExpectedBytes() {
        let full = NumPyReference.bytes(NumPyReference.fortran3x4)  // 128-byte header + 96 data bytes
        XCTAssertEqual(fileError { try NPY.decode(full.prefix(200), name: "t.npy") },
                       .truncated(file: "t.npy", byteOffset: 128, expectedBytes: 96, foundBytes: 72))
        XCTAssertEqual(fileError { try NPY.decode(full.prefix(60), name: "t.npy") },
                       .truncated(file: "t.npy", byteOffset: 10, expectedBytes: 118, foundBytes: 50))
        XCTAssertEqual(fileError { try NPY.decode(full.prefix(7), name: "t.npy") },
                       .truncated(file: "t.npy", byteOffset: 0, expectedBytes: 10, foundBytes: 7))
    }

    func testBadMagicIsReportedAtByteZero() throws {
        let url = try folder.write("%%MatrixMarket matrix coordinate real general\n", to: "wrong.npy")
        let error = fileError { try NPY.read(url) }
        guard case let .malformedBinary(file, offset, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, "wrong.npy")
        XCTAssertEqual(offset, 0)
        XCTAssertNotNil(fileError { try NPY.decode(Data(), name: "empty.npy") })
    }

    func testMalformedHeaders() {
        func file(_ header: String, version: UInt8 = 1) -> Data {
            var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
            let text = Array(header.utf8)
            bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + [UInt8](repeating: 0, count: 64)
            return Data(bytes)
        }
        // Not a dict.
        XCTAssertEqual(fileError { try NPY.decode(file("['descr', '<f8']\n"), name: "h.npy") },
                       .malformedBinary(file: "h.npy", byteOffset: 10, detail: "NPY header: expected a dict starting with '{'"))
        // Missing key: reported at the header's offset.
        XCTAssertEqual(fileError { try NPY.decode(file("{'descr': '<f8', 'fortran_order': False}\n"), name: "h.npy") },
                       .malformedBinary(file: "h.npy", byteOffset: 10, detail: "NPY header: the dict lacks the key 'shape'"))
        // Garbled shape.
        guard case .malformedBinary? = fileError({
            try NPY.decode(file("{'descr': '<f8', 'fortran_order': False, 'shape': (3, x), }\n"), name: "h.npy")
        }) else { return XCTFail() }
        // Object and half-precision dtypes, unknown version.
        XCTAssertEqual(fileError { try NPY.decode(file("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n"), name: "o.npy") },
                       .unsupported(file: "o.npy", detail: "dtype '|O' (Python objects, stored with pickle)"))
        guard case .unsupported? = fileError({
            try NPY.decode(file("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }\n"), name: "f2.npy")
        }) else { return XCTFail() }
        guard case .unsupported? = fileError({
            try NPY.decode(file("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n"), name: "s.npy")
        }) else { return XCTFail() }
        guard case .unsupported? = fileError({
            try NPY.decode(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", version: 9), name: "v.npy")
        }) else { return XCTFail() }
        // Python 2 style long integers and keys in another order still read.
        let legacy = file("{'shape': (2L, 1L), 'fortran_order': False, 'descr': '<f8'}\n")
        XCTAssertEqual(try NPY.decode(legacy, name: "l.npy").shape, [2, 1])
    }

    func testRandomDamageNeverCrashes() {
        var random = IOTestRandom(seed: 41)
        let sources = [NumPyReference.fortran3x4, NumPyReference.int2x3, NumPyReference.complex64, NumPyReference.scalar]
            .map { [UInt8](NumPyReference.bytes($0)) }
        var thrown = 0
        for round in 0..<2000 {
            var bytes = sources[round % sources.count]
            // Damage the header more often than the data: that is where a parser can go wrong.
            for _ in 0..<(1 + random.int(3)) {
                let k = random.int(2) == 0 ? random.int(min(bytes.count, 128)) : random.int(bytes.count)
                bytes[k] = random.int(2) == 0 ? UInt8(random.int(256)) : Array("0123456789(),: '<>|fcibTrueFalse{}".utf8)[random.int(34)]
            }
            if random.int(4) == 0 { bytes.removeLast(random.int(bytes.count)) }
            do {
                _ = try NPY.decode(Data(bytes), name: "fuzz.npy")
            } catch is FileFormatError {
                thrown += 1
            } catch {
                XCTFail("round \(round): not a FileFormatError: \(error)")
            }
        }
        XCTAssertGreaterThan(thrown, 500)
    }

    func testMissingFileIsUnreadable() {
        guard case .unreadable? = fileError({ try NPY.read(folder.file("none.npy")) }) else { return XCTFail() }
    }
}

private extension NPYArray {
    /// The same array with NaN replaced by 1 (NaN ≠ NaN would fail `==`; NaN is checked separately).
    func withoutNaN() -> NPYArray {
        guard case let .float64(v) = elements else { return self }
        return NPYArray(shape: shape, fortranOrder: fortranOrder, elements: .float64(v.map { $0.isNaN ? 1 : $0 }))
    }
}
