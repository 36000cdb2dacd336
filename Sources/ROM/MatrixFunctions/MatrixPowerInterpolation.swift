import EIM
import Foundation
import LinearAlgebra

/// Nonintrusive matrix functions of an affine SPD matrix A(μ) = Σ_q θ_q(μ) A_q by an empirical
/// interpolation of its powers, after Casenave, Akkari, Charles, Rey, "Nonintrusive approximation
/// of parametrized limits of matrix power algorithms – application to matrix inverses and
/// log-determinants" (arXiv 1710.02488). The steps below are our reconstruction of the method
/// (*derived*: the tests check the interpolation property and the bounds against dense values).
///
/// 1. Scale: α ≥ max_μ λ_max(A(μ)) (Gershgorin, α = max over the training set of Σ_q |θ_q| ‖A_q‖_∞),
///    N(μ) = I − A(μ)/α = I − Σ_q φ_q(μ) A_q with φ = θ/α, spectrum in [0, 1).
/// 2. Powers: N(μ)^k is a combination of the monomials φ(μ)^x, |x| ≤ k, with matrix coefficients
///    that do not depend on μ. Run the EIM greedy (`EmpiricalInterpolation`, symmetric
///    formulation) on the family (x, μ) ↦ φ(μ)^x over the monomials of degree ≤ p and the training
///    set: it picks d monomials x_i and d parameters μ_j with
///    φ(μ)^x ≈ Σ_j λ_j(μ) φ(μ_j)^x,  λ(μ) = F⁻¹ (φ(μ)^{x_i})_i,  F_ij = φ(μ_j)^{x_i}.
///    So N(μ)^k ≈ Σ_j λ_j(μ) N(μ_j)^k for every k ≤ p.
/// 3. Limits: every limit of a matrix power series passes through the linear combination:
///    log det A(μ) = n log α − Σ_k tr N(μ)^k / k ≈ n log α + Σ_j λ_j(μ) (log det A(μ_j) − n log α),
///    A(μ)⁻¹ = α⁻¹ Σ_k N(μ)^k ≈ Σ_j λ_j(μ) A(μ_j)⁻¹, hence A(μ)⁻¹c ≈ Σ_j λ_j y_j with
///    y_j = A(μ_j)⁻¹ c and bᵀA(μ)⁻¹c ≈ Σ_j λ_j bᵀy_j. Offline: d CHOLMOD factorizations
///    (`ParametricCholesky`); online: d monomials, one d × d solve, a d-term sum.
/// 4. Bounds, online:
///    - log det: with δ_x(μ) = φ(μ)^x − Σ_j λ_j φ(μ_j)^x and ‖A_q‖₂ ≤ ‖A_q‖_∞ = a_q,
///      |tr of the monomial's matrix coefficient| ≤ n (|x|!/x!) a^x, so the first p terms of the
///      series differ by at most Σ_{|x|≤p} n w_{|x|} (|x|!/x!) a^x |δ_x(μ)|,
///      w_i = Σ_{k=max(i,1)}^{p} C(k, i)/k; the terms k > p by at most
///      n [τ(ρ(μ)) + Σ_j |λ_j| τ(ρ(μ_j))], τ(ρ) = −log(1 − ρ) − Σ_{k≤p} ρ^k/k, with
///      ρ(μ) = max(1 − λ_LB(μ)/α, Σ_q |θ_q| a_q/α − 1) ≥ the spectral radius of N(μ) and λ_LB a
///      lower bound of λ_min(A(μ)) (a `StabilityLowerBound` in the Euclidean product).
///    - A(μ)⁻¹c: r = c − A(μ) x̃ = W z(μ), W = [c, A_q y_j] factored W = Q R once
///      (`GrowingHouseholderQR`, no squaring), so ‖r‖ = ‖R z(μ)‖ and ‖A⁻¹c − x̃‖₂ ≤ ‖r‖/λ_LB(μ),
///      |bᵀA⁻¹c − bᵀx̃| ≤ ‖b‖ ‖r‖/λ_LB(μ).
///    The log-det bound is sharp only when A(μ) is well conditioned (ρ well below 1) and p is
///    large enough for the tail; for a PDE matrix, ρ → 1 as the mesh is refined and the tail term
///    dominates (docs/matrix-functions.md).
public struct MatrixPowerInterpolation: Sendable {
    /// How the approximation is built.
    public struct Options: Sendable {
        /// p: the largest degree of the interpolated monomials (the powers N^k, k ≤ p).
        public var degree: Int
        /// The EIM greedy's options. Absolute ℓ∞ errors: the monomials of high degree are small
        /// (|φ| < 1), and a relative or stabilized greedy stops before it reaches them (on the
        /// tests' family: 45 terms and 8e-6 relative log-det error, against 186 terms and 6e-9
        /// with the default tolerance 1e-22).
        public var eim: EIMOptions
        /// The largest number of monomials accepted (C(p + Q, Q)).
        public var maxMonomials: Int

