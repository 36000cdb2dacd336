import LinearAlgebra

/// The reduced model of a `ParametricProblem` that has no affine decomposition (or no stability
/// bound), real or complex: for μ it assembles A(μ) and f(μ) through the problem, solves the
/// Galerkin system Vᴴ A(μ) V u_N = Vᴴ f(μ), and reports the residual-norm indicator
/// ‖f − A V u_N‖_{X'}. Its queries cost O(nnz · N) and need the truth problem in memory, so it is
/// not stored in a file: an offline/online split comes from an affine or an empirically
/// interpolated decomposition (the nonintrusive RB). What the RB greedy returns for such a
/// problem; a real one is an `OnlineModel`.
public final class GalerkinProjectionModel<Problem: ParametricProblem> {
    private let surrogate: ResidualIndicatorSurrogate<Problem>
    /// The reduced basis V (X-orthonormal columns).
    public var basis: DenseMatrix<Problem.Element> { surrogate.basis }
    /// u_N(μ) of the last query.
    public private(set) var coefficients: [Problem.Element] = []
    /// The residual-norm indicator of the last query (relative to ‖u_N‖_X if the greedy was relative).
    public private(set) var errorEstimate = 0.0

    init(surrogate: ResidualIndicatorSurrogate<Problem>) {
        self.surrogate = surrogate
    }

    /// The problem's parameter box.
    public var parameterSpace: ParameterSpace { surrogate.problem.parameterSpace }
    /// N.
    public var reducedDimension: Int { surrogate.size }

    /// Assembles A(μ), f(μ), solves the Galerkin system and evaluates the indicator.
    public func solve(_ mu: Parameter) throws {
        try parameterSpace.validate(mu)
        (coefficients, errorEstimate) = try surrogate.galerkinSolution(at: mu)
    }

    /// V u_N.
    public func reconstruct(_ coefficients: [Problem.Element]) throws -> [Problem.Element] {
        guard coefficients.count == reducedDimension else {
            throw ROMError.dimensionMismatch(what: "reduced coefficients", expected: reducedDimension, found: coefficients.count)
        }
        return basis.applied(to: coefficients)
    }
}

extension GalerkinProjectionModel: OnlineModel where Problem.Element == Double {
    /// "galerkin-projection" (not a file format: the model needs its problem).
    public var method: String { "galerkin-projection" }
    /// "Galerkin projection, residual indicator".
    public var methodDescription: String { "Galerkin projection, residual indicator" }
    /// No outputs.
    public var outputCount: Int { 0 }
    /// A residual-norm indicator.
    public var errorEstimateKind: ErrorEstimateKind { .indicator }
    /// The basis is kept.
    public var canReconstruct: Bool { true }
    /// `solve` on the components.
    public func solve(components mu: UnsafeBufferPointer<Double>) throws { try solve(Parameter(Array(mu))) }
    /// No outputs.
    public var outputs: [Double] { [] }
    /// No outputs.
    public func outputErrorEstimate(_ k: Int) -> Double? { nil }
    /// The indicator is the residual norm.
    public var estimateDetails: [(name: String, value: Double)] { [("residual_norm", errorEstimate)] }

    /// N and the truth dimension.
    public var sizes: [ModelSize] {
        [ModelSize(key: "N", value: reducedDimension, meaning: "reduced basis size"),
         ModelSize(key: "truth_dimension", value: basis.rows, meaning: "truth unknowns")]
    }

    /// The indicator.
    public var facts: [ModelFact] {
        [ModelFact(key: "estimator", label: "error indicator", lines: ["residual norm ‖f − A V u_N‖_X' (not a bound)"],
                   json: .string("residual-indicator"))]
    }
}
