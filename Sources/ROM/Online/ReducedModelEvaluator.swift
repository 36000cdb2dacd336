import LinearAlgebra

/// Answers queries of a `ReducedModel`: for μ, the reduced coefficients u_N(μ), the error bound
/// Δ(μ) = ‖r(μ)‖_{X'}/α_LB(μ) in the X norm, and the outputs with their bounds. All workspace is
/// allocated once here; a query allocates nothing. One evaluator per thread.
public final class ReducedModelEvaluator {
    /// The model.
    public let model: ReducedModel
    /// u_N(μ) of the last query.
    public private(set) var coefficients: [Double]
    /// Δ(μ) of the last query: a bound of ‖u(μ) − V u_N(μ)‖_X.
    public private(set) var errorEstimate = 0.0
    /// ‖r(μ)‖_{X'} of the last query.
    public private(set) var residualNorm = 0.0
    /// α_LB(μ) of the last query.
    public private(set) var coercivityLowerBound = 0.0
    /// s_k(μ) = l_k · V u_N of the last query.
    public private(set) var outputs: [Double]

    private var thetas: [Double]
    private var referenceThetas: [Double]
    private var rhsThetas: [Double]
    private var system: [Double]
    private var pivots: [Int32]
    private var residualCoefficients: [Double]
    private var projected: [Double]

    /// An evaluator with its workspace.
    public init(model: ReducedModel) {
        self.model = model
        let n = model.size, q = model.operatorCoefficients.count, p = model.rightHandSideCoefficients.count
        coefficients = [Double](repeating: 0, count: n)
        outputs = [Double](repeating: 0, count: model.reducedOutputs.count)
        thetas = [Double](repeating: 0, count: q)
        rhsThetas = [Double](repeating: 0, count: p)
        system = [Double](repeating: 0, count: n * n)
        pivots = [Int32](repeating: 0, count: n)
        residualCoefficients = [Double](repeating: 0, count: p + q * n)
        projected = [Double](repeating: 0, count: Swift.max(model.residualCoefficients.rows, p + q * n))
        if case .minTheta(let reference, _) = model.coercivityBound {
            let mu = Parameter(reference)
            referenceThetas = model.operatorCoefficients.map { $0(mu) }
        } else {
            referenceThetas = [Double](repeating: 1, count: q)
        }
    }

    /// The bound of output k's error for the last query: ‖l_k‖_{X'} Δ(μ).
    public func outputBound(_ k: Int) -> Double { model.outputDualNorms[k] * errorEstimate }

    /// Solves the reduced problem at μ and evaluates the estimator and outputs.
    /// - Throws: `ParameterError` for a μ outside the space, a LAPACK error if the reduced matrix is singular.
    public func solve(_ mu: Parameter) throws {
        try model.parameterSpace.validate(mu)
        try mu.values.withUnsafeBufferPointer { try solve($0) }
    }

    /// `solve` for μ given as a buffer of components (not validated against the bounds).
    public func solve(_ mu: UnsafeBufferPointer<Double>) throws {
        let n = model.size, q = thetas.count, p = rhsThetas.count
        for k in 0..<q { thetas[k] = model.operatorCoefficients[k].evaluate(mu) }
        for k in 0..<p { rhsThetas[k] = model.rightHandSideCoefficients[k].evaluate(mu) }
        // A_N(μ) = Σ θ_q A_q^N and f_N(μ) = Σ θ'_p f_p^N.
        try system.withUnsafeMutableBufferPointer { a in
            try coefficients.withUnsafeMutableBufferPointer { u in
                a.update(repeating: 0)
                for k in 0..<q {
                    model.reducedOperators[k].storage.withUnsafeBufferPointer { ak in
                        let theta = thetas[k]
                        for i in 0..<(n * n) { a[i] += theta * ak[i] }
                    }
                }
                u.update(repeating: 0)
                for k in 0..<p {
                    model.reducedRightHandSides[k].withUnsafeBufferPointer { fk in
                        let theta = rhsThetas[k]
                        for i in 0..<n { u[i] += theta * fk[i] }
                    }
                }
                if model.isSymmetric {
                    try InPlaceSolver.solveSPD(a, order: n, u)
                } else {
                    try pivots.withUnsafeMutableBufferPointer { try InPlaceSolver.solveGeneral(a, order: n, u, pivots: $0) }
                }
            }
        }
        residualNorm = evaluateResidualNorm()
        coercivityLowerBound = thetas.withUnsafeBufferPointer { t in
            referenceThetas.withUnsafeBufferPointer { model.coercivityBound.evaluate(thetas: t, referenceThetas: $0) }
        }
        errorEstimate = residualNorm / coercivityLowerBound
        for k in 0..<outputs.count { outputs[k] = BLAS.dot(model.reducedOutputs[k], coefficients) }
    }

    /// ‖r(μ)‖_{X'} from c(μ) = (θ'_p, −θ_q u_n): ‖B c‖₂ or √(cᵀ G c).
    private func evaluateResidualNorm() -> Double {
        let n = model.size, q = thetas.count, p = rhsThetas.count, k = p + q * n
        return residualCoefficients.withUnsafeMutableBufferPointer { c in
            for i in 0..<p { c[i] = rhsThetas[i] }
            for j in 0..<n { for l in 0..<q { c[p + j * q + l] = -thetas[l] * coefficients[j] } }
            return projected.withUnsafeMutableBufferPointer { y in
                switch model.residualNormMethod {
                case .orthonormalized:
                    let rows = model.residualCoefficients.rows
                    let out = UnsafeMutableBufferPointer(rebasing: y[0..<rows])
                    model.residualCoefficients.gemv(.none, UnsafeBufferPointer(c), into: out)
                    return BLAS.nrm2(UnsafeBufferPointer(out))
                case .standard:
                    let out = UnsafeMutableBufferPointer(rebasing: y[0..<k])
                    model.residualGram.gemv(.none, UnsafeBufferPointer(c), into: out)
                    return Swift.max(BLAS.dot(UnsafeBufferPointer(c), UnsafeBufferPointer(out)), 0).squareRoot()
                }
            }
        }
    }
}