        /// Options (degree 16, EIM to 1e-22 absolute).
        public init(degree: Int = 16, eim: EIMOptions = EIMOptions(tolerance: 1e-22, relative: false),
                    maxMonomials: Int = 200_000) {
            self.degree = degree
            self.eim = eim
            self.maxMonomials = maxMonomials
        }
    }

    /// One online evaluation: the approximations and their bounds.
    public struct Evaluation: Sendable {
        /// The interpolation weights λ_j(μ).
        public var weights: [Double]
        /// The approximation of log det A(μ).
        public var logDeterminant: Double
        /// An upper bound of |log det A(μ) − logDeterminant| (step 4).
        public var logDeterminantBound: Double
        /// The approximation of bᵀA(μ)⁻¹c (nil without vectors).
        public var quadraticForm: Double?
        /// An upper bound of its error.
        public var quadraticFormBound: Double?
        /// An upper bound of ‖A(μ)⁻¹c − x̃(μ)‖₂.
        public var inverseBound: Double?
    }

    /// The box of admissible μ.
    public let parameterSpace: ParameterSpace
    /// θ(μ).
    public let coefficients: any AffineCoefficients
    /// The matrix order n.
    public let dimension: Int
    /// α, the scaling of step 1.
    public let scaling: Double
    /// a_q = ‖A_q‖_∞.
    public let termNorms: [Double]
    /// p.
    public let degree: Int
    /// Every monomial exponent x (|x| ≤ p), in the order of the EIM's points.
    public let monomials: [[Int]]
    /// The selected parameters μ_j.
    public let selectedParameters: [Parameter]
    /// log det A(μ_j).
    public let logDeterminants: [Double]
    /// λ_LB(μ) in the Euclidean product.
    public let stability: any StabilityLowerBound
    /// θ(μ̄) of the stability bound's reference parameter (ones without one).
    public let referenceThetas: [Double]
    /// The EIM greedy's largest training error with 0, 1, … terms.
    public var errorHistory: [Double] { interpolation.errorHistory }
    /// d, the number of terms.
    public var terms: Int { selectedParameters.count }
    let interpolation: EmpiricalInterpolation
    let boundWeights: [Double]
    let vectors: Vectors?

    /// The data of the quadratic form and the inverse.
    struct Vectors: Sendable {
        var left: [Double]
        var solutions: Matrix
        var leftValues: [Double]
        var residualR: Matrix
    }

