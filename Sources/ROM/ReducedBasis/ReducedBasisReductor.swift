import EIM
import LinearAlgebra

/// The offline side of the reduced basis method for an affine problem (pyMOR's reductor): it
/// holds the basis V, orthonormal in X, and grows with it, one vector at a time, everything the
/// online model needs — only the new rows and columns are computed:
/// - the reduced operators Vᵀ A_q V (from A_q v_new and the kept A_q V),
/// - the reduced right-hand sides and outputs,
/// - the residual representers ξ_p = X⁻¹ f_p and η_qn = X⁻¹ A_q v_n (Q solves per new vector
///   with the factorization of X made once).
public struct ReducedBasisReductor {
    /// The parameter box.
    public let parameterSpace: ParameterSpace
    /// The affine decomposition reduced.
    public let decomposition: AffineDecomposition
    /// The inner product X of the basis and the estimator.
    public let innerProduct: InnerProduct
    /// The stability lower bound of the online model's error bound.
    public let coercivityBound: any StabilityLowerBound
    /// The reduced basis (X-orthonormal columns).
    public private(set) var basis: OrthonormalBasis
    private var operatorImages: [Matrix]      // A_q V, n×N each
    private var reducedOperators: [Matrix]    // Vᵀ A_q V
    private var reducedRightHandSides: [[Double]]
    private var reducedOutputs: [[Double]]
    private var residual: ResidualRieszRepresentation
    private let outputDualNorms: [Double]

    /// A reductor of `problem` with an empty basis.
    public init(problem: AffineProblem) throws {
        try self.init(parameterSpace: problem.parameterSpace, decomposition: problem.decomposition,
                      innerProduct: problem.innerProduct, coercivityBound: problem.coercivityBound)
    }

    /// A reductor with an empty basis; factors X and computes the right-hand sides' representers.
    public init(parameterSpace: ParameterSpace, decomposition d: AffineDecomposition, innerProduct: InnerProduct,
                coercivityBound: any StabilityLowerBound) throws {
        if let m = innerProduct.matrix, m.rows != d.dimension {
            throw ROMError.dimensionMismatch(what: "inner-product matrix order", expected: d.dimension, found: m.rows)
        }
        self.parameterSpace = parameterSpace
        self.decomposition = d
        self.innerProduct = innerProduct
        self.coercivityBound = coercivityBound
        basis = OrthonormalBasis(dimension: d.dimension, innerProduct: innerProduct)
        operatorImages = d.terms.map { _ in Matrix(rows: d.dimension, columns: 0) }
        reducedOperators = d.terms.map { _ in Matrix(rows: 0, columns: 0) }
        reducedRightHandSides = d.rightHandSides.map { _ in [] }
        reducedOutputs = d.outputs.map { _ in [] }
        var representation = try ResidualRieszRepresentation(innerProduct: innerProduct, dimension: d.dimension)
        try representation.append(functionals: d.rightHandSides)
        outputDualNorms = try d.outputs.map { try representation.dualNorm(of: $0) }
        residual = representation
    }

    /// Number of basis vectors N.
    public var size: Int { basis.count }

    /// Orthonormalizes `snapshot` against the basis and, if it brings a new direction, extends
    /// the basis and the offline data. Returns whether the basis grew.
    @discardableResult
    public mutating func extend(with snapshot: [Double]) throws -> Bool {
        let before = basis.count
        basis.append(snapshot)
        guard basis.count > before else { return false }
        let v = basis.vectors.column(before)
        let d = decomposition
        for q in d.terms.indices {
            let image = d.terms[q].apply(v)
            // New column Vᵀ(A_q v) over all N rows, new row vᵀ(A_q V) over the old columns.
            let column = basis.vectors.applyTransposed(image)
            let row = before == 0 ? [] : operatorImages[q].applyTransposed(v)
            var grown = Matrix(rows: before + 1, columns: before + 1)
            for j in 0..<before { for i in 0..<before { grown[i, j] = reducedOperators[q][i, j] } }
            for i in 0...before { grown[i, before] = column[i] }
            for j in 0..<before { grown[before, j] = row[j] }
            reducedOperators[q] = grown
            operatorImages[q].appendColumn(image)
        }
        for p in d.rightHandSides.indices { reducedRightHandSides[p].append(BLAS.dot(v, d.rightHandSides[p])) }
        for k in d.outputs.indices { reducedOutputs[k].append(BLAS.dot(v, d.outputs[k])) }
        // Representers ordered by basis vector, then term: c = (θ'_p, −θ_q u_n) in that order.
        try residual.append(functionals: d.terms.indices.map { operatorImages[$0].column(before) })
        return true
    }

    /// The online model for the current basis. `.empiricalInterpolation` needs a training set:
    /// use `reducedModel(residualNormMethod:trainingSet:interpolationOptions:keepBasis:)`.
    public func reducedModel(residualNormMethod: ResidualNormMethod = .orthonormalized, keepBasis: Bool = true) throws -> ReducedModel {
        try reducedModel(residualNormMethod: residualNormMethod, interpolation: nil, keepBasis: keepBasis)
    }

    /// The online model for the current basis, with the empirical interpolation of ‖r(μ)‖² over
    /// `trainingSet` when `residualNormMethod` is `.empiricalInterpolation` (the other methods
    /// ignore the training set). Build it once the basis is final: the interpolation is of the
    /// residual of this basis's u_N(μ). See `residualNormInterpolation(trainingSet:options:storage:)`.
    public func reducedModel(residualNormMethod: ResidualNormMethod, trainingSet: [Parameter],
                             interpolationOptions: EIMOptions = Self.residualInterpolationOptions,
                             keepBasis: Bool = true) throws -> ReducedModel {
        guard residualNormMethod == .empiricalInterpolation else { return try reducedModel(residualNormMethod: residualNormMethod, keepBasis: keepBasis) }
        let interpolation = try residualNormInterpolation(trainingSet: trainingSet, options: interpolationOptions)
        return try reducedModel(residualNormMethod: residualNormMethod, interpolation: interpolation, keepBasis: keepBasis)
    }

