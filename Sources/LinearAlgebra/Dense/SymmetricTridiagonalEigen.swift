import CLAPACKE

/// Eigenvalues and eigenvectors of a real symmetric tridiagonal matrix by LAPACK `dstev`
/// (implicit QL/QR): the small eigenproblem of a Lanczos process (Gauss quadrature nodes and
/// weights, stochastic Lanczos quadrature).
public struct SymmetricTridiagonalEigen: Sendable {
    /// Eigenvalues, ascending.
    public let values: [Double]
    /// Orthonormal eigenvectors, one column per eigenvalue (empty when not requested).
    public let vectors: Matrix

    /// Decomposes the tridiagonal matrix with `diagonal` (n entries) and `offDiagonal` (n − 1
    /// entries).
    /// - Throws: `dimensionMismatch` for an off-diagonal of the wrong length, `notFinite`,
    ///   `notConverged` when LAPACK's iteration fails.
    public init(diagonal: [Double], offDiagonal: [Double], computeVectors: Bool = true) throws {
        let n = diagonal.count
        guard offDiagonal.count == Swift.max(n - 1, 0) else {
            throw LinearAlgebraError.dimensionMismatch(what: "tridiagonal off-diagonal", expected: "\(Swift.max(n - 1, 0))",
                                                       found: "\(offDiagonal.count)")
        }
        if let k = diagonal.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.notFinite(what: "tridiagonal diagonal", index: k)
        }
        if let k = offDiagonal.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.notFinite(what: "tridiagonal off-diagonal", index: k)
        }
        var d = diagonal
        var e = offDiagonal + [0]
        var z = [Double](repeating: 0, count: computeVectors ? Swift.max(n * n, 1) : 1)
        if n > 0 {
            let info = LAPACKE_dstev(LAPACK_COL_MAJOR, lapackChar(computeVectors ? "V" : "N"), romkit_lapack_int(n),
                                     &d, &e, &z, romkit_lapack_int(Swift.max(n, 1)))
            if info > 0 {
                throw LinearAlgebraError.notConverged(solver: "LAPACK dstev", iterations: Int(info), relativeResidual: .nan)
            }
            try checkLAPACK(info, "dstev")
        }
        values = d
        vectors = computeVectors ? Matrix(rows: n, columns: n, storage: Array(z.prefix(n * n))) : Matrix(rows: 0, columns: 0)
    }
}
