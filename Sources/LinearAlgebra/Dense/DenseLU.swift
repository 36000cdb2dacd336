import CBLAS
import CLAPACKE

/// LU factorization with partial pivoting, P A = L U, by LAPACK `dgetrf`; solves by `dgetrs`.
public struct DenseLU: Sendable {
    /// L (unit lower, below the diagonal) and U (upper) packed in one matrix.
    public let factors: Matrix
    /// LAPACK's 1-based row interchanges.
    let pivots: [romkit_lapack_int]

    /// Factors the square matrix `a`; throws `singular(pivot:)` (0-based) on an exactly zero pivot.
    public init(_ a: Matrix) throws {
        try a.checkSquare()
        try a.checkFinite("DenseLU input")
        var f = a
        var ipiv = [romkit_lapack_int](repeating: 0, count: Swift.max(a.rows, 1))
        if a.rows > 0 {
            let info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, romkit_lapack_int(a.rows), romkit_lapack_int(a.columns),
                                      &f.storage, a.leadingDimension, &ipiv)
            if info > 0 { throw LinearAlgebraError.singular(pivot: Int(info) - 1, routine: "LAPACK dgetrf") }
            try checkLAPACK(info, "dgetrf")
        }
        factors = f
        pivots = ipiv
    }

    /// Solves A X = B (or Aᵀ X = B) for the columns of `b`.
    public func solve(_ b: Matrix, transpose: Transpose = .none) throws -> Matrix {
        precondition(b.rows == factors.rows, "DenseLU.solve: right-hand side has \(b.rows) rows, matrix \(factors.rows)")
        var x = b
        guard b.rows > 0, b.columns > 0 else { return x }
        try checkLAPACK(LAPACKE_dgetrs(LAPACK_COL_MAJOR, lapackChar(transpose == .none ? "N" : "T"),
                                       romkit_lapack_int(factors.rows), romkit_lapack_int(b.columns), factors.storage, factors.leadingDimension,
                                       pivots, &x.storage, b.leadingDimension), "dgetrs")
        return x
    }

    /// Solves A x = b.
    public func solve(_ b: [Double], transpose: Transpose = .none) throws -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, storage: b), transpose: transpose).storage
    }

    /// Solves A x = b in place (`b` in, x out) with the stored factors: the row interchanges, then
    /// two BLAS-2 triangular solves (`dtrsv`). No allocation: the online solve of a factorization
    /// made offline. `b` holds at least the order's entries.
    public func solve(inPlace b: UnsafeMutableBufferPointer<Double>) {
        let n = factors.rows
        precondition(b.count >= n, "DenseLU.solve(inPlace:): \(b.count) entries for order \(n)")
        guard n > 0 else { return }
        for i in 0..<n {
            let p = Int(pivots[i]) - 1
            if p != i { b.swapAt(i, p) }
        }
        factors.storage.withUnsafeBufferPointer { f in
            cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasUnit, Int32(n), f.baseAddress, Int32(n), b.baseAddress, 1)
            cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(n), f.baseAddress, Int32(n), b.baseAddress, 1)
        }
    }
}
