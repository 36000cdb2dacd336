/// A file that could not be read or written: names the file, the place in it and what was expected.
///
/// Text formats (Matrix Market) report a 1-based line, binary formats (NPY, NPZ) a 0-based byte
/// offset, so the message alone tells a user where to look:
/// `matrix.mtx, line 7: expected 3 numbers (row column value), found "1 2"`.
public enum FileFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Line `line` (1-based) of a text file does not read as `expected`; `found` quotes the offending text.
    case malformed(file: String, line: Int, expected: String, found: String)
    /// A text file ends after `found` data entries where its size line announced `announced`.
    case tooFewEntries(file: String, announced: Int, found: Int)
    /// The bytes at `byteOffset` of a binary file do not read as the format requires.
    case malformedBinary(file: String, byteOffset: Int, detail: String)
    /// A binary file ends early: `expectedBytes` were needed from `byteOffset` on, `foundBytes` are there.
    case truncated(file: String, byteOffset: Int, expectedBytes: Int, foundBytes: Int)
    /// The file is well formed but uses a feature this reader does not handle (a dtype, a field, a symmetry).
    case unsupported(file: String, detail: String)
    /// An NPZ archive holds no entry named `entry`.
    case missingEntry(file: String, entry: String)
    /// A ZIP archive is damaged: no central directory, a CRC mismatch, a corrupt deflate stream.
    case corruptArchive(file: String, detail: String)
    /// An array holds a different kind or shape than the caller asked for.
    case unexpectedArray(expected: String, found: String)
    /// The data handed to a writer cannot be stored as asked (a NaN, an asymmetric "symmetric" matrix).
    case invalidInput(file: String, detail: String)
    /// The file could not be opened or read (missing, a folder, no permission).
    case unreadable(file: String, detail: String)
    /// The file could not be written (no such folder, no permission, disk full).
    case unwritable(file: String, detail: String)

    /// One line naming the file, the place and the problem.
    public var description: String {
        switch self {
        case let .malformed(file, line, expected, found):
            return "\(file), line \(line): expected \(expected), found \"\(found)\""
        case let .tooFewEntries(file, announced, found):
            return "\(file): the size line announces \(announced) entries, but the file ends after \(found)"
        case let .malformedBinary(file, offset, detail):
            return "\(file), byte \(offset): \(detail)"
        case let .truncated(file, offset, expected, found):
            return "\(file), byte \(offset): file ends early: expected \(expected) bytes from here, found \(found)"
        case let .unsupported(file, detail):
            return "\(file): unsupported: \(detail)"
        case let .missingEntry(file, entry):
            return "\(file): no entry named '\(entry)'"
        case let .corruptArchive(file, detail):
            return "\(file): corrupt archive: \(detail)"
        case let .unexpectedArray(expected, found):
            return "expected \(expected), found \(found)"
        case let .invalidInput(file, detail):
            return "cannot write \(file): \(detail)"
        case let .unreadable(file, detail):
            return "cannot read \(file): \(detail)"
        case let .unwritable(file, detail):
            return "cannot write \(file): \(detail)"
        }
    }
}
