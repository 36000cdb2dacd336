import LinearAlgebra

/// The online stage of a certified reduced basis model: everything a query μ ↦ (u_N(μ), Δ(μ),
/// outputs) needs, and nothing of the truth problem. Its cost does not depend on the number of
/// truth unknowns. Saved and loaded as one `.npz` by `OnlineModelFile`.
///
/// Queries go through a `ReducedModelEvaluator`, which owns the workspace (no allocation per query).
public struct ReducedModel: Sendable {
    /// The parameter box.
    public let parameterSpace: ParameterSpace
    /// θ_q of the operator terms.
    public let operatorCoefficients: any AffineCoefficients
    /// θ'_p of the right-hand side terms.
    public let rightHandSideCoefficients: any AffineCoefficients
    /// Vᵀ A_q V, one N×N matrix per term.
    public let reducedOperators: [Matrix]
    /// Vᵀ f_p, one N-vector per term.
    public let reducedRightHandSides: [[Double]]
    /// Vᵀ l_k, one N-vector per output.
    public let reducedOutputs: [[Double]]
    /// ‖l_k‖_{X'}: an output's error is at most this times Δ(μ).
    public let outputDualNorms: [Double]
    /// G (K×K), the Gram matrix of the residual representers (standard estimator).
    public let residualGram: Matrix
    /// B (R×K), the representers in an X-orthonormal basis (accurate estimator).
    public let residualCoefficients: Matrix
    /// The stability (coercivity) lower bound.
    public let coercivityBound: any StabilityLowerBound
    /// Whether the reduced operators are symmetric (Cholesky online, else LU).
    public let isSymmetric: Bool
    /// The reduced basis V (n×N) to reconstruct fields, when kept.
    public let basis: Matrix?
    /// The estimator evaluation.
    public var residualNormMethod: ResidualNormMethod
    /// The empirical interpolation of ‖r(μ)‖² (`.empiricalInterpolation`), when built.
    public let residualInterpolation: ResidualNormInterpolation?

    /// Assembles a model from its arrays, checking that their shapes agree.
    public init(parameterSpace: ParameterSpace, operatorCoefficients: any AffineCoefficients,
                rightHandSideCoefficients: any AffineCoefficients, reducedOperators: [Matrix], reducedRightHandSides: [[Double]],
                reducedOutputs: [[Double]], outputDualNorms: [Double], residualGram: Matrix, residualCoefficients: Matrix,
                coercivityBound: any StabilityLowerBound, isSymmetric: Bool, basis: Matrix?,
                residualNormMethod: ResidualNormMethod, residualInterpolation: ResidualNormInterpolation? = nil) throws {
        let n = reducedOperators.first?.rows ?? 0
        func require(_ condition: Bool, _ what: String, _ expected: Int, _ found: Int) throws {
            if !condition { throw ROMError.dimensionMismatch(what: what, expected: expected, found: found) }
        }
        try require(reducedOperators.count == operatorCoefficients.count, "reduced operator terms", operatorCoefficients.count, reducedOperators.count)
        for a in reducedOperators { try require(a.rows == n && a.columns == n, "reduced operator size", n, a.rows == n ? a.columns : a.rows) }
        try require(reducedRightHandSides.count == rightHandSideCoefficients.count, "reduced right-hand side terms",
                    rightHandSideCoefficients.count, reducedRightHandSides.count)
        for f in reducedRightHandSides + reducedOutputs { try require(f.count == n, "reduced vector length", n, f.count) }
        try require(outputDualNorms.count == reducedOutputs.count, "output dual norms", reducedOutputs.count, outputDualNorms.count)
        let k = rightHandSideCoefficients.count + operatorCoefficients.count * n
        try require(residualGram.rows == k && residualGram.columns == k, "residual Gram matrix size", k, residualGram.rows)
        try require(residualCoefficients.columns == k, "residual coefficient columns", k, residualCoefficients.columns)
        if let basis { try require(basis.columns == n, "basis columns", n, basis.columns) }
        if let interpolation = residualInterpolation {
            let largestIndex = interpolation.columns.max() ?? -1
            guard largestIndex < k else {
                throw ROMError.invalidOption(name: "residual interpolation points",
                                             detail: "index \(largestIndex) of c(μ), which has \(k) entries (P + Q N)")
            }
            try require(interpolation.parameters.rows == parameterSpace.dimension, "residual interpolation parameter dimension",
                        parameterSpace.dimension, interpolation.parameters.rows)
        } else if residualNormMethod == .empiricalInterpolation {
            throw ROMError.invalidOption(name: "residual norm method", detail: "empiricalInterpolation needs the interpolation data "
                                         + "(ReducedBasisReductor.reducedModel(residualNormMethod:trainingSet:))")
        }
        let largest = Swift.max(operatorCoefficients.largestComponent, rightHandSideCoefficients.largestComponent)
        guard largest < parameterSpace.dimension else {
            throw ROMError.invalidOption(name: "coefficient functions",
                                         detail: "they read mu[\(largest)] of a \(parameterSpace.dimension)-component parameter space")
        }
        if let reference = coercivityBound.referenceParameter {
            try require(reference.count == parameterSpace.dimension, "stability bound reference parameter", parameterSpace.dimension, reference.count)
        }
        self.parameterSpace = parameterSpace
        self.operatorCoefficients = operatorCoefficients
        self.rightHandSideCoefficients = rightHandSideCoefficients
        self.reducedOperators = reducedOperators
        self.reducedRightHandSides = reducedRightHandSides
        self.reducedOutputs = reducedOutputs
        self.outputDualNorms = outputDualNorms
        self.residualGram = residualGram
        self.residualCoefficients = residualCoefficients
        self.coercivityBound = coercivityBound
        self.isSymmetric = isSymmetric
        self.basis = basis
        self.residualNormMethod = residualNormMethod
        self.residualInterpolation = residualInterpolation
    }

    /// The reduced dimension N.
    public var size: Int { reducedOperators.first?.rows ?? 0 }

    /// The field V u_N of reduced coefficients (needs the basis).
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] {
        guard let basis else { throw ROMError.invalidOption(name: "reconstruction", detail: "this model was saved without its basis") }
        return basis.apply(coefficients)
    }
}
