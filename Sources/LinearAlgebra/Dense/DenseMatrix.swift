import Foundation

/// A dense matrix stored column-major, with value semantics, over `Double` (`Matrix`) or
/// `Complex<Double>` (`ComplexMatrix`).
///
/// Entry (i, j) lives at `storage[i + j * rows]`, the layout BLAS, LAPACK and NumPy's Fortran
/// order use, so a matrix passes to them without copies. The members here hold for every
/// scalar and are inlinable, so they specialize where they are used: the real paths run the
/// same code as before the matrix became generic. Products and factorizations are in the
/// extensions (`Matrix+BLAS.swift`, `Dense/*.swift`).
public struct DenseMatrix<Element: Scalar>: Equatable, Sendable {
    @usableFromInline var rowCount: Int
    @usableFromInline var columnCount: Int
    /// The entries, column after column; `storage.count == rows * columns`.
    public var storage: [Element]

    /// Number of rows.
    @inlinable public var rows: Int { rowCount }
    /// Number of columns.
    @inlinable public var columns: Int { columnCount }

    /// A `rows`×`columns` matrix with every entry equal to `value`.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Element = .zero) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative dimension \(rows)×\(columns)")
        rowCount = rows
        columnCount = columns
        storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over `storage` given column-major.
    @inlinable
    public init(rows: Int, columns: Int, storage: [Element]) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative dimension \(rows)×\(columns)")
        precondition(storage.count == rows * columns,
                     "Matrix: storage holds \(storage.count) entries, \(rows)×\(columns) needs \(rows * columns)")
        rowCount = rows
        columnCount = columns
        self.storage = storage
    }

    /// A matrix from its rows, written as they read: `Matrix(rowMajor: [[1, 2], [3, 4]])`.
    @inlinable
    public init(rowMajor rowArrays: [[Element]]) {
        let m = rowArrays.count
        let n = rowArrays.first?.count ?? 0
        self.init(rows: m, columns: n)
        for (i, row) in rowArrays.enumerated() {
            precondition(row.count == n, "Matrix(rowMajor:): row \(i) has \(row.count) entries, expected \(n)")
            for j in 0..<n { storage[i + j * m] = row[j] }
        }
    }

    /// A matrix whose columns are `columnArrays` (all of one length).
    @inlinable
    public init(columns columnArrays: [[Element]]) {
        let n = columnArrays.count
        let m = columnArrays.first?.count ?? 0
        var storage: [Element] = []
        storage.reserveCapacity(m * n)
        for (j, column) in columnArrays.enumerated() {
            precondition(column.count == m, "Matrix(columns:): column \(j) has \(column.count) entries, expected \(m)")
            storage.append(contentsOf: column)
        }
        self.init(rows: m, columns: n, storage: storage)
    }

    /// The n×n identity.
    @inlinable
    public static func identity(_ n: Int) -> DenseMatrix {
        var a = DenseMatrix(rows: n, columns: n)
        for i in 0..<n { a.storage[i + i * n] = 1 }
        return a
    }

    /// A square matrix with `diagonal` on its diagonal.
    @inlinable
    public static func diagonal(_ diagonal: [Element]) -> DenseMatrix {
        let n = diagonal.count
        var a = DenseMatrix(rows: n, columns: n)
        for i in 0..<n { a.storage[i + i * n] = diagonal[i] }
        return a
    }

    /// Entry (i, j), 0-based.
    @inlinable
    public subscript(i: Int, j: Int) -> Element {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix: index (\(i), \(j)) outside \(rows)×\(columns)")
            return storage[i + j * rows]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix: index (\(i), \(j)) outside \(rows)×\(columns)")
            storage[i + j * rows] = newValue
        }
    }

    /// True when the matrix has as many rows as columns.
    @inlinable public var isSquare: Bool { rows == columns }

    /// Column `j` as an array.
    @inlinable
    public func column(_ j: Int) -> [Element] {
        precondition(j >= 0 && j < columns, "Matrix: column \(j) outside 0..<\(columns)")
        return Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` as an array.
    @inlinable
    public func row(_ i: Int) -> [Element] {
        precondition(i >= 0 && i < rows, "Matrix: row \(i) outside 0..<\(rows)")
        return (0..<columns).map { storage[i + $0 * rows] }
    }

    /// Replaces column `j` by `values`.
    @inlinable
    public mutating func setColumn(_ j: Int, to values: [Element]) {
        precondition(j >= 0 && j < columns, "Matrix: column \(j) outside 0..<\(columns)")
        precondition(values.count == rows, "Matrix.setColumn: \(values.count) values for \(rows) rows")
        storage.replaceSubrange((j * rows)..<((j + 1) * rows), with: values)
    }

    /// The columns `range` as a new matrix.
    @inlinable
    public func columns(_ range: Range<Int>) -> DenseMatrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "Matrix: columns \(range) outside 0..<\(columns)")
        return DenseMatrix(rows: rows, columns: range.count,
                           storage: Array(storage[(range.lowerBound * rows)..<(range.upperBound * rows)]))
    }

    /// The rows `indices` (any order, repeats allowed) as a new matrix.
    @inlinable
    public func rows(_ indices: [Int]) -> DenseMatrix {
        var result = DenseMatrix(rows: indices.count, columns: columns)
        for j in 0..<columns {
            for (k, i) in indices.enumerated() {
                precondition(i >= 0 && i < rows, "Matrix: row \(i) outside 0..<\(rows)")
                result.storage[k + j * indices.count] = storage[i + j * rows]
            }
        }
        return result
    }

    /// Appends the columns of `other` (same number of rows; any, when this matrix has no columns)
    /// on the right, in place (amortized: no copy of the existing columns).
    @inlinable
    public mutating func appendColumns(_ other: DenseMatrix) {
        precondition(other.rows == rows || columns == 0, "Matrix.appendColumns: \(other.rows) rows onto \(rows)")
        if columns == 0 { self = other; return }
        storage.append(contentsOf: other.storage)
        columnCount += other.columns
    }

    /// Appends one column (length `rows`) on the right, in place.
    @inlinable
    public mutating func appendColumn(_ column: [Element]) {
        precondition(column.count == rows, "Matrix.appendColumn: column of length \(column.count) for \(rows) rows")
        storage.append(contentsOf: column)
        columnCount += 1
    }

    /// The transpose (not conjugated; `adjoint` conjugates).
    @inlinable
    public var transposed: DenseMatrix {
        var t = DenseMatrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] }
        }
        return t
    }

    /// The conjugate transpose (the transpose for a real matrix).
    @inlinable
    public var adjoint: DenseMatrix {
        var t = transposed
        if Element.isComplex { for k in t.storage.indices { t.storage[k] = t.storage[k].conjugate } }
        return t
    }

    /// The largest modulus of an entry (0 for an empty matrix).
    @inlinable
    public var maxAbs: Double { storage.reduce(0) { Swift.max($0, $1.modulus) } }

    /// Index of the first NaN or infinity, or nil.
    @inlinable
    public var firstNonFiniteIndex: Int? { storage.firstIndex { !$0.isFinite } }
}

/// The real dense matrix: the type of snapshots, bases and reduced operators.
public typealias Matrix = DenseMatrix<Double>

extension Matrix: CustomStringConvertible {
    /// The Frobenius norm, by BLAS `nrm2` (no overflow for large entries).
    public var frobeniusNorm: Double { BLAS.nrm2(storage) }

    /// The size and the leading 8×8 block.
    public var description: String {
        let shown = Swift.min(rows, 8)
        var lines = ["Matrix \(rows)×\(columns)"]
        for i in 0..<shown {
            let entries = (0..<Swift.min(columns, 8)).map { String(format: "%12.5g", self[i, $0]) }
            lines.append(entries.joined(separator: " ") + (columns > 8 ? " …" : ""))
        }
        if rows > shown { lines.append("…") }
        return lines.joined(separator: "\n")
    }
}