    /// The offline stage: the greedy of step 2 over `training`, then CHOLMOD at the selected μ_j.
    /// - Parameters:
    ///   - stability: λ_LB(μ) ≤ λ_min(A(μ)) (Euclidean), e.g. `CoercivityBound.minTheta` with
    ///     `CoercivityBound.smallestGeneralizedEigenvalue(A(μ̄), I)` when every A_q is PSD.
    ///   - left, right: b and c of bᵀA(μ)⁻¹c and A(μ)⁻¹c (both or neither).
    /// - Throws: `ParameterError` for a training μ outside the box, `ROMError.invalidOption` for
    ///   an unsymmetric or unassembled decomposition, too many monomials or a bad degree,
    ///   `LinearAlgebraError.notPositiveDefinite` when A(μ_j) is not SPD.
    public init(parameterSpace: ParameterSpace, decomposition: AffineDecomposition, training: [Parameter],
                stability: any StabilityLowerBound, left: [Double]? = nil, right: [Double]? = nil,
                options: Options = Options()) throws {
        let exact = try ParametricCholesky(parameterSpace: parameterSpace, decomposition: decomposition)
        guard options.degree >= 1 else { throw ROMError.invalidOption(name: "degree", detail: "\(options.degree) (at least 1)") }
        guard !training.isEmpty else { throw ROMError.empty(what: "training set") }
        for mu in training { try parameterSpace.validate(mu) }
        let q = decomposition.operatorCoefficients.count
        let n = decomposition.dimension
        // Step 1: the scaling.
        let norms = decomposition.operators.map(Self.infinityNorm)
        let thetas = training.map { decomposition.operatorCoefficients(at: $0) }
        let alpha = thetas.map { zip($0, norms).reduce(0) { $0 + abs($1.0) * $1.1 } }.max()!
        guard alpha > 0, alpha.isFinite else { throw ROMError.invalidOption(name: "matrix functions", detail: "A(μ) is zero on the training set") }
        // Step 2: the greedy over the monomials of φ = θ/α.
        let exponents = try Self.monomials(variables: q, degree: options.degree, limit: options.maxMonomials)
        var g = Matrix(rows: exponents.count, columns: training.count)
        for (j, theta) in thetas.enumerated() {
            let phi = theta.map { $0 / alpha }
            for (i, x) in exponents.enumerated() { g[i, j] = Self.monomial(phi, x) }
        }
        let greedy = try EmpiricalInterpolation(snapshots: g, options: options.eim)
        let symmetric = try greedy.symmetricFormulation(snapshots: g)
        let selected = symmetric.parameters.map { training[$0] }
        // Step 3: the exact values at the selected parameters.
        var logDets: [Double] = []
        var solutions = Matrix(rows: n, columns: selected.count)
        for (j, mu) in selected.enumerated() {
            logDets.append(try exact.logDeterminant(at: mu))
            if let right { solutions.setColumn(j, to: try exact.solve(right, at: mu)) }
        }
        self.parameterSpace = parameterSpace
        coefficients = decomposition.operatorCoefficients
        dimension = n
        scaling = alpha
        termNorms = norms
        degree = options.degree
        monomials = exponents
        selectedParameters = selected
        logDeterminants = logDets
        self.stability = stability
        referenceThetas = stability.referenceParameter.map { decomposition.operatorCoefficients(at: Parameter($0)) }
            ?? [Double](repeating: 1, count: q)
        interpolation = symmetric
        boundWeights = exponents.map { x in
            let i = x.reduce(0, +)
            return Double(n) * Self.seriesWeight(degree: i, p: options.degree) * Self.multinomial(x) * Self.monomial(norms, x)
        }
        switch (left, right) {
        case (nil, nil): vectors = nil
        case let (b?, c?):
            guard b.count == n, c.count == n else {
                throw ROMError.dimensionMismatch(what: "quadratic form vectors", expected: n, found: b.count == n ? c.count : b.count)
            }
            // W = [c, A_q y_j] (q major): r(μ) = W z, z = (1, −θ_q λ_j).
            var w = Matrix(rows: n, columns: 1 + q * selected.count)
            w.setColumn(0, to: c)
            for (k, a) in decomposition.operators.enumerated() {
                for j in 0..<selected.count { w.setColumn(1 + k * selected.count + j, to: a.apply(solutions.column(j))) }
            }
            var qr = GrowingHouseholderQR(rows: n)
            try qr.append(w)
            vectors = Vectors(left: b, solutions: solutions, leftValues: (0..<selected.count).map { BLAS.dot(b, solutions.column($0)) },
                              residualR: qr.r)
        default:
            throw ROMError.invalidOption(name: "quadratic form vectors", detail: "give both b and c, or neither")
        }
    }

    /// Step 3 and 4 at μ: the approximations and their bounds.
    /// - Throws: `ParameterError` for μ outside the box.
    public func evaluate(at mu: Parameter) throws -> Evaluation {
        try parameterSpace.validate(mu)
        let theta = coefficients(mu)
        let phi = theta.map { $0 / scaling }
        let values = interpolation.points.map { Self.monomial(phi, monomials[$0]) }
        let lambda = try interpolation.coefficients(values)
        let n = Double(dimension)
        let logAlpha = log(scaling)
        var logDet = n * logAlpha
        for (l, value) in zip(lambda, logDeterminants) { logDet += l * (value - n * logAlpha) }
        // Step 4, log det: the interpolated powers, then the tail of the series.
        var head = 0.0
        for (i, x) in monomials.enumerated() {
            var delta = Self.monomial(phi, x)
            for j in 0..<lambda.count { delta -= lambda[j] * interpolation.basis[i, j] }
            head += boundWeights[i] * abs(delta)
        }
        let lower = lowerBound(theta)
        var tail = tailSum(radius: spectralRadius(theta: theta, lower: lower))
        for (j, mu) in selectedParameters.enumerated() {
            let t = coefficients(mu)
            tail += abs(lambda[j]) * tailSum(radius: spectralRadius(theta: t, lower: lowerBound(t)))
        }
        var result = Evaluation(weights: lambda, logDeterminant: logDet, logDeterminantBound: head + n * tail)
        if let vectors {
            let d = lambda.count
            var z = [Double](repeating: 0, count: 1 + theta.count * d)
            z[0] = 1
            for k in 0..<theta.count { for j in 0..<d { z[1 + k * d + j] = -theta[k] * lambda[j] } }
            let rz = vectors.residualR.apply(z)
            let residual = BLAS.nrm2(rz)
            result.quadraticForm = BLAS.dot(lambda, vectors.leftValues)
            result.inverseBound = residual / lower
            result.quadraticFormBound = BLAS.nrm2(vectors.left) * residual / lower
        }
        return result
    }

