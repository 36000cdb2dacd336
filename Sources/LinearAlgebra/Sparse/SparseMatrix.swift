/// A sparse matrix in compressed sparse row (CSR) form, with value semantics, over `Double`
/// (`SparseMatrix`) or `Complex<Double>` (`ComplexSparseMatrix`).
///
/// Row `i` holds the entries `values[rowPointers[i]..<rowPointers[i+1]]` at the columns
/// `columnIndices[...]`, sorted ascending and without duplicates (the invariant `SparseBuilder`
/// establishes and every operation keeps). The same arrays, read column-wise, are the compressed
/// sparse column (CSC) form of the transpose: that is how CHOLMOD and UMFPACK receive them.
///
/// A parametric problem reuses one pattern many times: `refill(values:)` and `index(row:column:)`
/// change the numbers without touching the pattern. The members here hold for every scalar and
/// are inlinable (they specialize where they are used); the real kernels (threaded mat-vec,
/// linear combinations, factorizations) are in the extensions of `SparseMatrix`.
public struct CSRMatrix<Element: Scalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Start of each row in `columnIndices`/`values`; `rows + 1` entries, the last equal to `nonzeroCount`.
    public let rowPointers: [Int]
    /// Column of each stored entry, ascending within a row.
    public let columnIndices: [Int]
    /// Value of each stored entry.
    public var values: [Element]

    /// A matrix from CSR arrays. The column indices of each row must be ascending and distinct.
    @inlinable
    public init(rows: Int, columns: Int, rowPointers: [Int], columnIndices: [Int], values: [Element]) {
        precondition(rows >= 0 && columns >= 0, "SparseMatrix: negative dimension \(rows)×\(columns)")
        precondition(rowPointers.count == rows + 1, "SparseMatrix: \(rowPointers.count) row pointers for \(rows) rows")
        precondition(rowPointers.first == 0 && rowPointers.last == columnIndices.count,
                     "SparseMatrix: row pointers must run from 0 to \(columnIndices.count)")
        precondition(values.count == columnIndices.count,
                     "SparseMatrix: \(values.count) values for \(columnIndices.count) column indices")
        self.rows = rows
        self.columns = columns
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
    }

    /// The `n`×`n` identity.
    @inlinable
    public static func identity(_ n: Int) -> CSRMatrix {
        diagonal([Element](repeating: 1, count: n))
    }

    /// A diagonal matrix.
    @inlinable
    public static func diagonal(_ d: [Element]) -> CSRMatrix {
        CSRMatrix(rows: d.count, columns: d.count, rowPointers: Array(0...d.count),
                     columnIndices: Array(0..<d.count), values: d)
    }

    /// Number of stored entries.
    @inlinable
    public var nonzeroCount: Int { columnIndices.count }

    /// Whether `other` has exactly the same sparsity pattern (dimensions, row pointers, columns).
    @inlinable
    public func hasSamePattern(as other: CSRMatrix) -> Bool {
        rows == other.rows && columns == other.columns
            && rowPointers == other.rowPointers && columnIndices == other.columnIndices
    }

    /// Position of entry (i, j) in `values`, or nil when the pattern does not hold it (binary search).
    @inlinable
    public func index(row i: Int, column j: Int) -> Int? {
        precondition(i >= 0 && i < rows && j >= 0 && j < columns, "SparseMatrix: (\(i), \(j)) outside \(rows)×\(columns)")
        var low = rowPointers[i], high = rowPointers[i + 1]
        while low < high {
            let mid = (low + high) / 2
            let c = columnIndices[mid]
            if c == j { return mid }
            if c < j { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// Entry (i, j); zero where the pattern holds nothing.
    @inlinable
    public subscript(i: Int, j: Int) -> Element {
        index(row: i, column: j).map { values[$0] } ?? .zero
    }

    /// The entries at the given (row, column) pairs (zero where the pattern holds nothing).
    @inlinable
    public func entries(at positions: [(row: Int, column: Int)]) -> [Element] {
        positions.map { self[$0.row, $0.column] }
    }

    /// Replaces the values, keeping the pattern (a new parameter on the same mesh).
    @inlinable
    public mutating func refill(values newValues: [Element]) {
        precondition(newValues.count == nonzeroCount,
                     "SparseMatrix.refill: \(newValues.count) values for \(nonzeroCount) stored entries")
        values = newValues
    }

    /// The main diagonal (length min(rows, columns)).
    @inlinable
    public var diagonal: [Element] {
        (0..<Swift.min(rows, columns)).map { self[$0, $0] }
    }

    /// Row `i` as a dense vector.
    @inlinable
    public func row(_ i: Int) -> [Element] {
        var result = [Element](repeating: .zero, count: columns)
        for k in rowPointers[i]..<rowPointers[i + 1] { result[columnIndices[k]] = values[k] }
        return result
    }

    /// Column `j` as a dense vector.
    @inlinable
    public func column(_ j: Int) -> [Element] {
        var result = [Element](repeating: .zero, count: rows)
        for i in 0..<rows { if let k = index(row: i, column: j) { result[i] = values[k] } }
        return result
    }

    /// The rows `indices` as a sparse matrix (in the given order): an operator restricted to the
    /// rows an empirical interpolation needs.
    @inlinable
    public func rows(_ indices: [Int]) -> CSRMatrix {
        var pointers = [0], cols = [Int](), vals = [Element]()
        for i in indices {
            precondition(i >= 0 && i < rows, "SparseMatrix.rows: row \(i) outside 0..<\(rows)")
            cols.append(contentsOf: columnIndices[rowPointers[i]..<rowPointers[i + 1]])
            vals.append(contentsOf: values[rowPointers[i]..<rowPointers[i + 1]])
            pointers.append(cols.count)
        }
        return CSRMatrix(rows: indices.count, columns: columns, rowPointers: pointers, columnIndices: cols, values: vals)
    }

    /// The submatrix A(rows, columns) with the rows and columns in the given orders (an index
    /// may not repeat in `columns`): a block of a partitioned operator.
    @inlinable
    public func submatrix(rows rowIndices: [Int], columns columnIndices: [Int]) -> CSRMatrix {
        var newColumn = [Int](repeating: -1, count: columns)
        for (position, j) in columnIndices.enumerated() {
            precondition(j >= 0 && j < columns && newColumn[j] < 0, "SparseMatrix.submatrix: column \(j) outside 0..<\(columns) or repeated")
            newColumn[j] = position
        }
        let increasing = zip(columnIndices, columnIndices.dropFirst()).allSatisfy { $0 < $1 }
        var pointers = [0], cols = [Int](), vals = [Element]()
        for i in rowIndices {
            precondition(i >= 0 && i < rows, "SparseMatrix.submatrix: row \(i) outside 0..<\(rows)")
            let rowStart = cols.count
            for k in rowPointers[i]..<rowPointers[i + 1] where newColumn[self.columnIndices[k]] >= 0 {
                cols.append(newColumn[self.columnIndices[k]])
                vals.append(values[k])
            }
            if !increasing {
                let order = (rowStart..<cols.count).sorted { cols[$0] < cols[$1] }
                let (sortedColumns, sortedValues) = (order.map { cols[$0] }, order.map { vals[$0] })
                cols.replaceSubrange(rowStart..<cols.count, with: sortedColumns)
                vals.replaceSubrange(rowStart..<vals.count, with: sortedValues)
            }
            pointers.append(cols.count)
        }
        return CSRMatrix(rows: rowIndices.count, columns: columnIndices.count, rowPointers: pointers, columnIndices: cols, values: vals)
    }

    /// The transpose (a CSR of Aᵀ, columns sorted).
    @inlinable
    public var transposed: CSRMatrix {
        var counts = [Int](repeating: .zero, count: columns + 1)
        for c in columnIndices { counts[c + 1] += 1 }
        for j in 0..<columns { counts[j + 1] += counts[j] }
        var next = counts
        var cols = [Int](repeating: .zero, count: nonzeroCount)
        var vals = [Element](repeating: .zero, count: nonzeroCount)
        for i in 0..<rows {
            for k in rowPointers[i]..<rowPointers[i + 1] {
                let p = next[columnIndices[k]]
                cols[p] = i
                vals[p] = values[k]
                next[columnIndices[k]] += 1
            }
        }
        return CSRMatrix(rows: columns, columns: rows, rowPointers: counts, columnIndices: cols, values: vals)
    }

    /// The dense equivalent (for tests and small matrices).
    @inlinable
    public var dense: DenseMatrix<Element> {
        var m = DenseMatrix<Element>(rows: rows, columns: columns)
        for i in 0..<rows {
            for k in rowPointers[i]..<rowPointers[i + 1] { m[i, columnIndices[k]] = values[k] }
        }
        return m
    }

}

/// The real sparse matrix: FEM operators, inner-product matrices, affine terms.
public typealias SparseMatrix = CSRMatrix<Double>

extension SparseMatrix {
    /// Whether the matrix equals its transpose to `tolerance` times its largest entry.
    public func isSymmetric(tolerance: Double = 0) -> Bool {
        guard rows == columns else { return false }
        let t = transposed
        let scale = values.reduce(0) { Swift.max($0, abs($1)) }
        if t.hasSamePattern(as: self) {
            return zip(values, t.values).allSatisfy { abs($0 - $1) <= tolerance * scale }
        }
        return (self - t).values.allSatisfy { abs($0) <= tolerance * scale }
    }
}
