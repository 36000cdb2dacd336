import ComplexModule
import RealModule

/// A sparse complex matrix in CSR form (Helmholtz and other time-harmonic problems), with the same
/// layout and invariants as `SparseMatrix`. `LUFactorization(complex:)` solves with it.
public struct ComplexSparseMatrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Start of each row in `columnIndices`/`values` (`rows + 1` entries).
    public let rowPointers: [Int]
    /// Column of each stored entry, ascending within a row.
    public let columnIndices: [Int]
    /// Value of each stored entry.
    public var values: [Complex<Double>]

    /// A matrix from CSR arrays; the column indices of each row must be ascending and distinct.
    public init(rows: Int, columns: Int, rowPointers: [Int], columnIndices: [Int], values: [Complex<Double>]) {
        precondition(rowPointers.count == rows + 1 && rowPointers.first == 0 && rowPointers.last == columnIndices.count,
                     "ComplexSparseMatrix: inconsistent row pointers for \(rows) rows and \(columnIndices.count) entries")
        precondition(values.count == columnIndices.count,
                     "ComplexSparseMatrix: \(values.count) values for \(columnIndices.count) column indices")
        self.rows = rows
        self.columns = columns
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The complex matrix `real + i·imaginary` of two real matrices with the same pattern.
    public init(real: SparseMatrix, imaginary: SparseMatrix) {
        precondition(real.hasSamePattern(as: imaginary), "ComplexSparseMatrix: real and imaginary parts differ in pattern")
        self.init(rows: real.rows, columns: real.columns, rowPointers: real.rowPointers,
                  columnIndices: real.columnIndices,
                  values: zip(real.values, imaginary.values).map { Complex($0, $1) })
    }

    /// Number of stored entries.
    public var nonzeroCount: Int { columnIndices.count }

    /// Entry (i, j); zero where the pattern holds nothing.
    public subscript(i: Int, j: Int) -> Complex<Double> {
        for k in rowPointers[i]..<rowPointers[i + 1] where columnIndices[k] == j { return values[k] }
        return .zero
    }

    /// y = A x.
    public func apply(_ x: [Complex<Double>]) -> [Complex<Double>] {
        precondition(x.count == columns, "ComplexSparseMatrix.apply: x has \(x.count) entries, expected \(columns)")
        var y = [Complex<Double>](repeating: .zero, count: rows)
        for i in 0..<rows {
            var sum = Complex<Double>.zero
            for k in rowPointers[i]..<rowPointers[i + 1] { sum += values[k] * x[columnIndices[k]] }
            y[i] = sum
        }
        return y
    }
}
