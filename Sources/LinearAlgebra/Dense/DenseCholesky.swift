import Foundation
import CLAPACKE

/// Cholesky factorization A = L Lᵀ of a symmetric positive definite matrix by LAPACK `dpotrf`.
public struct DenseCholesky: Sendable {
    /// The lower-triangular factor L (upper triangle zero).
    public let l: Matrix

    /// Factors `a` (its lower triangle is read); throws `notPositiveDefinite(column:)` (0-based).
    public init(_ a: Matrix) throws {
        try a.checkSquare()
        try a.checkFinite("DenseCholesky input")
        var f = a
        if a.rows > 0 {
            let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, lapackChar("L"), romkit_lapack_int(a.rows), &f.storage, a.leadingDimension)
            if info > 0 { throw LinearAlgebraError.notPositiveDefinite(column: Int(info) - 1, routine: "LAPACK dpotrf") }
            try checkLAPACK(info, "dpotrf")
        }
        for j in 0..<a.columns { for i in 0..<j { f[i, j] = 0 } }
        l = f
    }

    /// log det A = 2 Σ log L_ii.
    public var logDeterminant: Double {
        (0..<l.rows).reduce(0) { $0 + 2 * Foundation.log(l[$1, $1]) }
    }

    /// Solves A X = B for the columns of `b` by `dpotrs`.
    public func solve(_ b: Matrix) throws -> Matrix {
        precondition(b.rows == l.rows, "DenseCholesky.solve: right-hand side has \(b.rows) rows, matrix \(l.rows)")
        var x = b
        guard b.rows > 0, b.columns > 0 else { return x }
        try checkLAPACK(LAPACKE_dpotrs(LAPACK_COL_MAJOR, lapackChar("L"), romkit_lapack_int(l.rows), romkit_lapack_int(b.columns),
                                       l.storage, l.leadingDimension, &x.storage, b.leadingDimension), "dpotrs")
        return x
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, storage: b)).storage
    }
}