    /// x̃(μ) = Σ_j λ_j(μ) A(μ_j)⁻¹c, the approximation of A(μ)⁻¹c (needs the vectors).
    public func inverse(at mu: Parameter) throws -> [Double] {
        guard let vectors else { throw ROMError.invalidOption(name: "inverse", detail: "built without the vectors b and c") }
        let lambda = try evaluate(at: mu).weights
        return vectors.solutions.apply(lambda)
    }

    // MARK: - The pieces of steps 1, 2 and 4

    private func lowerBound(_ theta: [Double]) -> Double {
        theta.withUnsafeBufferPointer { t in
            referenceThetas.withUnsafeBufferPointer { r in stability.evaluate(mu: t, thetas: t, referenceThetas: r) }
        }
    }

    /// ρ ≥ the spectral radius of N = I − A/α: its spectrum lies in [1 − G/α, 1 − λ_LB/α].
    private func spectralRadius(theta: [Double], lower: Double) -> Double {
        let gershgorin = zip(theta, termNorms).reduce(0) { $0 + abs($1.0) * $1.1 }
        return max(1 - lower / scaling, gershgorin / scaling - 1)
    }

    /// τ(ρ) = Σ_{k>p} ρ^k/k = −log(1 − ρ) − Σ_{k≤p} ρ^k/k (infinite for ρ ≥ 1).
    private func tailSum(radius rho: Double) -> Double {
        guard rho < 1 else { return .infinity }
        guard rho > 0 else { return 0 }
        var partial = 0.0, power = 1.0
        for k in 1...degree { power *= rho; partial += power / Double(k) }
        return max(-log1p(-rho) - partial, 0)
    }

    /// ‖A‖_∞ = max_i Σ_j |a_ij| ≥ ‖A‖₂ for a symmetric A.
    static func infinityNorm(_ a: SparseMatrix) -> Double {
        var largest = 0.0
        for i in 0..<a.rows {
            var sum = 0.0
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] { sum += abs(a.values[k]) }
            largest = max(largest, sum)
        }
        return largest
    }

    /// Every exponent x ∈ ℕ^q with |x| ≤ p, by increasing degree.
    static func monomials(variables q: Int, degree p: Int, limit: Int) throws -> [[Int]] {
        var count = 1.0
        for k in 1...max(q, 1) { count = count * Double(p + k) / Double(k) }
        guard count <= Double(limit) else {
            throw ROMError.invalidOption(name: "degree", detail: "\(p) with \(q) affine terms gives \(Int(count)) monomials (limit \(limit))")
        }
        var result: [[Int]] = []
        func extend(_ prefix: [Int], remaining: Int) {
            if prefix.count == q - 1 { result.append(prefix + [remaining]); return }
            for e in stride(from: remaining, through: 0, by: -1) { extend(prefix + [e], remaining: remaining - e) }
        }
        for degree in 0...p { extend([], remaining: degree) }
        return result
    }

    /// Π_q v_q^{x_q}.
    static func monomial(_ v: [Double], _ x: [Int]) -> Double {
        var p = 1.0
        for (value, e) in zip(v, x) where e > 0 { for _ in 0..<e { p *= value } }
        return p
    }

    /// |x|!/Π x_q!.
    static func multinomial(_ x: [Int]) -> Double {
        var result = 1.0, total = 0
        for e in x { for k in stride(from: 1, through: e, by: 1) { total += 1; result *= Double(total) / Double(k) } }
        return result
    }

    /// w_i = Σ_{k=max(i,1)}^{p} C(k, i)/k.
    static func seriesWeight(degree i: Int, p: Int) -> Double {
        var w = 0.0
        for k in max(i, 1)...max(p, 1) where k >= i {
            var binomial = 1.0
            for m in 0..<i { binomial = binomial * Double(k - m) / Double(m + 1) }
            w += binomial / Double(k)
        }
        return w
    }
}
