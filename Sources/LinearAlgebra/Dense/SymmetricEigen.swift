import CLAPACKE

/// Eigenvalues and eigenvectors of a real symmetric matrix by LAPACK `dsyevr` (MRRR), all of them or
/// those with indices in a selected range (ascending order, 0-based).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, ascending.
    public let values: [Double]
    /// Orthonormal eigenvectors, one column per eigenvalue (empty when not requested).
    public let vectors: Matrix

    /// Decomposes the symmetric matrix `a` (its lower triangle is read).
    /// - Parameters:
    ///   - indices: the eigenvalues to compute, by ascending position (e.g. `n-5..<n` for the five
    ///     largest); nil for all.
    ///   - computeVectors: whether to compute eigenvectors.
    public init(_ a: Matrix, indices: Range<Int>? = nil, computeVectors: Bool = true) throws {
        try a.checkSquare()
        try a.checkFinite("SymmetricEigen input")
        let n = a.rows
        let range = indices ?? 0..<n
        precondition(range.lowerBound >= 0 && range.upperBound <= n, "SymmetricEigen: indices \(range) outside 0..<\(n)")
        let count = range.count
        var work = a.storage
        var w = [Double](repeating: 0, count: Swift.max(n, 1))
        var z = Matrix(rows: computeVectors ? n : 0, columns: computeVectors ? count : 0)
        var zStorage = [Double](repeating: 0, count: computeVectors ? n * Swift.max(count, 1) : 1)
        var isuppz = [romkit_lapack_int](repeating: 0, count: 2 * Swift.max(count, 1))
        var found: romkit_lapack_int = 0
        if count > 0 {
            let all = indices == nil
            let info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, lapackChar(computeVectors ? "V" : "N"), lapackChar(all ? "A" : "I"),
                                      lapackChar("L"), romkit_lapack_int(n), &work, a.leadingDimension, 0, 0,
                                      romkit_lapack_int(range.lowerBound + 1), romkit_lapack_int(range.upperBound),
                                      LAPACKE_dlamch(lapackChar("S")), &found, &w, &zStorage,
                                      romkit_lapack_int(Swift.max(n, 1)), &isuppz)
            try checkLAPACK(info, "dsyevr")
        }
        if computeVectors { z = Matrix(rows: n, columns: count, storage: Array(zStorage.prefix(n * count))) }
        self.values = Array(w.prefix(count))
        self.vectors = z
    }
}
