/// The header of an NPY file: the dict `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`
/// and its preamble (magic string, version, header length), read and written as NumPy does.
///
/// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
struct NPYHeader: Equatable {
    /// The dtype string, e.g. `<f8`.
    var descr: String
    /// Whether the data are stored column-major.
    var fortranOrder: Bool
    /// The dimensions; empty for a 0-d array.
    var shape: [Int]

    /// The magic string that opens every NPY file.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// NumPy aligns the start of the data to this many bytes.
    static let alignment = 64
    /// NumPy leaves room for this many digits of the growing axis (`GROWTH_AXIS_MAX_DIGITS`).
    static let growthAxisDigits = 21

    /// Python's `repr` of the shape tuple: `()`, `(5,)`, `(3, 4)`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Magic, version, header length and padded header, byte for byte as `numpy.save` writes them:
    /// keys sorted, growth padding for the first (C order) or last (Fortran order) axis, spaces and
    /// a newline up to a multiple of 64 bytes; version 1.0, or 2.0 when the header exceeds 65535 bytes.
    func encoded() -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(Self.shapeText(shape)), }"
        if let axis = fortranOrder ? shape.last : shape.first {
            dict += String(repeating: " ", count: max(0, Self.growthAxisDigits - String(axis).count))
        }
        let text = Array(dict.utf8)
        let headerLength = text.count + 1  // with the final newline
        var version: UInt8 = 1
        var lengthBytes = 2
        var padding = Self.alignment - (Self.magic.count + 2 + lengthBytes + headerLength) % Self.alignment
        if headerLength + padding > Int(UInt16.max) {
            version = 2
            lengthBytes = 4
            padding = Self.alignment - (Self.magic.count + 2 + lengthBytes + headerLength) % Self.alignment
        }
        var bytes = Self.magic + [version, 0]
        let stored = UInt32(headerLength + padding)
        for k in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: stored >> (8 * UInt32(k)))) }
        bytes += text
        bytes += [UInt8](repeating: 0x20, count: padding)
        bytes.append(0x0A)
        return bytes
    }

    /// Parses the preamble and the header dict at the start of `bytes`; returns the header and the
    /// offset where the data begin.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> (header: NPYHeader, dataOffset: Int) {
        let prefix = min(bytes.count, magic.count)
        guard bytes.prefix(prefix).elementsEqual(magic.prefix(prefix)) else {
            throw FileFormatError.malformedBinary(file: file, byteOffset: 0,
                                                  detail: "not an NPY file: it does not start with the magic string \\x93NUMPY")
        }
        guard bytes.count >= 10 else {
            throw FileFormatError.truncated(file: file, byteOffset: 0, expectedBytes: 10, foundBytes: bytes.count)
        }
        let (major, minor) = (bytes[6], bytes[7])
        guard (1...3).contains(major) && minor == 0 else {
            throw FileFormatError.unsupported(file: file, detail: "NPY format version \(major).\(minor) (1.0, 2.0 and 3.0 are read)")
        }
        let lengthBytes = major == 1 ? 2 : 4
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart else {
            throw FileFormatError.truncated(file: file, byteOffset: 0, expectedBytes: headerStart, foundBytes: bytes.count)
        }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(bytes[8 + k]) << (8 * k) }
        guard bytes.count - headerStart >= headerLength else {
            throw FileFormatError.truncated(file: file, byteOffset: headerStart, expectedBytes: headerLength,
                                            foundBytes: bytes.count - headerStart)
        }
        var parser = DictParser(bytes: UnsafeRawBufferPointer(rebasing: bytes[headerStart..<(headerStart + headerLength)]),
                                file: file, offset: headerStart)
        let header = try parser.parseHeader()
        return (header, headerStart + headerLength)
    }
}

/// Parses the Python dict literal of an NPY header (strings, booleans, tuples of integers).
private struct DictParser {
    let bytes: UnsafeRawBufferPointer
    let file: String
    /// Offset of `bytes` in the file, for error messages.
    let offset: Int
    var position = 0

