import CLAPACKE

/// QR with column pivoting, A P = Q R, by LAPACK `dgeqp3`: the column chosen at step k has the
/// largest remaining norm, which is what Q-DEIM uses to select interpolation points.
public struct PivotedQR: Sendable {
    /// The column order: `permutation[k]` is the column of A that became column k (0-based).
    public let permutation: [Int]
    /// The upper-triangular (trapezoidal) factor R, min(m, n)×n, |R_kk| decreasing.
    public let r: Matrix
    /// The orthonormal factor Q, m×min(m, n).
    public let q: Matrix

    /// Factors `a`.
    public init(_ a: Matrix) throws {
        try a.checkFinite("PivotedQR input")
        let m = a.rows, n = a.columns, k = Swift.min(m, n)
        var work = a.storage
        var jpvt = [romkit_lapack_int](repeating: 0, count: Swift.max(n, 1))
        var tau = [Double](repeating: 0, count: Swift.max(k, 1))
        if k > 0 {
            try checkLAPACK(LAPACKE_dgeqp3(LAPACK_COL_MAJOR, romkit_lapack_int(m), romkit_lapack_int(n), &work,
                                           a.leadingDimension, &jpvt, &tau), "dgeqp3")
        }
        var r = Matrix(rows: k, columns: n)
        for j in 0..<n { for i in 0..<Swift.min(j + 1, k) { r[i, j] = work[i + j * m] } }
        var qStorage = Array(work.prefix(m * k))
        if k > 0 {
            try checkLAPACK(LAPACKE_dorgqr(LAPACK_COL_MAJOR, romkit_lapack_int(m), romkit_lapack_int(k), romkit_lapack_int(k),
                                           &qStorage, a.leadingDimension, &tau), "dorgqr")
        }
        self.permutation = n > 0 ? jpvt.map { Int($0) - 1 } : []
        self.r = r
        self.q = Matrix(rows: m, columns: k, storage: qStorage)
    }
}
