import ComplexModule
import RealModule

/// Collects (row, column, value) triplets and compresses them into CSR: duplicates are summed
/// (what finite-element assembly needs), columns sorted within each row.
///
/// ```swift
/// var builder = SparseBuilder<Double>(rows: 3, columns: 3)
/// builder.add(0, 0, 2); builder.add(0, 0, 1)   // summed: A[0,0] = 3
/// let a = builder.build()
/// ```
/// `Scalar` is `Double` (giving a `SparseMatrix`) or `Complex<Double>` (a `ComplexSparseMatrix`).
public struct SparseBuilder<Scalar: AdditiveArithmetic & Sendable>: Sendable {
    /// Number of rows of the matrix to build.
    public let rows: Int
    /// Number of columns of the matrix to build.
    public let columns: Int
    private var rowIndices: [Int] = []
    private var columnIndices: [Int] = []
    private var values: [Scalar] = []

    /// An empty builder for a `rows`×`columns` matrix; `reservingCapacity` triplets are preallocated.
    public init(rows: Int, columns: Int, reservingCapacity capacity: Int = 0) {
        precondition(rows >= 0 && columns >= 0, "SparseBuilder: negative dimension \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        rowIndices.reserveCapacity(capacity)
        columnIndices.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Number of triplets collected so far (duplicates counted).
    public var tripletCount: Int { values.count }

    /// Adds `value` to entry (`row`, `column`).
    @inlinable
    public mutating func add(_ row: Int, _ column: Int, _ value: Scalar) {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                     "SparseBuilder: (\(row), \(column)) outside \(rows)×\(columns)")
        appendTriplet(row, column, value)
    }

    @usableFromInline
    mutating func appendTriplet(_ row: Int, _ column: Int, _ value: Scalar) {
        rowIndices.append(row)
        columnIndices.append(column)
        values.append(value)
    }

    /// The CSR arrays: row pointers, sorted columns, and the summed values.
    func compress() -> (rowPointers: [Int], columnIndices: [Int], values: [Scalar]) {
        // Bucket the triplets by row (counting sort), then sort and merge each row's columns.
        var rowStart = [Int](repeating: 0, count: rows + 1)
        for r in rowIndices { rowStart[r + 1] += 1 }
        for i in 0..<rows { rowStart[i + 1] += rowStart[i] }
        var next = rowStart
        var order = [Int](repeating: 0, count: values.count)
        for (t, r) in rowIndices.enumerated() {
            order[next[r]] = t
            next[r] += 1
        }
        var pointers = [Int](repeating: 0, count: rows + 1)
        var outColumns = [Int]()
        var outValues = [Scalar]()
        outColumns.reserveCapacity(values.count)
        outValues.reserveCapacity(values.count)
        var rowTriplets = [Int]()
        for i in 0..<rows {
            rowTriplets.removeAll(keepingCapacity: true)
            rowTriplets.append(contentsOf: order[rowStart[i]..<rowStart[i + 1]])
            // Rows usually arrive sorted (generators, files) or short (FEM): sort only when needed.
            var sorted = true
            for t in 1..<Swift.max(rowTriplets.count, 1) where columnIndices[rowTriplets[t]] < columnIndices[rowTriplets[t - 1]] {
                sorted = false
                break
            }
            if !sorted { rowTriplets.sort { columnIndices[$0] < columnIndices[$1] } }
            var previous = -1
            for t in rowTriplets {
                let c = columnIndices[t]
                if c == previous {
                    outValues[outValues.count - 1] += values[t]
                } else {
                    outColumns.append(c)
                    outValues.append(values[t])
                    previous = c
                }
            }
            pointers[i + 1] = outColumns.count
        }
        return (pointers, outColumns, outValues)
    }
}

extension SparseBuilder where Scalar == Double {
    /// The CSR matrix of the collected triplets.
    public func build() -> SparseMatrix {
        let (p, c, v) = compress()
        return SparseMatrix(rows: rows, columns: columns, rowPointers: p, columnIndices: c, values: v)
    }
}

extension SparseBuilder where Scalar == Complex<Double> {
    /// The complex CSR matrix of the collected triplets.
    public func build() -> ComplexSparseMatrix {
        let (p, c, v) = compress()
        return ComplexSparseMatrix(rows: rows, columns: columns, rowPointers: p, columnIndices: c, values: v)
    }
}
