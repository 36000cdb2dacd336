/// A CSR matrix of either scalar is a `LinearOperator` (one conformance for the generic type): the
/// real case runs the threaded four-row kernel below, the complex case a plain row loop.
extension CSRMatrix: LinearOperator {
    /// y = A x (CSR mat-vec over raw buffers: no allocation, no bounds checks in the loop).
    public func apply(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) {
        precondition(x.count == columns && y.count == rows,
                     "SparseMatrix.apply: \(rows)×\(columns) matrix, x has \(x.count) entries, y \(y.count)")
        if Element.self == Double.self {
            let real = self as! SparseMatrix
            x.withMemoryRebound(to: Double.self) { xd in y.withMemoryRebound(to: Double.self) { real.multiply(xd, into: $0) } }
            return
        }
        for i in 0..<rows {
            var sum = Element.zero
            for k in rowPointers[i]..<rowPointers[i + 1] { sum += values[k] * x[columnIndices[k]] }
            y[i] = sum
        }
    }

    /// y = Aᴴ x (the transposed product, conjugated for complex entries).
    public func applyAdjoint(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) {
        precondition(x.count == rows && y.count == columns,
                     "SparseMatrix.applyAdjoint: \(rows)×\(columns) matrix, x has \(x.count) entries, y \(y.count)")
        if Element.self == Double.self {
            let real = self as! SparseMatrix
            x.withMemoryRebound(to: Double.self) { xd in y.withMemoryRebound(to: Double.self) { real.applyTransposed(xd, into: $0) } }
            return
        }
        y.update(repeating: .zero)
        for i in 0..<rows {
            let xi = x[i]
            for k in rowPointers[i]..<rowPointers[i + 1] { y[columnIndices[k]] += values[k].conjugate * xi }
        }
    }

    /// The selected rows on the columns they touch: a sparse matrix of `rows.count` rows whose
    /// columns are the increasing list of column indices of those rows, so (A x)[rows] costs the
    /// entries of those rows only.
    public func restricted(rows selected: [Int]) throws -> RestrictedOperator<Element> {
        try Self.checkRows(selected, of: rows)
        let picked = self.rows(selected)
        let sources = Array(Set(picked.columnIndices)).sorted()
        var position = [Int: Int](minimumCapacity: sources.count)
        for (k, j) in sources.enumerated() { position[j] = k }
        let compressed = CSRMatrix(rows: picked.rows, columns: sources.count, rowPointers: picked.rowPointers,
                                   columnIndices: picked.columnIndices.map { position[$0]! }, values: picked.values)
        return try RestrictedOperator(rows: selected, sourceIndices: sources, operator: compressed)
    }
}

