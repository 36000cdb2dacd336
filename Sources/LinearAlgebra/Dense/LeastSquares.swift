import CLAPACKE

/// The minimum-norm least-squares solution of min ‖A X − B‖ by LAPACK `dgelsd` (SVD-based, handles
/// rank deficiency): singular values below `rcond · σ_max` are treated as zero.
public struct LeastSquares: Sendable {
    /// The solution, n×(columns of B).
    public let solution: Matrix
    /// The effective rank of A.
    public let rank: Int
    /// The singular values of A, decreasing.
    public let singularValues: [Double]

    /// Solves for the columns of `b` (b.rows == a.rows).
    public init(_ a: Matrix, _ b: Matrix, rcond: Double = -1) throws {
        precondition(a.rows == b.rows, "LeastSquares: A has \(a.rows) rows, B has \(b.rows)")
        try a.checkFinite("LeastSquares matrix")
        try b.checkFinite("LeastSquares right-hand side")
        let m = a.rows, n = a.columns, nrhs = b.columns, ldb = Swift.max(m, n, 1)
        var work = a.storage
        var rhs = [Double](repeating: 0, count: ldb * nrhs)
        for j in 0..<nrhs { for i in 0..<m { rhs[i + j * ldb] = b[i, j] } }
        var s = [Double](repeating: 0, count: Swift.max(Swift.min(m, n), 1))
        var rank: romkit_lapack_int = 0
        if m > 0 && n > 0 && nrhs > 0 {
            let info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, romkit_lapack_int(m), romkit_lapack_int(n), romkit_lapack_int(nrhs),
                                      &work, a.leadingDimension, &rhs, romkit_lapack_int(ldb), &s, rcond, &rank)
            try checkLAPACK(info, "dgelsd")
        }
        var x = Matrix(rows: n, columns: nrhs)
        for j in 0..<nrhs { for i in 0..<n { x[i, j] = rhs[i + j * ldb] } }
        solution = x
        self.rank = Int(rank)
        singularValues = Array(s.prefix(Swift.min(m, n)))
    }

    /// Solves min ‖A x − b‖ for one vector.
    public static func solve(_ a: Matrix, _ b: [Double], rcond: Double = -1) throws -> [Double] {
        try LeastSquares(a, Matrix(rows: b.count, columns: 1, storage: b), rcond: rcond).solution.storage
    }
}
