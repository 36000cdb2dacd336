import Foundation
import LinearAlgebra

/// A table of parameters as external codes write it (`parameters.csv` of a matrix family folder):
/// one row per sample, μ's components comma-separated; an optional first line of names; `#` lines
/// and blank lines skipped. Every row has the same width and every value is a finite number; a
/// problem is a `FileFormatError` naming the file and the line.
public struct ParameterTable: Equatable, Sendable {
    /// The component names: the header's, or `mu_0`, `mu_1`, … without one.
    public let names: [String]
    /// The rows, in file order.
    public let rows: [Parameter]

    /// Reads the table at `url`.
    public static func read(_ url: URL) throws -> ParameterTable {
        let file = url.lastPathComponent
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw FileFormatError.unreadable(file: file, detail: "missing or unreadable")
        }
        return try parse(bytes, file: file)
    }

    /// Parses the table's bytes; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws -> ParameterTable {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileFormatError.unreadable(file: file, detail: "not UTF-8 text")
        }
        var names: [String]? = nil, rows: [Parameter] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = fields.map { Double($0) }
            if rows.isEmpty && names == nil && numbers.contains(where: { $0 == nil }) {
                guard fields.allSatisfy({ !$0.isEmpty }), Set(fields).count == fields.count else {
                    throw FileFormatError.malformed(file: file, line: number + 1, expected: "a header of distinct names", found: trimmed)
                }
                names = fields
                continue
            }
            let width = names?.count ?? rows.first?.count ?? fields.count
            guard fields.count == width else {
                throw FileFormatError.malformed(file: file, line: number + 1, expected: "\(width) comma-separated values", found: "\(fields.count) in \"\(trimmed)\"")
            }
            var values: [Double] = []
            values.reserveCapacity(width)
            for (k, v) in numbers.enumerated() {
                guard let v, v.isFinite else {
                    throw FileFormatError.malformed(file: file, line: number + 1, expected: "a finite number in column \(k + 1)", found: "\"\(fields[k])\"")
                }
                values.append(v)
            }
            rows.append(Parameter(values))
        }
        guard let first = rows.first else { throw FileFormatError.invalidInput(file: file, detail: "no rows of parameters") }
        return ParameterTable(names: names ?? (0..<first.count).map { "mu_\($0)" }, rows: rows)
    }
}
