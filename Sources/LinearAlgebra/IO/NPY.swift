import ComplexModule
import Foundation
import RealModule

/// Reads and writes NumPy's `.npy` files (format versions 1.0, 2.0 and 3.0), so snapshots, bases
/// and reduced operators pass between ROMKit and Python without conversion scripts.
///
/// Written files are byte for byte what `numpy.save` writes for the same array (version 1.0, or
/// 2.0 for a header above 64 KiB; header padded so the data start at a multiple of 64 bytes).
/// Read dtypes: `f8`, `f4` (widened), `c16`, `c8` (widened), `i8`, `i4`, `i2`, `i1`, `u8`, `u4`,
/// `u2`, `u1`, `b1` (as int64), little- or big-endian. Object, string, structured and half-precision
/// arrays are rejected with `FileFormatError.unsupported`.
public enum NPY {
    /// Reads the array in the NPY file at `url`.
    /// - Throws: `FileFormatError` (`.malformedBinary` for a bad magic string or header,
    ///   `.truncated` when the data are shorter than the shape needs, `.unsupported`, `.unreadable`).
    public static func read(_ url: URL) throws -> NPYArray {
        let bytes = try AtomicFile.readBytes(url)
        return try bytes.withUnsafeBytes { try decode($0, name: url.lastPathComponent) }
    }

    /// Decodes the bytes of an NPY file; `name` is used in error messages.
    /// - Throws: `FileFormatError` as `read(_:)` does.
    public static func decode(_ data: Data, name: String) throws -> NPYArray {
        try data.withUnsafeBytes { try decode($0, name: name) }
    }

    /// The total size in bytes (header and data) of the NPY file that `prefix` opens, or nil
    /// while `prefix` is too short to hold the whole header: what a reader of a compressed entry
    /// needs to stop inflating at the size the shape implies.
    /// - Throws: `FileFormatError` for a bad magic string, version or header, or a shape whose
    ///   byte count overflows.
    static func expectedSize(ofPrefix prefix: UnsafeRawBufferPointer, name: String) throws -> Int? {
        guard prefix.count >= 10 else { return nil }
        let lengthBytes = prefix[6] == 1 ? 2 : 4
        guard prefix.count >= 8 + lengthBytes else { return nil }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(prefix[8 + k]) << (8 * k) }
        guard prefix.count >= 8 + lengthBytes + headerLength else { return nil }
        let (header, dataOffset) = try NPYHeader.decode(prefix, file: name)
        let dtype = try NPYDtype(header.descr, file: name)
        var count = 1, overflow = false
        for dimension in header.shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: dimension) }
        let (needed, tooLarge) = count.multipliedReportingOverflow(by: dtype.size)
        let (total, beyond) = needed.addingReportingOverflow(dataOffset)
        guard !overflow && !tooLarge && !beyond else {
            throw FileFormatError.malformedBinary(file: name, byteOffset: 8, detail: "shape \(NPYHeader.shapeText(header.shape)) is too large")
        }
        return total
    }

    /// Decodes the bytes of an NPY file.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> NPYArray {
        let (header, dataOffset) = try NPYHeader.decode(bytes, file: name)
        let dtype = try NPYDtype(header.descr, file: name)
        var count = 1
        var overflow = false
        for dimension in header.shape where !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: dimension)
        }
        let (needed, tooLarge) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow && !tooLarge else {
            throw FileFormatError.malformedBinary(file: name, byteOffset: 8,
                                                  detail: "shape \(NPYHeader.shapeText(header.shape)) is too large")
        }
        let available = bytes.count - dataOffset
        guard available >= needed else {
            throw FileFormatError.truncated(file: name, byteOffset: dataOffset, expectedBytes: needed, foundBytes: available)
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[dataOffset..<(dataOffset + needed)])
        let elements = try dtype.decode(body, count: count, file: name, dataOffset: dataOffset)
        return NPYArray(shape: header.shape, fortranOrder: header.fortranOrder, elements: elements)
    }

    /// The bytes of an NPY file holding `array`, exactly as `numpy.save` writes them.
    public static func encode(_ array: NPYArray) -> Data {
        let header = NPYHeader(descr: array.elements.descr, fortranOrder: array.fortranOrder, shape: array.shape).encoded()
        var data = Data(capacity: header.count + 16 * array.count)
        data.append(contentsOf: header)
        switch array.elements {
        case let .float64(values): appendLittleEndian(values.map(\.bitPattern), to: &data)
        case let .int64(values): appendLittleEndian(values.map { UInt64(bitPattern: Int64($0)) }, to: &data)
        case let .complex128(values):
            var bits = [UInt64]()
            bits.reserveCapacity(2 * values.count)
            for z in values {
                bits.append(z.real.bitPattern)
                bits.append(z.imaginary.bitPattern)
            }
            appendLittleEndian(bits, to: &data)
        }
        return data
    }

    /// Writes `array` to `url` as an NPY file, atomically (a temporary file renamed over the target).
    /// - Throws: `FileFormatError.unwritable` when the file cannot be written.
    public static func write(_ array: NPYArray, to url: URL) throws {
        try AtomicFile.write(encode(array), to: url)
    }

    /// Writes `matrix` as a 2-D float64 array in Fortran order (`numpy.load` gives shape (rows, columns)).
    public static func write(_ matrix: Matrix, to url: URL) throws {
        try write(NPYArray(matrix), to: url)
    }

    /// Writes `vector` as a 1-D float64 array.
    public static func write(_ vector: [Double], to url: URL) throws {
        try write(NPYArray(vector: vector), to: url)
    }

    /// Appends 64-bit words in little-endian byte order.
    private static func appendLittleEndian(_ words: [UInt64], to data: inout Data) {
        #if _endian(little)
        words.withUnsafeBufferPointer { data.append($0) }
        #else
        words.map(\.littleEndian).withUnsafeBufferPointer { data.append($0) }
        #endif
    }
}

