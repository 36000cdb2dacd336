import CLAPACKE

/// The smallest eigenpairs of the symmetric-definite pencil A v = λ B v (A symmetric, B symmetric
/// positive definite) by LAPACK `dsygvx`: B = L Lᵀ (Cholesky), the standard problem
/// L⁻¹ A L⁻ᵀ w = λ w reduced to tridiagonal form, bisection and inverse iteration for the
/// selected eigenvalues, v = L⁻ᵀ w. A may be singular (its null vectors have λ = 0).
public struct GeneralizedSymmetricEigen: Sendable {
    /// The selected eigenvalues, ascending.
    public let values: [Double]
    /// The eigenvectors, one column per eigenvalue, B-orthonormal: Vᵀ B V = I.
    public let vectors: Matrix

    /// The `count` smallest eigenpairs of A v = λ B v (the lower triangles of `a` and `b` are read).
    /// - Throws: `LinearAlgebraError.notSquare` or `.dimensionMismatch` for bad shapes,
    ///   `.notFinite` for NaN or infinite entries, `.notPositiveDefinite` when B is not positive
    ///   definite (the column of its first non-positive pivot, 0-based), `.lapack` when inverse
    ///   iteration fails to converge.
    public init(_ a: Matrix, _ b: Matrix, smallest count: Int) throws {
        try a.checkSquare()
        try b.checkSquare()
        guard a.rows == b.rows else {
            throw LinearAlgebraError.dimensionMismatch(what: "GeneralizedSymmetricEigen B", expected: "\(a.rows)×\(a.rows)",
                                                       found: "\(b.rows)×\(b.columns)")
        }
        try a.checkFinite("GeneralizedSymmetricEigen A")
        try b.checkFinite("GeneralizedSymmetricEigen B")
        let n = a.rows, k = Swift.max(0, Swift.min(count, n))
        guard k > 0 else {
            values = []
            vectors = Matrix(rows: n, columns: 0)
            return
        }
        var aWork = a.storage, bWork = b.storage
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * k)
        var ifail = [romkit_lapack_int](repeating: 0, count: n)
        var found: romkit_lapack_int = 0
        let info = LAPACKE_dsygvx(LAPACK_COL_MAJOR, 1, lapackChar("V"), lapackChar("I"), lapackChar("L"), romkit_lapack_int(n),
                                  &aWork, a.leadingDimension, &bWork, b.leadingDimension, 0, 0, 1, romkit_lapack_int(k),
                                  2 * LAPACKE_dlamch(lapackChar("S")), &found, &w, &z, romkit_lapack_int(n), &ifail)
        if info > n { throw LinearAlgebraError.notPositiveDefinite(column: Int(info) - n - 1, routine: "LAPACK dsygvx (B)") }
        try checkLAPACK(info, "dsygvx")
        values = Array(w.prefix(Int(found)))
        vectors = Matrix(rows: n, columns: Int(found), storage: Array(z.prefix(n * Int(found))))
    }
}