    init(bytes: UnsafeRawBufferPointer, file: String, offset: Int) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    /// A value of the dict.
    enum Value {
        case string(String), bool(Bool), tuple([Int]), other
    }

    func error(_ detail: String, at index: Int? = nil) -> FileFormatError {
        .malformedBinary(file: file, byteOffset: offset + (index ?? position), detail: "NPY header: \(detail)")
    }

    mutating func skipSpaces() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func expect(_ c: UInt8, _ what: String) throws {
        skipSpaces()
        guard position < bytes.count, bytes[position] == c else { throw error("expected \(what)") }
        position += 1
    }

    /// Consumes `c` when it comes next (after spaces).
    mutating func consume(_ c: UInt8) -> Bool {
        skipSpaces()
        if position < bytes.count && bytes[position] == c { position += 1; return true }
        return false
    }

    mutating func parseHeader() throws -> NPYHeader {
        try expect(UInt8(ascii: "{"), "a dict starting with '{'")
        var entries: [String: Value] = [:]
        while !consume(UInt8(ascii: "}")) {
            guard case let .string(key) = try parseValue() else { throw error("expected a string key") }
            try expect(UInt8(ascii: ":"), "':' after the key '\(key)'")
            entries[key] = try parseValue()
            if !consume(UInt8(ascii: ",")) {
                try expect(UInt8(ascii: "}"), "',' or '}'")
                break
            }
        }
        skipSpaces()
        guard position == bytes.count else { throw error("unexpected text after the dict") }
        func missing(_ key: String) -> FileFormatError { error("the dict lacks the key '\(key)'", at: 0) }
        guard let descrValue = entries["descr"] else { throw missing("descr") }
        guard case let .string(descr) = descrValue else {
            throw FileFormatError.unsupported(file: file, detail: "structured dtypes (a 'descr' that is not a string)")
        }
        guard let orderValue = entries["fortran_order"] else { throw missing("fortran_order") }
        guard case let .bool(fortranOrder) = orderValue else { throw error("'fortran_order' must be True or False", at: 0) }
        guard let shapeValue = entries["shape"] else { throw missing("shape") }
        guard case let .tuple(shape) = shapeValue else { throw error("'shape' must be a tuple of integers", at: 0) }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }

    mutating func parseValue() throws -> Value {
        skipSpaces()
        guard position < bytes.count else { throw error("unexpected end of the header") }
        let c = bytes[position]
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            let start = position + 1
            guard let stop = bytes[start...].firstIndex(of: c) else { throw error("unterminated string") }
            position = stop + 1
            return .string(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self))
        }
        if c == UInt8(ascii: "(") {
            position += 1
            var items: [Int] = []
            while !consume(UInt8(ascii: ")")) {
                items.append(try parseInteger())
                if !consume(UInt8(ascii: ",")) {
                    try expect(UInt8(ascii: ")"), "',' or ')' in the shape")
                    break
                }
            }
            return .tuple(items)
        }
        for (word, value) in [("True", true), ("False", false)] where bytes[position...].starts(with: word.utf8) {
            position += word.utf8.count
            return .bool(value)
        }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
            // A structured dtype's list of fields: skip to the matching bracket.
            var depth = 0
            repeat {
                if [UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "(")].contains(bytes[position]) { depth += 1 }
                if [UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ")")].contains(bytes[position]) { depth -= 1 }
                position += 1
            } while depth > 0 && position < bytes.count
            return .other
        }
        throw error("expected a string, True, False or a tuple")
    }

    /// A non-negative integer (an old `L` suffix allowed).
    mutating func parseInteger() throws -> Int {
        skipSpaces()
        let start = position
        var value = 0
        while position < bytes.count, bytes[position] &- 48 <= 9 {
            guard position - start < 18 else { throw error("dimension too large", at: start) }
            value = value * 10 + Int(bytes[position] &- 48)
            position += 1
        }
        guard position > start else { throw error("expected a non-negative integer in the shape") }
        if position < bytes.count && bytes[position] == UInt8(ascii: "L") { position += 1 }
        return value
    }
}
