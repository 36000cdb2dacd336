import CBLAS

extension Matrix: LinearOperator {
    /// y = A x by BLAS `dgemv`, into caller storage.
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        gemv(.none, x, into: y)
    }

    /// y = Aᵀ x by BLAS `dgemv`.
    public func applyAdjoint(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        gemv(.transposed, x, into: y)
    }

    /// Y = A X by one BLAS `dgemm`.
    public func apply(block x: Matrix, into y: inout Matrix) {
        Matrix.gemm(.none, self, .none, x, into: &y)
    }

    /// The selected rows as a dense matrix (every entry of x is read).
    public func restricted(rows selected: [Int]) throws -> RestrictedOperator {
        try Self.checkRows(selected, of: rows)
        return try RestrictedOperator(rows: selected, sourceIndices: Array(0..<columns), operator: self.rows(selected))
    }

    /// y ← α op(A) x + β y by BLAS `dgemv` (op = identity or transpose), into caller storage.
    public func gemv(_ transpose: Transpose, _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>,
                     alpha: Double = 1, beta: Double = 0) {
        let (outLength, inLength) = transpose == .none ? (rows, columns) : (columns, rows)
        precondition(x.count == inLength && y.count == outLength,
                     "Matrix.gemv: \(rows)×\(columns) matrix (\(transpose)), x has \(x.count) entries, y \(y.count)")
        if outLength == 0 { return }
        if inLength == 0 { BLAS.scal(beta, y); return }
        storage.withUnsafeBufferPointer { a in
            cblas_dgemv(CblasColMajor, transpose.cblas, Int32(rows), Int32(columns), alpha, a.baseAddress,
                        Int32(Swift.max(rows, 1)), x.baseAddress, 1, beta, y.baseAddress, 1)
        }
    }

    /// Aᵀ x as a new array.
    public func applyTransposed(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: columns)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { gemv(.transposed, xp, into: $0) } }
        return y
    }

    /// C ← α op(A) op(B) + β C by BLAS `dgemm`, with C provided by the caller.
    public static func gemm(_ ta: Transpose, _ a: Matrix, _ tb: Transpose, _ b: Matrix, into c: inout Matrix,
                            alpha: Double = 1, beta: Double = 0) {
        let (m, k) = ta == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = tb == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(k == kb && c.rows == m && c.columns == n,
                     "Matrix.gemm: op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.columns)")
        if m == 0 || n == 0 { return }
        if k == 0 { c.storage.withUnsafeMutableBufferPointer { BLAS.scal(beta, $0) }; return }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(CblasColMajor, ta.cblas, tb.cblas, Int32(m), Int32(n), Int32(k), alpha,
                                ap.baseAddress, Int32(Swift.max(a.rows, 1)), bp.baseAddress, Int32(Swift.max(b.rows, 1)),
                                beta, cp.baseAddress, Int32(Swift.max(m, 1)))
                }
            }
        }
    }

    /// op(A) op(B) as a new matrix.
    public static func product(_ ta: Transpose, _ a: Matrix, _ tb: Transpose, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: ta == .none ? a.rows : a.columns, columns: tb == .none ? b.columns : b.rows)
        gemm(ta, a, tb, b, into: &c)
        return c
    }

    /// A B.
    public static func * (a: Matrix, b: Matrix) -> Matrix { product(.none, a, .none, b) }

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

    /// A + B.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "Matrix +: \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns)")
        var c = a
        BLAS.axpy(1, b.storage, &c.storage)
        return c
    }

    /// A − B.
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "Matrix -: \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns)")
        var c = a
        BLAS.axpy(-1, b.storage, &c.storage)
        return c
    }

    /// s A.
    public static func * (s: Double, a: Matrix) -> Matrix {
        var c = a
        BLAS.scal(s, &c.storage)
        return c
    }
}
