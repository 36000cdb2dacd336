import CBLAS
import CLAPACKE

/// Dense solves on caller storage with no allocation, for the small systems an online reduced
/// model solves per query (LAPACK `dposv`, `dgesv` through their `_work` entry points).
public enum InPlaceSolver {
    /// Solves A x = b for symmetric positive definite A (column-major n×n, lower triangle read):
    /// `a` is overwritten by its Cholesky factor and `b` by x. Throws `notPositiveDefinite(column:)`.
    public static func solveSPD(_ a: UnsafeMutableBufferPointer<Double>, order n: Int, _ b: UnsafeMutableBufferPointer<Double>) throws {
        precondition(a.count >= n * n && b.count >= n, "InPlaceSolver.solveSPD: buffers too small for order \(n)")
        guard n > 0 else { return }
        let info = Double.posv(n: n, a: a.baseAddress!, b: b.baseAddress!)
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(column: info - 1, routine: "LAPACK dpotrf") }
        try checkLAPACK(romkit_lapack_int(info), "dpotrf")
    }

    /// Solves A x = b for a general A (column-major n×n) by LU with partial pivoting: `a` is
    /// overwritten by its factors, `b` by x; `pivots` holds n entries of workspace.
    public static func solveGeneral(_ a: UnsafeMutableBufferPointer<Double>, order n: Int, _ b: UnsafeMutableBufferPointer<Double>,
                                    pivots: UnsafeMutableBufferPointer<Int32>) throws {
        precondition(a.count >= n * n && b.count >= n && pivots.count >= n, "InPlaceSolver.solveGeneral: buffers too small for order \(n)")
        guard n > 0 else { return }
        let info = Double.gesv(n: n, nrhs: 1, a: a.baseAddress!, b: b.baseAddress!, pivots: pivots.baseAddress!)
        if info > 0 { throw LinearAlgebraError.singular(pivot: info - 1, routine: "LAPACK dgesv") }
        try checkLAPACK(romkit_lapack_int(info), "dgesv")
    }
}
