/// A reading position in a `.msh` file: ASCII tokens with line counting, and little-endian binary
/// values with byte offsets, for the error messages.
struct GmshCursor {
    let bytes: [UInt8]
    var position = 0
    var line = 1
    var binary = false

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { skipWhitespaceCopy() >= bytes.count }

    private func skipWhitespaceCopy() -> Int {
        var p = position
        while p < bytes.count, bytes[p] == 32 || bytes[p] == 9 || bytes[p] == 10 || bytes[p] == 13 { p += 1 }
        return p
    }

    mutating func skipWhitespace() {
        while position < bytes.count, bytes[position] == 32 || bytes[position] == 9 || bytes[position] == 10 || bytes[position] == 13 {
            if bytes[position] == 10 { line += 1 }
            position += 1
        }
    }

    /// The next whitespace-separated token ("" at the end of the file).
    mutating func token() -> String {
        skipWhitespace()
        let start = position
        while position < bytes.count, !(bytes[position] == 32 || bytes[position] == 9 || bytes[position] == 10 || bytes[position] == 13) {
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// The rest of the current line (after the token just read), consumed with its newline.
    mutating func skipLine() {
        while position < bytes.count, bytes[position] != 10 { position += 1 }
        if position < bytes.count { position += 1; line += 1 }
    }

    mutating func expect(_ word: String) throws {
        let found = token()
        guard found == word else { throw GmshError.expected(word, found: found, line: line) }
    }

    mutating func int(_ what: String) throws -> Int {
        let t = token()
        guard let value = Int(t) else { throw GmshError.expected(what + " (an integer)", found: t, line: line) }
        return value
    }

    mutating func double(_ what: String) throws -> Double {
        let t = token()
        guard let value = Double(t) else { throw GmshError.expected(what + " (a number)", found: t, line: line) }
        return value
    }

    private mutating func raw<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard position + size <= bytes.count else { throw GmshError.expectedBinary(what, offset: position) }
        var value: T = 0
        for k in 0..<size { value |= T(truncatingIfNeeded: bytes[position + k]) << (8 * k) }
        position += size
        return value
    }

    /// An `int` field: a binary Int32 or an ASCII integer.
    mutating func int32(_ what: String) throws -> Int {
        binary ? Int(try raw(Int32.self, what)) : try int(what)
    }

    /// A `size_t` field: a binary UInt64 or an ASCII integer.
    mutating func size(_ what: String) throws -> Int {
        guard binary else { return try int(what) }
        let value = try raw(UInt64.self, what)
        guard value < UInt64(Int.max) else { throw GmshError.expectedBinary(what, offset: position - 8) }
        return Int(value)
    }

    /// A `double` field.
    mutating func float64(_ what: String) throws -> Double {
        binary ? Double(bitPattern: try raw(UInt64.self, what)) : try double(what)
    }

    /// Moves past the next occurrence of `marker` (a section end, searched byte-wise).
    mutating func skip(past marker: String) throws {
        let m = Array(marker.utf8)
        var p = position
        while p + m.count <= bytes.count {
            if bytes[p] == m[0] && Array(bytes[p..<p + m.count]) == m {
                for k in position..<p where bytes[k] == 10 { line += 1 }
                position = p + m.count
                return
            }
            p += 1
        }
        throw GmshError.missingSection(marker)
    }
}
