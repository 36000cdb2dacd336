import CLAPACKE

extension Matrix {
    /// Replaces the columns (m×n, m ≥ n) by the Q of their thin Householder QR factorization
    /// A = Q R (no pivoting): n orthonormal columns whose first j span the first j columns of A.
    /// Householder QR is orthonormal to round-off whatever the conditioning of A; a dependent column
    /// gives a direction orthogonal to the others.
    ///
    /// LAPACK's recursive `dgeqrt3` (Elmroth–Gustavson: the reflectors of each half applied to the
    /// other by `dgemm`/`dtrmm`) and `dgemqrt` applied to [I; 0] form Q with level-3 BLAS: on a
    /// tall block of a few dozen columns `dgeqrf`/`dorgqr` run their unblocked, level-2 panel
    /// (one pass over the block per column), several times slower.
    /// - Throws: `notFinite` for NaN or infinite entries, `dimensionMismatch` for a wide matrix,
    ///   and LAPACK failures.
    public mutating func orthonormalizeColumns() throws {
        guard columns > 0 else { return }
        guard rows >= columns else {
            throw LinearAlgebraError.dimensionMismatch(what: "matrix to orthonormalize", expected: "at least \(columns) rows",
                                                       found: "\(rows)")
        }
        try checkFinite("Householder orthonormalization input")
        let m = romkit_lapack_int(rows), n = romkit_lapack_int(columns), ld = leadingDimension
        var t = [Double](repeating: 0, count: columns * columns)
        var q = Matrix(rows: rows, columns: columns)
        for i in 0..<columns { q.storage[i + i * rows] = 1 }
        var work = [Double](repeating: 0, count: columns * columns)
        try storage.withUnsafeMutableBufferPointer { a in
            // The `_work` interfaces: LAPACKE's NaN scans would read the block three more times.
            try checkLAPACK(LAPACKE_dgeqrt3_work(LAPACK_COL_MAJOR, m, n, a.baseAddress, ld, &t, n), "dgeqrt3")
            try q.storage.withUnsafeMutableBufferPointer { c in
                try checkLAPACK(LAPACKE_dgemqrt_work(LAPACK_COL_MAJOR, lapackChar("L"), lapackChar("N"), m, n, n, n,
                                                     a.baseAddress, ld, t, n, c.baseAddress, ld, &work), "dgemqrt")
            }
        }
        self = q
    }
}
