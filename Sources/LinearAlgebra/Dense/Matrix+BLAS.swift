import CBLAS

/// A dense matrix of either scalar is a `LinearOperator`, by BLAS `gemv`/`gemm`.
extension DenseMatrix: LinearOperator {
    /// y = A x by BLAS `gemv`, into caller storage.
    public func apply(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) {
        gemv(.none, x, into: y)
    }

    /// y = Aᴴ x by BLAS `gemv`.
    public func applyAdjoint(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) {
        gemv(.adjoint, x, into: y)
    }

    /// Y = A X by one BLAS `gemm`.
    public func apply(block x: DenseMatrix<Element>, into y: inout DenseMatrix<Element>) {
        DenseMatrix.gemm(.none, self, .none, x, into: &y)
    }

    /// The selected rows as a dense matrix (every entry of x is read).
    public func restricted(rows selected: [Int]) throws -> RestrictedOperator<Element> {
        try Self.checkRows(selected, of: rows)
        return try RestrictedOperator(rows: selected, sourceIndices: Array(0..<columns), operator: self.rows(selected))
    }
}

extension Matrix {
    /// Aᵀ x as a new array.
    public func applyTransposed(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: columns)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { gemv(.transposed, xp, into: $0) } }
        return y
    }

    /// A x.
    public static func * (a: Matrix, x: [Double]) -> [Double] { a.apply(x) }

    /// The Gram matrix AᵀA by BLAS `dsyrk` (both triangles filled): the correlation matrix of the
    /// method of snapshots.
    public var gram: Matrix {
        var c = Matrix(rows: columns, columns: columns)
        guard columns > 0, rows > 0 else { return c }
        storage.withUnsafeBufferPointer { a in
            c.storage.withUnsafeMutableBufferPointer { cp in
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1,
                            a.baseAddress, Int32(rows), 0, cp.baseAddress, Int32(columns))
            }
        }
        for j in 0..<columns { for i in (j + 1)..<columns { c.storage[i + j * columns] = c.storage[j + i * columns] } }
        return c
    }

    /// s A.
    public static func * (s: Double, a: Matrix) -> Matrix {
        var c = a
        BLAS.scal(s, &c.storage)
        return c
    }
}
