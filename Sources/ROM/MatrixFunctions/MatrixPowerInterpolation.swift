import EIM
import Foundation
import LinearAlgebra

/// Nonintrusive matrix functions of an affine SPD matrix A(μ) = Σ_q θ_q(μ) A_q by an empirical
/// interpolation of its powers, after Casenave, Akkari, Charles, Rey, "Nonintrusive approximation
/// of parametrized limits of matrix power algorithms – application to matrix inverses and
/// log-determinants" (arXiv 1710.02488). The steps below are our reconstruction of the method
/// (*derived*: the tests check the interpolation property and the bounds against dense values).
///
/// 1. Scale, in one of two ways (`Options.Scaling`):
///    - *reference* (the default; every A_q positive semidefinite, θ_q > 0 on the box): with μ̄ the
///      box's centre, A(μ̄) = L̄L̄ᵀ and B_q = θ_q(μ̄) L̄⁻¹A_qL̄⁻ᵀ (positive semidefinite, Σ_q B_q = I),
///      L̄⁻¹A(μ)L̄⁻ᵀ = Σ_q r_q(μ) B_q with r_q = θ_q(μ)/θ_q(μ̄), so
///      log det A(μ) = c + log det(I − N(μ)), c = log det A(μ̄) + n log α,
///      N(μ) = Σ_q ψ_q(μ) B_q, ψ_q = 1 − r_q(μ)/α, α = max over the training set of max_q r_q.
///      The spectrum of N lies in [min_q ψ_q, max_q ψ_q] and every product of B's has norm ≤ 1:
///      the bound of step 4 needs neither a matrix norm nor an eigenvalue, and it does not degrade
///      as the mesh is refined, only as the box widens (hence `PartitionedMatrixPowerInterpolation`).
///      Nothing of L̄ is formed: only log det A(μ̄) enters.
///    - *Gershgorin* (any symmetric terms): α ≥ max_μ λ_max(A(μ)) (α = max over the training set of
///      Σ_q |θ_q| ‖A_q‖_∞), N(μ) = I − A(μ)/α = I − Σ_q φ_q(μ) A_q with φ = θ/α, spectrum in [0, 1),
///      c = n log α.
///    Below, v(μ) is ψ(μ) or φ(μ).
/// 2. Powers: N(μ)^k is a combination of the monomials v(μ)^x, |x| ≤ k, with matrix coefficients
///    that do not depend on μ. Run the EIM greedy (`EmpiricalInterpolation`, symmetric
///    formulation) on the family (x, μ) ↦ v(μ)^x over the monomials of degree ≤ p and the training
///    set: it picks d monomials x_i and d parameters μ_j with
///    v(μ)^x ≈ Σ_j λ_j(μ) v(μ_j)^x,  λ(μ) = F⁻¹ (v(μ)^{x_i})_i,  F_ij = v(μ_j)^{x_i}.
///    So N(μ)^k ≈ Σ_j λ_j(μ) N(μ_j)^k for every k ≤ p.
/// 3. Limits: every limit of a matrix power series passes through the linear combination:
///    log det A(μ) = c − Σ_k tr N(μ)^k / k ≈ c + Σ_j λ_j(μ) (log det A(μ_j) − c),
///    A(μ)⁻¹ = α⁻¹ Σ_k N(μ)^k ≈ Σ_j λ_j(μ) A(μ_j)⁻¹, hence A(μ)⁻¹c ≈ Σ_j λ_j y_j with
///    y_j = A(μ_j)⁻¹ c and bᵀA(μ)⁻¹c ≈ Σ_j λ_j bᵀy_j. Offline: d CHOLMOD factorizations
///    (`ParametricCholesky`); online: d monomials, one d × d solve, a d-term sum.
/// 4. Bounds, online:
///    - log det, reference scaling: with δ_x(μ) = ψ(μ)^x − Σ_j λ_j ψ(μ_j)^x and N^k = Σ_{|x|=k} ψ^x C_x,
///      C_x the sum of the |x|!/x! products of B's with x_q factors B_q (|tr C_x| ≤ n |x|!/x!), the
///      first p terms differ by at most Σ_{1≤|x|≤p} n (|x|!/x!) |δ_x(μ)| / |x|; the tail as below
///      with ρ(μ) = max_q |ψ_q(μ)|.
///    - log det, Gershgorin scaling: with δ_x(μ) = φ(μ)^x − Σ_j λ_j φ(μ_j)^x and ‖A_q‖₂ ≤ ‖A_q‖_∞ = a_q,
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
        /// How N(μ) is formed from A(μ) (step 1).
        public var scaling: Scaling

        /// Step 1's two ways.
        public enum Scaling: Sendable, Equatable {
            /// Relative to A(μ̄), μ̄ the box's centre: every A_q positive semidefinite and every
            /// θ_q(μ) > 0 (the min-θ setting); a bound that does not depend on the mesh.
            case reference
            /// N = I − A(μ)/α with α from Gershgorin's theorem: any symmetric terms; a bound that
            /// degrades with the condition number of A(μ).
            case gershgorin
        }

        /// Options (degree 16, the reference scaling). Without `eim`, the greedy stops at an
        /// absolute error of 1e-14 for the reference scaling (its monomials lie in [−1, 1]: below
        /// that it would pick round-off) and 1e-22 for Gershgorin's.
        public init(degree: Int = 16, eim: EIMOptions? = nil, maxMonomials: Int = 200_000, scaling: Scaling = .reference) {
            self.degree = degree
            self.eim = eim ?? EIMOptions(tolerance: scaling == .reference ? 1e-14 : 1e-22, relative: false)
            self.maxMonomials = maxMonomials
            self.scaling = scaling
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
    /// θ(μ̄) of the reference scaling (nil: Gershgorin).
    public let referenceCoefficients: [Double]?
    /// c of step 3: log det A(μ̄) + n log α (reference) or n log α (Gershgorin).
    public let offset: Double
    /// a_q = ‖A_q‖_∞ (used by the Gershgorin scaling).
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
    private(set) var vectors: Vectors?
    /// τ(ρ(μ_j)) of each selected parameter: the tail bound's terms that do not depend on μ.
    private(set) var selectedTails: [Double] = []

    /// The data of the quadratic form and the inverse.
    struct Vectors: Sendable {
        /// ‖b‖.
        var leftNorm: Double
        /// y_j = A(μ_j)⁻¹c in column j (n × d); nil in a model file saved without them (then
        /// bᵀA⁻¹c and the bounds are answered, the vector A⁻¹c is not).
        var solutions: Matrix?
        /// bᵀy_j.
        var leftValues: [Double]
        /// R of W = [c, A_q y_j] = QR.
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
        let alpha: Double, reference: [Double]?, offset: Double
        switch options.scaling {
        case .gershgorin:
            alpha = thetas.map { zip($0, norms).reduce(0) { $0 + abs($1.0) * $1.1 } }.max()!
            guard alpha > 0, alpha.isFinite else { throw ROMError.invalidOption(name: "matrix functions", detail: "A(μ) is zero on the training set") }
            reference = nil
            offset = Double(n) * log(alpha)
        case .reference:
            let centre = Parameter(zip(parameterSpace.lower, parameterSpace.upper).map { ($0 + $1) / 2 })
            let thetaBar = decomposition.operatorCoefficients(at: centre)
            try Self.checkReferenceScaling(decomposition: decomposition, centre: thetaBar, training: training, thetas: thetas)
            alpha = thetas.map { theta in zip(theta, thetaBar).map { $0 / $1 }.max()! }.max()!
            reference = thetaBar
            offset = try exact.logDeterminant(at: centre) + Double(n) * log(alpha)
        }
        let variables = { (theta: [Double]) in Self.variables(theta, scaling: alpha, reference: reference) }
        // Step 2: the greedy over the monomials of v(μ).
        let exponents = try Self.monomials(variables: q, degree: options.degree, limit: options.maxMonomials)
        var g = Matrix(rows: exponents.count, columns: training.count)
        for (j, theta) in thetas.enumerated() {
            let v = variables(theta)
            for (i, x) in exponents.enumerated() { g[i, j] = Self.monomial(v, x) }
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
        let vectors: Vectors?
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
            vectors = Vectors(leftNorm: BLAS.nrm2(b), solutions: solutions,
                              leftValues: (0..<selected.count).map { BLAS.dot(b, solutions.column($0)) }, residualR: qr.r)
        default:
            throw ROMError.invalidOption(name: "quadratic form vectors", detail: "give both b and c, or neither")
        }
        self.init(parameterSpace: parameterSpace, coefficients: decomposition.operatorCoefficients, dimension: n, scaling: alpha,
                  referenceCoefficients: reference, offset: offset, termNorms: norms, degree: options.degree, monomials: exponents,
                  selectedParameters: selected, logDeterminants: logDets, stability: stability, interpolation: symmetric,
                  vectors: vectors)
    }

    /// A model from its parts (the offline stage's, or what a model file stores:
    /// `OnlineModelFile.readMatrixFunctions`); the bound's weights, the stability bound's reference
    /// θ and the selected parameters' tail terms are derived here.
    init(parameterSpace: ParameterSpace, coefficients: any AffineCoefficients, dimension: Int, scaling: Double,
         referenceCoefficients: [Double]?, offset: Double, termNorms: [Double], degree: Int, monomials: [[Int]],
         selectedParameters: [Parameter], logDeterminants: [Double], stability: any StabilityLowerBound,
         interpolation: EmpiricalInterpolation, vectors: Vectors?) {
        self.parameterSpace = parameterSpace
        self.coefficients = coefficients
        self.dimension = dimension
        self.scaling = scaling
        self.referenceCoefficients = referenceCoefficients
        self.offset = offset
        self.termNorms = termNorms
        self.degree = degree
        self.monomials = monomials
        self.selectedParameters = selectedParameters
        self.logDeterminants = logDeterminants
        self.stability = stability
        referenceThetas = stability.referenceParameter.map { coefficients(Parameter($0)) } ?? [Double](repeating: 1, count: coefficients.count)
        self.interpolation = interpolation
        boundWeights = Self.boundWeights(monomials: monomials, dimension: dimension, termNorms: termNorms, degree: degree,
                                         reference: referenceCoefficients != nil)
        self.vectors = vectors
        selectedTails = selectedTailSums()
    }

    /// The weight of each monomial's |δ_x(μ)| in the log-det bound (step 4).
    static func boundWeights(monomials: [[Int]], dimension n: Int, termNorms: [Double], degree p: Int, reference: Bool) -> [Double] {
        monomials.map { x in
            let i = x.reduce(0, +)
            guard !reference else { return i == 0 ? 0 : Double(n) * multinomial(x) / Double(i) }
            return Double(n) * seriesWeight(degree: i, p: p) * multinomial(x) * monomial(termNorms, x)
        }
    }

    /// τ(ρ(μ_j)) of every selected parameter.
    private func selectedTailSums() -> [Double] {
        selectedParameters.map { mu in
            let t = coefficients(mu), v = Self.variables(t, scaling: scaling, reference: referenceCoefficients)
            return t.withUnsafeBufferPointer { t in
                v.withUnsafeBufferPointer { tailSum(radius: spectralRadius(theta: t, variables: $0, lower: lowerBound(t))) }
            }
        }
    }

    /// Whether the quadratic form's data are held (then `evaluate` answers bᵀA⁻¹c with bounds).
    public var hasQuadraticForm: Bool { vectors != nil }
    /// Whether A(μ)⁻¹c can be formed (`inverse(at:)`): the y_j are held.
    public var hasInverse: Bool { vectors?.solutions != nil }
    /// The same model without the y_j (n × d): `bᵀA⁻¹c`, log det and every bound are still
    /// answered; what a compact model file stores.
    public func droppingInverse() -> MatrixPowerInterpolation {
        var copy = self
        copy.vectors?.solutions = nil
        return copy
    }

    /// Step 3 and 4 at μ: the approximations and their bounds.
    /// - Throws: `ParameterError` for μ outside the box.
    public func evaluate(at mu: Parameter) throws -> Evaluation {
        try parameterSpace.validate(mu)
        let workspace = makeWorkspace()
        let answers = mu.values.withUnsafeBufferPointer { evaluate(at: $0, workspace: workspace) }
        return Evaluation(weights: Array(workspace.weights), logDeterminant: answers.logDeterminant,
                          logDeterminantBound: answers.logDeterminantBound, quadraticForm: answers.quadraticForm,
                          quadraticFormBound: answers.quadraticFormBound, inverseBound: answers.inverseBound)
    }

    /// The answers of one evaluation but the weights (those are in `Workspace.weights`).
    public struct Answers: Sendable {
        /// The approximation of log det A(μ) and an upper bound of its error.
        public var logDeterminant: Double, logDeterminantBound: Double
        /// bᵀA(μ)⁻¹c and its bound, the bound of ‖A(μ)⁻¹c − x̃(μ)‖₂ (nil without vectors).
        public var quadraticForm: Double?, quadraticFormBound: Double?, inverseBound: Double?
    }

    /// The buffers of `evaluate(at:workspace:)`, sized for one model (`makeWorkspace`): a query
    /// through them allocates nothing. One per thread.
    public final class Workspace {
        /// λ(μ) of the last evaluation (d entries).
        public let weights: UnsafeMutableBufferPointer<Double>
        let theta: UnsafeMutableBufferPointer<Double>, variables: UnsafeMutableBufferPointer<Double>
        let monomialValues: UnsafeMutableBufferPointer<Double>, pointValues: UnsafeMutableBufferPointer<Double>
        let fitted: UnsafeMutableBufferPointer<Double>, z: UnsafeMutableBufferPointer<Double>, rz: UnsafeMutableBufferPointer<Double>

        init(terms q: Int, monomials m: Int, points: Int, weights d: Int, residualRows: Int) {
            func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
                let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
                b.initialize(repeating: 0)
                return b
            }
            (theta, variables, monomialValues, pointValues) = (buffer(q), buffer(q), buffer(m), buffer(points))
            (weights, fitted, z, rz) = (buffer(d), buffer(m), buffer(1 + q * d), buffer(residualRows))
        }

        deinit { for b in [weights, theta, variables, monomialValues, pointValues, fitted, z, rz] { b.deallocate() } }
    }

    /// Buffers for this model's evaluations.
    public func makeWorkspace() -> Workspace {
        Workspace(terms: coefficients.count, monomials: monomials.count, points: interpolation.points.count, weights: terms,
                  residualRows: vectors?.residualR.rows ?? 0)
    }

    /// Step 3 and 4 at μ (components, not validated: `evaluate(at:)` checks the box) in the
    /// buffers of `workspace` (from this model's `makeWorkspace`), with no allocation; λ(μ) is
    /// left in `workspace.weights`.
    public func evaluate(at mu: UnsafeBufferPointer<Double>, workspace w: Workspace) -> Answers {
        coefficients.evaluate(mu, into: w.theta)
        let theta = UnsafeBufferPointer(w.theta), q = theta.count, v = UnsafeBufferPointer(w.variables)
        Self.variables(theta, scaling: scaling, reference: referenceCoefficients, into: w.variables)
        for (i, x) in monomials.enumerated() { w.monomialValues[i] = Self.monomial(v, x) }
        for (i, point) in interpolation.points.enumerated() { w.pointValues[i] = w.monomialValues[point] }
        interpolation.coefficients(UnsafeBufferPointer(w.pointValues), into: w.weights)
        let lambda = UnsafeBufferPointer(w.weights), d = lambda.count
        var logDet = offset
        for j in 0..<d { logDet += lambda[j] * (logDeterminants[j] - offset) }
        // Step 4, log det: the interpolated powers (δ = v^x − Σ_j λ_j v(μ_j)^x for every x, one
        // dgemv), then the tail of the series.
        interpolation.basis.apply(lambda, into: w.fitted)
        var head = 0.0
        for i in 0..<monomials.count { head += boundWeights[i] * abs(w.monomialValues[i] - w.fitted[i]) }
        let lower = lowerBound(theta)
        var tail = tailSum(radius: spectralRadius(theta: theta, variables: v, lower: lower))
        for j in 0..<d { tail += abs(lambda[j]) * selectedTails[j] }
        var answers = Answers(logDeterminant: logDet, logDeterminantBound: head + Double(dimension) * tail)
        if let vectors {
            w.z[0] = 1
            for k in 0..<q { for j in 0..<d { w.z[1 + k * d + j] = -theta[k] * lambda[j] } }
            vectors.residualR.apply(UnsafeBufferPointer(w.z), into: w.rz)
            let residual = BLAS.nrm2(UnsafeBufferPointer(w.rz))
            answers.quadraticForm = vectors.leftValues.withUnsafeBufferPointer { BLAS.dot(lambda, $0) }
            answers.inverseBound = residual / lower
            answers.quadraticFormBound = vectors.leftNorm * residual / lower
        }
        return answers
    }

    /// x̃(μ) = Σ_j λ_j(μ) A(μ_j)⁻¹c, the approximation of A(μ)⁻¹c (needs the vectors).
    public func inverse(at mu: Parameter) throws -> [Double] {
        guard let vectors else { throw ROMError.invalidOption(name: "inverse", detail: "built without the vectors b and c") }
        guard let solutions = vectors.solutions else {
            throw ROMError.invalidOption(name: "inverse", detail: "the model was kept without the solutions A(μ_j)⁻¹c (droppingInverse)")
        }
        return solutions.apply(try evaluate(at: mu).weights)
    }

    // MARK: - The pieces of steps 1, 2 and 4

    private func lowerBound(_ theta: UnsafeBufferPointer<Double>) -> Double {
        referenceThetas.withUnsafeBufferPointer { r in stability.evaluate(mu: theta, thetas: theta, referenceThetas: r) }
    }

    /// ρ ≥ the spectral radius of N: reference, max_q |ψ_q| (ψ = `variables`); Gershgorin,
    /// N = I − A/α has its spectrum in [1 − G/α, 1 − λ_LB/α].
    private func spectralRadius(theta: UnsafeBufferPointer<Double>, variables v: UnsafeBufferPointer<Double>, lower: Double) -> Double {
        if referenceCoefficients != nil {
            var largest = 0.0
            for k in 0..<v.count { largest = max(largest, abs(v[k])) }
            return largest
        }
        var gershgorin = 0.0
        for k in 0..<theta.count { gershgorin += abs(theta[k]) * termNorms[k] }
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

    /// v(μ) of step 1: ψ_q = 1 − θ_q/(α θ_q(μ̄)) (reference) or φ_q = θ_q/α (Gershgorin).
    static func variables(_ theta: [Double], scaling alpha: Double, reference: [Double]?) -> [Double] {
        var v = [Double](repeating: 0, count: theta.count)
        theta.withUnsafeBufferPointer { t in v.withUnsafeMutableBufferPointer { variables(t, scaling: alpha, reference: reference, into: $0) } }
        return v
    }

    /// v(μ) into `v` (θ.count entries), no allocation.
    static func variables(_ theta: UnsafeBufferPointer<Double>, scaling alpha: Double, reference: [Double]?,
                          into v: UnsafeMutableBufferPointer<Double>) {
        if let reference {
            for k in 0..<theta.count { v[k] = 1 - theta[k] / (alpha * reference[k]) }
        } else {
            for k in 0..<theta.count { v[k] = theta[k] / alpha }
        }
    }

    /// The reference scaling's conditions that can be checked cheaply: θ_q > 0 at the centre and on
    /// the training set, and no negative diagonal entry in any A_q (a necessary condition of
    /// semidefiniteness; the rest is the caller's promise, as for the min-θ bound).
    static func checkReferenceScaling(decomposition: AffineDecomposition, centre: [Double], training: [Parameter],
                                      thetas: [[Double]]) throws {
        func refuse(_ detail: String) -> ROMError {
            .invalidOption(name: "reference scaling", detail: detail + " (it needs positive θ_q and semidefinite A_q; use the Gershgorin scaling)")
        }
        for (k, value) in centre.enumerated() where !(value > 0 && value.isFinite) { throw refuse("θ_\(k)(μ̄) = \(value) at the box's centre") }
        for (mu, theta) in zip(training, thetas) {
            for (k, value) in theta.enumerated() where !(value > 0 && value.isFinite) { throw refuse("θ_\(k) = \(value) at training μ = \(mu.values)") }
        }
        for (k, a) in decomposition.operators.enumerated() {
            for i in 0..<a.rows {
                for e in a.rowPointers[i]..<a.rowPointers[i + 1] where a.columnIndices[e] == i && a.values[e] < 0 {
                    throw refuse("A_\(k) has the negative diagonal entry \(a.values[e]) in row \(i)")
                }
            }
        }
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
        v.withUnsafeBufferPointer { monomial($0, x) }
    }

    /// Π_q v_q^{x_q}, on caller storage.
    static func monomial(_ v: UnsafeBufferPointer<Double>, _ x: [Int]) -> Double {
        var p = 1.0
        for k in 0..<Swift.min(v.count, x.count) where x[k] > 0 { for _ in 0..<x[k] { p *= v[k] } }
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
