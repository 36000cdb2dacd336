import ComplexModule
import Foundation
import RealModule

extension MatrixMarket {
    /// Writes `a` as a `coordinate real` file, 1-based, row by row, atomically.
    ///
    /// With `symmetric: true` the file is `symmetric` and holds the lower triangle only (i ≥ j);
    /// `a` must then equal its transpose exactly. Numbers are written with the shortest text that
    /// reads back to the same `Double` (integral values without a fractional part: `4`, `-1`).
    /// - Parameter comment: Written after the banner, each line prefixed with `%`.
    /// - Throws: `FileFormatError.invalidInput` for a NaN or infinite value or an asymmetric matrix
    ///   written as symmetric; `.unwritable` when the file cannot be written.
    public static func write(_ a: SparseMatrix, to url: URL, symmetric: Bool = false, comment: String? = nil) throws {
        let file = url.lastPathComponent
        if let k = a.values.firstIndex(where: { !$0.isFinite }) {
            throw FileFormatError.invalidInput(file: file, detail: "\(position(of: k, in: a.rowPointers, a.columnIndices)) holds \(a.values[k])")
        }
        var stored = a.nonzeroCount
        if symmetric {
            guard a.rows == a.columns else {
                throw FileFormatError.invalidInput(file: file, detail: "a \(a.rows)×\(a.columns) matrix cannot be symmetric")
            }
            stored = 0
            for i in 0..<a.rows {
                for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                    let j = a.columnIndices[k]
                    if j <= i { stored += 1 }
                    if a.values[k] != a[j, i] {
                        throw FileFormatError.invalidInput(
                            file: file, detail: "the matrix is not symmetric: A[\(i), \(j)] = \(a.values[k]) but A[\(j), \(i)] = \(a[j, i])")
                    }
                }
            }
        }
        var out = TextOutput(capacity: 32 * stored + 128)
        out.header(format: "coordinate", field: "real", symmetry: symmetric ? "symmetric" : "general", comment: comment)
        out.line(a.rows, a.columns, stored)
        for i in 0..<a.rows {
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                let j = a.columnIndices[k]
                if symmetric && j > i { continue }
                out.integer(i + 1); out.space(); out.integer(j + 1); out.space()
                out.double(a.values[k]); out.newline()
            }
        }
        try AtomicFile.write(out.bytes, to: url)
    }

    /// Writes `a` as a `coordinate complex` file (real and imaginary part on each line), atomically.
    ///
    /// With `symmetric: true` (A = Aᵀ) or `hermitian: true` (A = Aᴴ, real diagonal) only the lower
    /// triangle is stored; `a` must have that symmetry exactly.
    /// - Throws: `FileFormatError.invalidInput` for a non-finite value, a missing symmetry, or both
    ///   flags set; `.unwritable` when the file cannot be written.
    public static func write(_ a: ComplexSparseMatrix, to url: URL, symmetric: Bool = false, hermitian: Bool = false,
                             comment: String? = nil) throws {
        let file = url.lastPathComponent
        if let k = a.values.firstIndex(where: { !$0.real.isFinite || !$0.imaginary.isFinite }) {
            throw FileFormatError.invalidInput(file: file, detail: "\(position(of: k, in: a.rowPointers, a.columnIndices)) holds \(a.values[k])")
        }
        guard !(symmetric && hermitian) else {
            throw FileFormatError.invalidInput(file: file, detail: "a file is either symmetric or hermitian, not both")
        }
        let triangle = symmetric || hermitian
        var stored = a.nonzeroCount
        if triangle {
            guard a.rows == a.columns else {
                throw FileFormatError.invalidInput(file: file, detail: "a \(a.rows)×\(a.columns) matrix cannot be \(symmetric ? "symmetric" : "hermitian")")
            }
            stored = 0
            for i in 0..<a.rows {
                for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                    let j = a.columnIndices[k]
                    if j <= i { stored += 1 }
                    let mirror = hermitian ? a.values[k].conjugate : a.values[k]
                    if mirror != a[j, i] {
                        throw FileFormatError.invalidInput(
                            file: file, detail: "the matrix is not \(symmetric ? "symmetric" : "hermitian"): A[\(i), \(j)] = \(a.values[k]) but A[\(j), \(i)] = \(a[j, i])")
                    }
                }
            }
        }
        var out = TextOutput(capacity: 48 * stored + 128)
        out.header(format: "coordinate", field: "complex",
                   symmetry: symmetric ? "symmetric" : (hermitian ? "hermitian" : "general"), comment: comment)
        out.line(a.rows, a.columns, stored)
        for i in 0..<a.rows {
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                let j = a.columnIndices[k]
                if triangle && j > i { continue }
                out.integer(i + 1); out.space(); out.integer(j + 1); out.space()
                out.double(a.values[k].real); out.space(); out.double(a.values[k].imaginary); out.newline()
            }
        }
        try AtomicFile.write(out.bytes, to: url)
    }

    /// Writes `a` as an `array real general` file (all entries, column after column), atomically.
    /// - Throws: `FileFormatError.invalidInput` for a NaN or infinite entry; `.unwritable` when
    ///   the file cannot be written.
    public static func write(_ a: Matrix, to url: URL, comment: String? = nil) throws {
        if let k = a.firstNonFiniteIndex {
            throw FileFormatError.invalidInput(file: url.lastPathComponent,
                                               detail: "entry (\(k % max(a.rows, 1)), \(k / max(a.rows, 1))) holds \(a.storage[k])")
        }
        var out = TextOutput(capacity: 24 * a.storage.count + 128)
        out.header(format: "array", field: "real", symmetry: "general", comment: comment)
        out.line(a.rows, a.columns)
        for x in a.storage {
            out.double(x); out.newline()
        }
        try AtomicFile.write(out.bytes, to: url)
    }

    /// "entry (i, j)" of stored position `k` of a CSR matrix, 0-based, for error messages.
    private static func position(of k: Int, in rowPointers: [Int], _ columnIndices: [Int]) -> String {
        var i = 0
        while rowPointers[i + 1] <= k { i += 1 }
        return "entry (\(i), \(columnIndices[k]))"
    }
}

/// The bytes of a text file under construction, with number formatting that needs no `String` per integer.
private struct TextOutput {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The banner and the comment lines.
    mutating func header(format: String, field: String, symmetry: String, comment: String?) {
        text("%%MatrixMarket matrix \(format) \(field) \(symmetry)\n")
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) {
                text("%\(line.isEmpty ? "" : " ")\(line)\n")
            }
        }
    }

    /// A line of integers separated by spaces.
    mutating func line(_ values: Int...) {
        for (k, v) in values.enumerated() {
            if k > 0 { space() }
            integer(v)
        }
        newline()
    }

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func space() { bytes.append(0x20) }
    mutating func newline() { bytes.append(0x0A) }

    /// A non-negative integer in decimal.
    mutating func integer(_ value: Int) {
        var v = value
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            } while v > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// The shortest decimal text that reads back to `x` exactly (Swift's `description`), without
    /// the `.0` of integral values.
    mutating func double(_ x: Double) {
        var s = x.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        bytes.append(contentsOf: s.utf8)
    }
}
