import Foundation

/// A cursor over the bytes of a text file, line-aware, for parsers that must be fast (no `String`
/// per line) and must report the 1-based line of an error.
///
/// The buffer ends with a zero byte that is not part of the text (`end` is its index), so C parsers
/// such as `strtod` always stop inside the buffer.
struct TextScanner {
    /// First byte of the text.
    let base: UnsafePointer<UInt8>
    /// Number of text bytes (the index of the terminating zero).
    let end: Int
    /// The file name used in error messages.
    let file: String
    /// Index of the next byte to read.
    var position = 0
    /// 1-based line of `position`.
    var line = 1

    init(base: UnsafePointer<UInt8>, count: Int, file: String) {
        self.base = base
        self.end = count
        self.file = file
    }

    /// Whether the cursor stands at the end of the text.
    var atEnd: Bool { position >= end }

    /// Whether the cursor stands at a line break or at the end of the text.
    @inline(__always)
    var atLineEnd: Bool { position >= end || base[position] == UInt8(ascii: "\n") }

    /// Skips spaces, tabs and carriage returns (not line breaks).
    @inline(__always)
    mutating func skipBlanks() {
        while position < end {
            let c = base[position]
            guard c == 0x20 || c == 0x09 || c == 0x0D else { return }
            position += 1
        }
    }

    /// Moves past the next line break (or to the end of the text).
    mutating func nextLine() {
        while position < end && base[position] != UInt8(ascii: "\n") { position += 1 }
        if position < end {
            position += 1
            line += 1
        }
    }

    /// The next whitespace-delimited token of the current line, or nil at the end of the line.
    @inline(__always)
    mutating func token() -> UnsafeBufferPointer<UInt8>? {
        skipBlanks()
        guard !atLineEnd else { return nil }
        let start = position
        while position < end {
            let c = base[position]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { break }
            position += 1
        }
        return UnsafeBufferPointer(start: base + start, count: position - start)
    }

    /// Skips blank lines and lines starting with `%`; false when the text ends first.
    mutating func skipToContentLine() -> Bool {
        while true {
            skipBlanks()
            if atEnd { return false }
            if base[position] == UInt8(ascii: "\n") || base[position] == UInt8(ascii: "%") {
                nextLine()
            } else {
                return true
            }
        }
    }

    /// The text of the line holding byte `index`, without surrounding blanks (for error messages).
    func lineText(around index: Int) -> String {
        var start = min(index, end)
        while start > 0 && base[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var stop = start
        while stop < end && base[stop] != UInt8(ascii: "\n") { stop += 1 }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    }

    /// An error for the line holding byte `index`: `expected`, found that line's text.
    func malformedLine(at index: Int, expected: String) -> FileFormatError {
        .malformed(file: file, line: line, expected: expected, found: lineText(around: index))
    }
}

/// The text of a token, for error messages.
func tokenText(_ token: UnsafeBufferPointer<UInt8>) -> String {
    String(decoding: token, as: UTF8.self)
}

/// A non-negative decimal integer of at most 18 digits (no sign), or nil.
@inline(__always)
func parseUnsignedInteger(_ token: UnsafeBufferPointer<UInt8>) -> Int? {
    guard token.count > 0 && token.count <= 18 else { return nil }
    var value = 0
    for c in token {
        let digit = Int(c) &- 48
        guard digit >= 0 && digit <= 9 else { return nil }
        value = value &* 10 &+ digit
    }
    return value
}

/// A decimal integer with an optional sign, or nil.
@inline(__always)
func parseSignedInteger(_ token: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let first = token.first else { return nil }
    if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
        guard let magnitude = parseUnsignedInteger(UnsafeBufferPointer(rebasing: token.dropFirst())) else { return nil }
        return first == UInt8(ascii: "-") ? -magnitude : magnitude
    }
    return parseUnsignedInteger(token)
}

/// Exact powers of ten: every one up to 1e22 is a `Double` without rounding.
private let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { acc, _ in acc * 10 } }

/// A decimal floating-point number (`-1.5e-3`, `.5`, `7`), correctly rounded; NaN or ±infinity for
/// the words `nan`, `inf`, `infinity` (any case) and for numbers too large for a `Double`; nil for
/// anything else (hexadecimal floats included).
///
/// Numbers of at most 19 significant digits whose mantissa fits 53 bits and whose decimal exponent
/// lies within ±22 take Clinger's exact fast path; the rest go to `strtod`. The token must be
/// followed in memory by a byte that ends a number (a blank, a line break or the buffer's zero).
@inline(__always)
func parseDouble(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
    let n = token.count
    guard n > 0, let p = token.baseAddress else { return nil }
    var k = 0
    var negative = false
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
        negative = p[0] == UInt8(ascii: "-")
        k = 1
    }
    guard k < n else { return nil }
    let lead = p[k] | 0x20
    if lead == UInt8(ascii: "n") || lead == UInt8(ascii: "i") {
        return parseNonFiniteWord(UnsafeBufferPointer(start: p + k, count: n - k), negative: negative)
    }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var exponent = 0
    var sawDigit = false
    var exact = true
    while k < n, p[k] &- 48 <= 9 {
        sawDigit = true
        if significantDigits < 19 {
            mantissa = mantissa &* 10 &+ UInt64(p[k] &- 48)
            if mantissa != 0 { significantDigits += 1 }
        } else {
            exact = false
        }
        k += 1
    }
    if k < n && p[k] == UInt8(ascii: ".") {
        k += 1
        while k < n, p[k] &- 48 <= 9 {
            sawDigit = true
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[k] &- 48)
                if mantissa != 0 { significantDigits += 1 }
                exponent -= 1
            } else {
                exact = false
            }
            k += 1
        }
    }
    guard sawDigit else { return nil }
    if k < n && (p[k] | 0x20) == UInt8(ascii: "e") {
        k += 1
        var exponentNegative = false
        if k < n && (p[k] == UInt8(ascii: "-") || p[k] == UInt8(ascii: "+")) {
            exponentNegative = p[k] == UInt8(ascii: "-")
            k += 1
        }
        guard k < n, p[k] &- 48 <= 9 else { return nil }
        var written = 0
        while k < n, p[k] &- 48 <= 9 {
            written = min(written * 10 + Int(p[k] &- 48), 1_000_000)
            k += 1
        }
        exponent += exponentNegative ? -written : written
    }
    guard k == n else { return nil }
    if mantissa == 0 && exact { return negative ? -0.0 : 0.0 }
    if exact && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
        let m = Double(mantissa)
        let value = exponent >= 0 ? m * exactPowersOfTen[exponent] : m / exactPowersOfTen[-exponent]
        return negative ? -value : value
    }
    var stop: UnsafeMutablePointer<CChar>?
    let start = UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)
    let value = strtod(start, &stop)
    guard let stop, start.distance(to: UnsafePointer(stop)) == n else { return nil }
    return value
}

/// NaN or ±infinity for the words `nan`, `inf`, `infinity` (any case), else nil.
private func parseNonFiniteWord(_ word: UnsafeBufferPointer<UInt8>, negative: Bool) -> Double? {
    let lower = String(decoding: word, as: UTF8.self).lowercased()
    switch lower {
    case "nan": return .nan
    case "inf", "infinity": return negative ? -.infinity : .infinity
    default: return nil
    }
}