extension SparseMatrix {
    /// y = A x for the real matrix, the rows split over the threads for large matrices.
    func multiply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        // Large matrices: rows split over the threads (one thread cannot keep up with memory).
        let chunks = nonzeroCount >= 200_000 ? Parallelism.threadCount : 1
        rowPointers.withUnsafeBufferPointer { rp in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    Parallelism.forEachChunk(of: rows, chunks: chunks) { rowRange in
                        Self.multiplyRows(rowRange, rp, ci, v, x, y)
                    }
                }
            }
        }
    }

    /// y[i] = Σ_k v[k] x[ci[k]] for the rows in `range`.
    ///
    /// Four consecutive rows of equal length (the common case of stencils and FEM meshes) are
    /// summed in lockstep: four independent chains of multiply-adds instead of one, so the core is
    /// not waiting on each addition; other rows go one at a time.
    @inline(__always)
    private static func multiplyRows(_ range: Range<Int>, _ rp: UnsafeBufferPointer<Int>, _ ci: UnsafeBufferPointer<Int>,
                                     _ v: UnsafeBufferPointer<Double>, _ x: UnsafeBufferPointer<Double>,
                                     _ y: UnsafeMutableBufferPointer<Double>) {
        var i = range.lowerBound
        while i < range.upperBound {
            if i + 4 <= range.upperBound {
                let k0 = rp[i], length = rp[i + 1] - k0
                let k1 = rp[i + 1], k2 = rp[i + 2], k3 = rp[i + 3]
                if k2 - k1 == length && k3 - k2 == length && rp[i + 4] - k3 == length {
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    for j in 0..<length {
                        s0 += v[k0 + j] * x[ci[k0 + j]]
                        s1 += v[k1 + j] * x[ci[k1 + j]]
                        s2 += v[k2 + j] * x[ci[k2 + j]]
                        s3 += v[k3 + j] * x[ci[k3 + j]]
                    }
                    y[i] = s0
                    y[i + 1] = s1
                    y[i + 2] = s2
                    y[i + 3] = s3
                    i += 4
                    continue
                }
            }
            var sum = 0.0
            for k in rp[i]..<rp[i + 1] { sum += v[k] * x[ci[k]] }
            y[i] = sum
            i += 1
        }
    }

    /// y = Aᵀ x into preallocated storage (`x.count == rows`, `y.count == columns`).
    public func applyTransposed(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == rows && y.count == columns,
                     "SparseMatrix.applyTransposed: \(rows)×\(columns) matrix, x has \(x.count) entries, y \(y.count)")
        y.update(repeating: 0)
        rowPointers.withUnsafeBufferPointer { rp in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    for i in 0..<rows {
                        let xi = x[i]
                        for k in rp[i]..<rp[i + 1] { y[ci[k]] += v[k] * xi }
                    }
                }
            }
        }
    }

    /// y = Aᵀ x as a new array.
    public func applyTransposed(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: columns)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { applyTransposed(xp, into: $0) } }
        return y
    }

    /// xᵀ A y, the bilinear form of the matrix (an energy inner product when A is SPD).
    public func bilinearForm(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == rows && y.count == columns, "SparseMatrix.bilinearForm: wrong vector lengths")
        var sum = 0.0
        for i in 0..<rows {
            var rowSum = 0.0
            for k in rowPointers[i]..<rowPointers[i + 1] { rowSum += values[k] * y[columnIndices[k]] }
            sum += x[i] * rowSum
        }
        return sum
    }

    /// The matrix times a scalar (same pattern).
    public static func * (scale: Double, a: SparseMatrix) -> SparseMatrix {
        var result = a
        for k in result.values.indices { result.values[k] *= scale }
        return result
    }

    /// A + B (pattern: the union of both patterns).
    public static func + (a: SparseMatrix, b: SparseMatrix) -> SparseMatrix {
        linearCombination([(1, a), (1, b)])
    }

    /// A − B (pattern: the union of both patterns).
    public static func - (a: SparseMatrix, b: SparseMatrix) -> SparseMatrix {
        linearCombination([(1, a), (-1, b)])
    }

    /// Σ c_q A_q: the assembly of an affine decomposition A(μ) = Σ θ_q(μ) A_q. When every term has
    /// the same pattern (assembled on a shared pattern) only the values are summed; otherwise the
    /// result has the union pattern.
    public static func linearCombination(_ terms: [(coefficient: Double, matrix: SparseMatrix)]) -> SparseMatrix {
        precondition(!terms.isEmpty, "SparseMatrix.linearCombination: no terms")
        let first = terms[0].matrix
        for term in terms {
            precondition(term.matrix.rows == first.rows && term.matrix.columns == first.columns,
                         "SparseMatrix.linearCombination: \(term.matrix.rows)×\(term.matrix.columns) term with \(first.rows)×\(first.columns)")
        }
        if terms.allSatisfy({ $0.matrix.hasSamePattern(as: first) }) {
            var values = [Double](repeating: 0, count: first.nonzeroCount)
            for (c, m) in terms { BLAS.axpy(c, m.values, &values) }
            return SparseMatrix(rows: first.rows, columns: first.columns, rowPointers: first.rowPointers,
                                columnIndices: first.columnIndices, values: values)
        }
        var builder = SparseBuilder<Double>(rows: first.rows, columns: first.columns,
                                            reservingCapacity: terms.reduce(0) { $0 + $1.matrix.nonzeroCount })
        for (c, m) in terms {
            for i in 0..<m.rows {
                for k in m.rowPointers[i]..<m.rowPointers[i + 1] { builder.add(i, m.columnIndices[k], c * m.values[k]) }
            }
        }
        return builder.build()
    }
}
