import CLAPACKE

/// The thin singular value decomposition A = U Σ Vᵀ of an m×n matrix by LAPACK `dgesdd`
/// (divide and conquer), with k = min(m, n): U is m×k, Σ has k values in decreasing order, Vᵀ is k×n.
public struct ThinSVD: Sendable {
    /// Left singular vectors (m×k, orthonormal columns).
    public let u: Matrix
    /// Singular values, decreasing.
    public let singularValues: [Double]
    /// Right singular vectors, transposed (k×n, orthonormal rows).
    public let vt: Matrix

    /// Factors `a`. Throws `notFinite` for NaN/inf input, `lapack` when the iteration fails to converge.
    public init(_ a: Matrix) throws {
        try a.checkFinite("ThinSVD input")
        let m = a.rows, n = a.columns, k = Swift.min(m, n)
        var work = a.storage
        var s = [Double](repeating: 0, count: k)
        var u = Matrix(rows: m, columns: k)
        var vt = Matrix(rows: k, columns: n)
        if k > 0 {
            let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, lapackChar("S"), romkit_lapack_int(m), romkit_lapack_int(n),
                                      &work, a.leadingDimension, &s, &u.storage, romkit_lapack_int(Swift.max(m, 1)),
                                      &vt.storage, romkit_lapack_int(Swift.max(k, 1)))
            try checkLAPACK(info, "dgesdd")
        }
        self.u = u
        self.singularValues = s
        self.vt = vt
    }

    /// U Σ Vᵀ (for checks).
    public var reconstruction: Matrix {
        var us = u
        for j in 0..<singularValues.count {
            for i in 0..<u.rows { us[i, j] *= singularValues[j] }
        }
        return us * vt
    }
}
