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

    /// ASCII, inside `onOneLine`: the fields of that line not read yet, and what it should hold.
    private var pending: ArraySlice<String>?
    private var pendingLayout = ""

    /// Runs `body` on the fields of the next ASCII line only (a header, a count, an entity): a
    /// line short of a field is an error naming it, not a read of the next line, and a line with
    /// fields left over is an error too. In binary, runs `body` as is.
    mutating func onOneLine<T>(_ layout: String, _ body: (inout GmshCursor) throws -> T) throws -> T {
        guard !binary else { return try body(&self) }
        let (fields, number) = lineFields()
        pending = fields[...]
        pendingLayout = layout
        defer { pending = nil }
        let result = try body(&self)
        if let left = pending, !left.isEmpty {
            throw GmshError.fieldCount(layout: layout, expected: fields.count - left.count, found: fields.count, line: number)
        }
        return result
    }

    /// The next whitespace-separated token ("" at the end of the file, or of the line in `onOneLine`).
    mutating func token() -> String {
        if var fields = pending { let t = fields.popFirst() ?? ""; pending = fields; return t }
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

    /// Throws if `token` is the end of the line read by `onOneLine`.
    private func checkNotEndOfLine(_ token: String, _ what: String) throws {
        if token.isEmpty, pending != nil {
            throw GmshError.expected("\(what) (the line is short of a field: \(pendingLayout))", found: "end of line", line: line)
        }
    }

    mutating func int(_ what: String) throws -> Int {
        let t = token()
        try checkNotEndOfLine(t, what)
        guard let value = Int(t) else { throw GmshError.expected(what + " (an integer)", found: t, line: line) }
        return value
    }

    mutating func double(_ what: String) throws -> Double {
        let t = token()
        try checkNotEndOfLine(t, what)
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

    /// Where the cursor is: the current line (ASCII) or byte offset (binary).
    var place: GmshPlace { binary ? .byte(position) : .line(line) }

    /// The bytes not read yet.
    var remaining: Int { bytes.count - position }

    /// A count of items that follow (an `int` field if `int32`, else a `size_t`), checked before
    /// anything is allocated for them: not negative, and `count × bytesEach` no more than the
    /// bytes left in the file (`bytesEach` is the least an item can take: exact in binary, one
    /// character and one separator per field in ASCII).
    mutating func count(_ what: String, bytesEach: Int, int32: Bool = false) throws -> Int {
        let start = position
        let value = int32 ? try self.int32(what) : try size(what)
        try check(value, what, bytesEach: bytesEach, at: binary ? .byte(start) : .line(line))
        return value
    }

    /// Throws unless `count` (of `what`, declared at `at`) is not negative and `count × bytesEach`
    /// is no more than the bytes left.
    func check(_ count: Int, _ what: String, bytesEach: Int, at: GmshPlace) throws {
        guard count >= 0 else { throw GmshError.negativeCount(what: what, count: count, at: at) }
        let (needed, overflow) = count.multipliedReportingOverflow(by: bytesEach)
        guard !overflow, needed <= remaining else {
            throw GmshError.countExceedsFile(what: what, count: count, bytesEach: bytesEach, remaining: remaining, at: at)
        }
    }

    /// The fields of the next non-blank ASCII line and its number; the cursor stops at the end of
    /// that line, so a line short of a field cannot borrow one from the next.
    mutating func lineFields() -> (fields: [String], line: Int) {
        skipWhitespace()
        let number = line
        var fields = [String]()
        var start = position
        while position < bytes.count, bytes[position] != 10 {
            let b = bytes[position]
            if b == 32 || b == 9 || b == 13 {
                if start < position { fields.append(String(decoding: bytes[start..<position], as: UTF8.self)) }
                start = position + 1
            }
            position += 1
        }
        if start < position { fields.append(String(decoding: bytes[start..<position], as: UTF8.self)) }
        return (fields, number)
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
