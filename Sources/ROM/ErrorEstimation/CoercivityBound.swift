import LinearAlgebra

/// A lower bound α_LB(μ) of the coercivity constant α(μ) = inf_v a(v, v; μ) / ‖v‖²_X: the
/// denominator of the error bound Δ(μ) = ‖r(μ)‖_{X'} / α_LB(μ). Stored in the online model.
public enum CoercivityBound: Sendable, Equatable, Codable {
    /// α_LB = c for every μ.
    case constant(Double)
    /// The min-θ bound (Patera–Rozza): α_LB(μ) = α(μ̄) · min_q θ_q(μ) / θ_q(μ̄), valid when every
    /// A_q is positive semidefinite and every θ_q positive (the thermal block). When X is the
    /// energy product at μ̄, α(μ̄) = 1.
    case minTheta(reference: [Double], referenceConstant: Double)

    /// α_LB(μ) given θ_q(μ) and θ_q(μ̄) (for `minTheta`).
    @inlinable
    public func evaluate(thetas: UnsafeBufferPointer<Double>, referenceThetas: UnsafeBufferPointer<Double>) -> Double {
        switch self {
        case .constant(let c): return c
        case .minTheta(_, let alpha):
            var ratio = Double.infinity
            for q in 0..<thetas.count { ratio = Swift.min(ratio, thetas[q] / referenceThetas[q]) }
            return alpha * ratio
        }
    }

    /// The smallest eigenvalue λ of A v = λ X v (A, X SPD), by inverse iteration with Rayleigh
    /// quotients on CHOLMOD factors: α(μ̄) for `minTheta` when X is not A(μ̄).
    ///
    /// The Rayleigh quotient approaches λ_min from above; the returned value is divided by
    /// (1 + `tolerance`)·(1 + 1e-8) so that it stays below it to the accuracy reached.
    public static func smallestGeneralizedEigenvalue(_ a: SparseMatrix, _ x: SparseMatrix, tolerance: Double = 1e-10,
                                                     maxIterations: Int = 500) throws -> Double {
        let solver = try CholeskyFactorization(a)
        var v = (0..<a.rows).map { 1 + 0.1 * Double($0 % 7) }
        var lambda = Double.infinity
        for _ in 0..<maxIterations {
            let w = try solver.solve(x.apply(v))  // A⁻¹ X v
            let xw = x.apply(w)
            let next = BLAS.dot(w, a.apply(w)) / BLAS.dot(w, xw)
            let norm = Swift.max(BLAS.dot(w, xw), 0).squareRoot()
            v = w.map { $0 / norm }
            if abs(next - lambda) <= tolerance * abs(next) {
                return next / ((1 + tolerance) * (1 + 1e-8))
            }
            lambda = next
        }
        throw LinearAlgebraError.notConverged(solver: "inverse iteration (coercivity constant)", iterations: maxIterations,
                                              relativeResidual: .nan)
    }
}
