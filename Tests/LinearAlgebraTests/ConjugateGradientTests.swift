import LinearAlgebra
import XCTest

final class ConjugateGradientTests: XCTestCase {
    func testPreconditionedCGMatchesTheDirectSolve() throws {
        // A badly scaled SPD matrix: D L D with D spanning four orders of magnitude.
        let l = SparseMatrix.laplacian2D(30)
        let d = (0..<l.rows).map { pow(10, Double($0 % 5) - 2) }
        var scaled = l
        for i in 0..<l.rows { for k in l.rowPointers[i]..<l.rowPointers[i + 1] { scaled.values[k] *= d[i] * d[l.columnIndices[k]] } }
        let b = (0..<l.rows).map { Double($0 % 7) - 3 }
        let direct = try CholeskyFactorization(scaled).solve(b)
        let (x, report) = try ConjugateGradient(tolerance: 1e-12).solve(scaled, b)
        XCTAssertLessThan(relativeDifference(x, direct), 1e-9)
        XCTAssertLessThan(report.relativeResidual, 1e-12)
        // Jacobi undoes the scaling: as few iterations as on the unscaled matrix, give or take.
        let plain = try ConjugateGradient(tolerance: 1e-12).solve(l, b)
        XCTAssertLessThan(report.iterations, plain.report.iterations * 2)
        // Any LinearOperator preconditions: an exact inverse converges in one iteration.
        var y = [Double](repeating: 0, count: l.rows)
        let exact = try ConjugateGradient(tolerance: 1e-10).solve(scaled, b, x: &y, preconditioner: try CholeskyFactorization(scaled))
        XCTAssertLessThanOrEqual(exact.iterations, 2)
    }

    func testCGReportsNonConvergenceAndBreakdown() throws {
        let l = SparseMatrix.laplacian2D(30)
        let b = [Double](repeating: 1, count: l.rows)
        XCTAssertThrowsError(try ConjugateGradient(tolerance: 1e-12, maxIterations: 3).solve(l, b)) { error in
            guard case .notConverged(_, 3, _)? = error as? LinearAlgebraError else { return XCTFail("unexpected \(error)") }
        }
        let indefinite = SparseMatrix.diagonal([1, -1, 2])
        var x = [0.0, 0, 0]
        XCTAssertThrowsError(try ConjugateGradient().solve(indefinite, [1, 1, 1], x: &x, preconditioner: SparseMatrix.identity(3))) { error in
            guard case .breakdown? = error as? LinearAlgebraError else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertThrowsError(try JacobiPreconditioner(indefinite))
    }
}