/// An NPY element type (`descr`) that this reader handles, and its conversion to `NPYArray.Elements`.
struct NPYDtype {
    enum Kind: UInt8 {
        case float = 0x66, complex = 0x63, signed = 0x69, unsigned = 0x75, bool = 0x62  // f c i u b
    }
    let kind: Kind
    /// Bytes per element.
    let size: Int
    let bigEndian: Bool

    init(_ descr: String, file: String) throws {
        var text = Substring(descr)
        var bigEndian = false
        if let order = text.first, "<>=|".contains(order) {
            bigEndian = order == ">"
            text = text.dropFirst()
        }
        let supported: [Kind: [Int]] = [.float: [4, 8], .complex: [8, 16], .signed: [1, 2, 4, 8],
                                        .unsigned: [1, 2, 4, 8], .bool: [1]]
        guard let code = text.first?.asciiValue, let kind = Kind(rawValue: code), let size = Int(text.dropFirst()),
              supported[kind]?.contains(size) == true else {
            let detail = descr.contains("O")
                ? "dtype '\(descr)' (Python objects, stored with pickle)"
                : "dtype '\(descr)' (read: f8 f4 c16 c8 i8 i4 i2 i1 u8 u4 u2 u1 b1)"
            throw FileFormatError.unsupported(file: file, detail: detail)
        }
        self.kind = kind
        self.size = size
        self.bigEndian = bigEndian
    }

    /// Element `k` of `body` as raw bits, byte order resolved, zero-extended to 64 bits.
    @inline(__always)
    private func bits(_ body: UnsafeRawBufferPointer, _ byteOffset: Int, size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(body[byteOffset])
        case 2:
            let v = body.loadUnaligned(fromByteOffset: byteOffset, as: UInt16.self)
            return UInt64(bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
        case 4:
            let v = body.loadUnaligned(fromByteOffset: byteOffset, as: UInt32.self)
            return UInt64(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
        default:
            let v = body.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self)
            return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
        }
    }

    /// A real number from `size` bytes of float bits.
    @inline(__always)
    private func real(_ body: UnsafeRawBufferPointer, _ byteOffset: Int, size: Int) -> Double {
        size == 4 ? Double(Float(bitPattern: UInt32(bits(body, byteOffset, size: 4))))
                  : Double(bitPattern: bits(body, byteOffset, size: 8))
    }

    /// The `count` elements of `body` (which starts at `dataOffset` in the file).
    func decode(_ body: UnsafeRawBufferPointer, count: Int, file: String, dataOffset: Int) throws -> NPYArray.Elements {
        switch kind {
        case .float:
            return .float64((0..<count).map { real(body, $0 * size, size: size) })
        case .complex:
            let half = size / 2
            return .complex128((0..<count).map { k in
                Complex(real(body, k * size, size: half), real(body, k * size + half, size: half))
            })
        case .bool:
            return .int64((0..<count).map { body[$0] == 0 ? 0 : 1 })
        case .signed:
            let shift = UInt64(64 - 8 * size)
            return .int64((0..<count).map { k in Int(Int64(bitPattern: bits(body, k * size, size: size) << shift) >> shift) })
        case .unsigned:
            var values = [Int]()
            values.reserveCapacity(count)
            for k in 0..<count {
                let v = bits(body, k * size, size: size)
                guard v <= UInt64(Int.max) else {
                    throw FileFormatError.malformedBinary(file: file, byteOffset: dataOffset + k * size,
                                                          detail: "uint64 element \(v) does not fit in int64")
                }
                values.append(Int(v))
            }
            return .int64(values)
        }
    }
}
