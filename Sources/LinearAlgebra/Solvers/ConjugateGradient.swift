/// The preconditioned conjugate gradient method for symmetric positive definite systems
/// (Hestenes–Stiefel), with any `LinearOperator` as operator and as preconditioner M⁻¹ ≈ A⁻¹
/// (a `JacobiPreconditioner`, or a `CholeskyFactorization` of a nearby matrix).
///
/// Stops when ‖b − A x‖₂ ≤ `tolerance` ‖b‖₂; throws `notConverged` at `maxIterations` and
/// `breakdown` when a search direction has non-positive curvature (A or M not SPD).
public struct ConjugateGradient: Sendable {
    /// Relative residual at which the iteration stops.
    public var tolerance: Double
    /// Iteration limit.
    public var maxIterations: Int

    /// What a solve returns besides the solution.
    public struct Report: Sendable {
        /// Iterations done.
        public let iterations: Int
        /// Final ‖b − A x‖₂ / ‖b‖₂ (recurrence value).
        public let relativeResidual: Double
    }

    /// A solver with the given stopping rule.
    public init(tolerance: Double = 1e-10, maxIterations: Int = 10_000) {
        precondition(tolerance > 0 && maxIterations > 0, "ConjugateGradient: tolerance and maxIterations must be positive")
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Solves A x = b starting from `x` (zero by default), overwriting `x`.
    @discardableResult
    public func solve<Operator: LinearOperator, Preconditioner: LinearOperator>(
        _ a: Operator, _ b: [Double], x: inout [Double], preconditioner: Preconditioner
    ) throws -> Report where Operator.Element == Double, Preconditioner.Element == Double {
        let n = b.count
        precondition(a.rows == n && a.columns == n && x.count == n && preconditioner.rows == n,
                     "ConjugateGradient: operator \(a.rows)×\(a.columns), b \(n), x \(x.count), preconditioner \(preconditioner.rows)")
        try checkFinite(b, "right-hand side")
        let normB = BLAS.nrm2(b)
        if normB == 0 {
            for i in 0..<n { x[i] = 0 }
            return Report(iterations: 0, relativeResidual: 0)
        }
        var r = [Double](repeating: 0, count: n)
        var z = r, p = r, q = r
        a.apply(x, into: &q)
        for i in 0..<n { r[i] = b[i] - q[i] }
        preconditioner.apply(r, into: &z)
        p = z
        var rz = BLAS.dot(r, z)
        var residual = BLAS.nrm2(r) / normB
        var iteration = 0
        while residual > tolerance {
            if iteration == maxIterations {
                throw LinearAlgebraError.notConverged(solver: "ConjugateGradient", iterations: iteration, relativeResidual: residual)
            }
            iteration += 1
            a.apply(p, into: &q)
            let curvature = BLAS.dot(p, q)
            guard curvature > 0, rz > 0 else {
                throw LinearAlgebraError.breakdown(solver: "ConjugateGradient", iteration: iteration,
                                                   detail: "pᵀAp = \(curvature), rᵀM⁻¹r = \(rz): the operator or the preconditioner is not SPD")
            }
            let alpha = rz / curvature
            BLAS.axpy(alpha, p, &x)
            BLAS.axpy(-alpha, q, &r)
            residual = BLAS.nrm2(r) / normB
            if !residual.isFinite {
                throw LinearAlgebraError.breakdown(solver: "ConjugateGradient", iteration: iteration, detail: "the residual is not finite")
            }
            preconditioner.apply(r, into: &z)
            let rzNext = BLAS.dot(r, z)
            let beta = rzNext / rz
            rz = rzNext
            for i in 0..<n { p[i] = z[i] + beta * p[i] }
        }
        return Report(iterations: iteration, relativeResidual: residual)
    }

    /// Solves A x = b from x = 0 with the Jacobi preconditioner of `a`.
    public func solve(_ a: SparseMatrix, _ b: [Double]) throws -> (x: [Double], report: Report) {
        var x = [Double](repeating: 0, count: b.count)
        let report = try solve(a, b, x: &x, preconditioner: try JacobiPreconditioner(a))
        return (x, report)
    }
}