    /// The EIM options of the residual-norm interpolation: stabilized, stopped by its round-off
    /// floor (the tolerance 1e-15 relative is below it), ℓ∞ and relative errors.
    public static let residualInterpolationOptions = EIMOptions(tolerance: 1e-15, stabilized: true)

    /// The empirical interpolation of ‖r(μ)‖² for the current basis (Casenave–Ern–Lelièvre 2014;
    /// `ResidualNormInterpolation` has the formulas):
    /// 1. c(μ_j) = (θ'_p, −θ_q u_n(μ_j)) from the reduced solution at every training parameter;
    /// 2. the EIM greedy of the EIM module (`EmpiricalInterpolation(family:options:storage:)`, always
    ///    in its stabilized mode) on g_μ(k, l) = c_k(μ) c_l(μ), k ≤ l: points (k_t, l_t), parameters μ_s;
    /// 3. F_ts = c_{k_t}(μ_s) c_{l_t}(μ_s), factored once (symmetric formulation);
    /// 4. ‖r(μ_s)‖² from the residual vector Σ θ'_p f_p − Σ θ_q (A_q V) u_N(μ_s) formed with the
    ///    truth operators and its dual norm by a half solve with X (no cancellation).
    /// - Parameter storage: where the greedy keeps the family: `.inMemory` holds K(K+1)/2 × |training|
    ///   values, `.onDemand` O(K² · S).
    /// - Throws: `ROMError.empty` for an empty basis or training set, `ParameterError` for a parameter
    ///   outside the space, `EIMError` from the greedy.
    public func residualNormInterpolation(trainingSet: [Parameter], options: EIMOptions = Self.residualInterpolationOptions,
                                          storage: EmpiricalInterpolation.Storage = .inMemory) throws -> ResidualNormInterpolation {
        guard !trainingSet.isEmpty else { throw ROMError.empty(what: "training set of the residual interpolation") }
        guard size > 0 else { throw ROMError.empty(what: "reduced basis (the residual interpolation needs the final basis)") }
        let d = decomposition
        let evaluator = ReducedModelEvaluator(model: try reducedModel(residualNormMethod: .orthonormalized, keepBasis: false))
        let k = d.rightHandSides.count + d.terms.count * size
        var coefficients = Matrix(rows: k, columns: trainingSet.count)
        var solutions: [[Double]] = []
        for (j, mu) in trainingSet.enumerated() {
            try evaluator.solve(mu)
            coefficients.setColumn(j, to: evaluator.lastResidualCoefficients)
            solutions.append(evaluator.coefficients)
        }
        var eimOptions = options
        eimOptions.stabilized = true
        let eim = try EmpiricalInterpolation(family: ResidualProductFamily(coefficients: coefficients), options: eimOptions, storage: storage)
        let pairs = eim.points.map { ResidualNormInterpolation.pair(ofPacked: $0) }
        let s = pairs.count
        var f = Matrix(rows: s, columns: s)
        var parameters = Matrix(rows: parameterSpace.dimension, columns: s)
        var squaredNorms = [Double](repeating: 0, count: s)
        for (column, j) in eim.parameters.enumerated() {
            for (t, pair) in pairs.enumerated() { f[t, column] = coefficients[pair.k, j] * coefficients[pair.l, j] }
            parameters.setColumn(column, to: trainingSet[j].values)
            let norm = try residual.dualNorm(of: truthResidual(at: trainingSet[j], reducedSolution: solutions[j]))
            squaredNorms[column] = norm * norm
        }
        return try ResidualNormInterpolation(rows: pairs.map { $0.k }, columns: pairs.map { $0.l }, interpolationMatrix: f,
                                             squaredResidualNorms: squaredNorms, parameters: parameters, coefficientCount: k)
    }

    /// f(μ) − A(μ) V u_N = Σ θ'_p f_p − Σ θ_q (A_q V) u_N, with the truth operators' images A_q V.
    private func truthResidual(at mu: Parameter, reducedSolution u: [Double]) -> [Double] {
        let d = decomposition
        var r = [Double](repeating: 0, count: d.dimension)
        for (p, theta) in d.rightHandSideCoefficients(at: mu).enumerated() { BLAS.axpy(theta, d.rightHandSides[p], &r) }
        for (q, theta) in d.operatorCoefficients(at: mu).enumerated() { BLAS.axpy(-theta, operatorImages[q].apply(u), &r) }
        return r
    }

    private func reducedModel(residualNormMethod: ResidualNormMethod, interpolation: ResidualNormInterpolation?,
                              keepBasis: Bool) throws -> ReducedModel {
        let d = decomposition
        let coefficients = residual.orthonormalCoefficients
        return try ReducedModel(
            parameterSpace: parameterSpace, operatorCoefficients: d.operatorCoefficients,
            rightHandSideCoefficients: d.rightHandSideCoefficients, reducedOperators: reducedOperators,
            reducedRightHandSides: reducedRightHandSides, reducedOutputs: reducedOutputs, outputDualNorms: outputDualNorms,
            residualGram: coefficients.gram, residualCoefficients: coefficients,
            coercivityBound: coercivityBound, isSymmetric: d.isSymmetric,
            basis: keepBasis ? basis.vectors : nil, residualNormMethod: residualNormMethod, residualInterpolation: interpolation)
    }
}
