import LinearAlgebra

/// A lower bound α_LB(μ) of the stability constant of A(μ) (the coercivity constant
/// α(μ) = inf_v a(v, v; μ)/‖v‖²_X, or an inf-sup constant): the denominator of the error bound
/// Δ(μ) = ‖r(μ)‖_{X'} / α_LB(μ). The seam where the bound of a model is chosen: `CoercivityBound`
/// (constant, min-θ: storable in a model file) conforms; a successive constraint method or an
/// interpolated β(μ) is another conforming type.
public protocol StabilityLowerBound: Sendable {
    /// The parameter μ̄ whose coefficients θ(μ̄) the bound reads (min-θ), or nil.
    var referenceParameter: [Double]? { get }
    /// α_LB(μ) from μ, θ(μ) and θ(μ̄) (θ(μ̄) all ones without a reference); no allocation.
    func evaluate(mu: UnsafeBufferPointer<Double>, thetas: UnsafeBufferPointer<Double>,
                  referenceThetas: UnsafeBufferPointer<Double>) -> Double
    /// The bound as text, for `rom info` and reports.
    var summary: String { get }
}

/// A lower bound α_LB(μ) of the coercivity constant α(μ) = inf_v a(v, v; μ) / ‖v‖²_X: the
/// denominator of the error bound Δ(μ) = ‖r(μ)‖_{X'} / α_LB(μ). Stored in the online model.
public enum CoercivityBound: StabilityLowerBound, Equatable, Codable {
    /// α_LB = c for every μ.
    case constant(Double)
    /// The min-θ bound (Patera–Rozza): α_LB(μ) = α(μ̄) · min_q θ_q(μ) / θ_q(μ̄), valid when every
    /// A_q is positive semidefinite and every θ_q positive (the thermal block). When X is the
    /// energy product at μ̄, α(μ̄) = 1.
    case minTheta(reference: [Double], referenceConstant: Double)

    /// μ̄ for `minTheta`, else nil.
    public var referenceParameter: [Double]? {
        if case .minTheta(let reference, _) = self { return reference }
        return nil
    }

    /// `evaluate(thetas:referenceThetas:)`: the bound reads θ only.
    public func evaluate(mu: UnsafeBufferPointer<Double>, thetas: UnsafeBufferPointer<Double>,
                         referenceThetas: UnsafeBufferPointer<Double>) -> Double {
        evaluate(thetas: thetas, referenceThetas: referenceThetas)
    }

    /// "constant: α_LB(μ) = c" or "min-θ: α_LB(μ) = α(μ̄) · min_q θ_q(μ)/θ_q(μ̄), μ̄ = (…)".
    public var summary: String {
        switch self {
        case .constant(let c): return "constant: α_LB(μ) = \(c)"
        case let .minTheta(reference, alpha):
            return "min-θ: α_LB(μ) = \(alpha) · min_q θ_q(μ)/θ_q(μ̄), μ̄ = (" + reference.map { "\($0)" }.joined(separator: ", ") + ")"
        }
    }

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

    /// The smallest eigenvalue λ of A v = λ X v (A, X SPD): α(μ̄) for `minTheta` when X is not
    /// A(μ̄). Lanczos with full reorthogonalization on A⁻¹X, which is symmetric in the X inner
    /// product; its largest Ritz value θ gives λ_min = 1/θ. Each step is one CHOLMOD solve.
    ///
    /// The Ritz value approaches from below, so 1/θ approaches λ_min from above; the result is
    /// divided by 1 + `tolerance` so that it stays below it to the accuracy reached.
    public static func smallestGeneralizedEigenvalue(_ a: SparseMatrix, _ x: SparseMatrix, tolerance: Double = 1e-10,
                                                     maxIterations: Int = 300) throws -> Double {
        let n = a.rows
        let solver = try CholeskyFactorization(a)
        let product = InnerProduct.weighted(by: x)
        var basis = OrthonormalBasis(dimension: n, innerProduct: product)
        basis.append((0..<n).map { 1 + 0.1 * Double($0 % 7) })
        var alphas: [Double] = [], betas: [Double] = []
        var largest = 0.0
        for step in 0..<min(maxIterations, n) {
            let w = try solver.solve(x.apply(basis.vectors.column(step)))  // A⁻¹ X v_step
            // Full reorthogonalization: the coefficients of w are (…, β_{k-1}, α_k) and the remainder.
            let c = basis.append(w, relativeTolerance: 1e-13)
            alphas.append(c[step])
            let beta = c.count > step + 1 ? c[step + 1] : 0
            var t = Matrix(rows: alphas.count, columns: alphas.count)
            for i in 0..<alphas.count { t[i, i] = alphas[i] }
            for i in 0..<betas.count { t[i, i + 1] = betas[i]; t[i + 1, i] = betas[i] }
            let eigen = try SymmetricEigen(t, indices: (alphas.count - 1)..<alphas.count)
            largest = eigen.values[0]
            // Residual of the Ritz pair: |β s_last|.
            let residual = abs(beta * eigen.vectors[alphas.count - 1, 0])
            if residual <= tolerance * largest || beta == 0 {
                return 1 / largest / (1 + tolerance)
            }
            betas.append(beta)
        }
        throw LinearAlgebraError.notConverged(solver: "Lanczos (coercivity constant)", iterations: maxIterations,
                                              relativeResidual: .nan)
    }
}
