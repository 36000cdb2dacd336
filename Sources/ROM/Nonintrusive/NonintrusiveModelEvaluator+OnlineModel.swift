import LinearAlgebra

extension NonintrusiveModelEvaluator: OnlineModel where Element == Double {
    /// β, γ interpolated in μ (or the entry source's entries).
    public func solve(components mu: UnsafeBufferPointer<Double>) throws {
        if entrySource != nil { try solve(Parameter(Array(mu))) } else { try solve(interpolating: mu) }
    }
    /// No outputs.
    public var outputs: [Double] { [] }
    /// No outputs.
    public func outputErrorEstimate(_ k: Int) -> Double? { nil }
}

/// What a nonintrusive model says of itself, real or complex (`ComplexNonintrusiveModel` passes it on).
extension NonintrusiveModelEvaluator {
    /// "nonintrusive-reduced-basis".
    public var method: String { OnlineModelFile.nonintrusiveMethod }
    /// "nonintrusive reduced basis (matrix EIM), Galerkin".
    public var methodDescription: String {
        "nonintrusive reduced basis (matrix EIM), " + (Element.isComplex ? "Hermitian Galerkin, complex" : "Galerkin")
    }
    /// The model's parameter box.
    public var parameterSpace: ParameterSpace { model.parameterSpace }
    /// N.
    public var reducedDimension: Int { model.size }
    /// No outputs.
    public var outputCount: Int { 0 }
    /// An indicator (sketched residual plus interpolation error over α).
    public var errorEstimateKind: ErrorEstimateKind { .indicator }
    /// Whether the basis is kept.
    public var canReconstruct: Bool { model.basis != nil }
    /// The sketched residual and interpolation error of the last query.
    public var estimateDetails: [(name: String, value: Double)] {
        [("residual_norm", residualNorm), ("interpolation_error_norm", interpolationErrorNorm)]
    }
    /// N, d, d_f, k, n.
    public var sizes: [ModelSize] {
        [ModelSize(key: "N", value: model.size, meaning: Element.isComplex ? "reduced basis size (complex vectors)" : "reduced basis size"),
         ModelSize(key: "d", value: model.operatorTerms, meaning: "operator interpolation terms (+1 magic entry for the estimate)"),
         ModelSize(key: "d_f", value: model.rightHandSideTerms, meaning: "right-hand side interpolation terms (+1 for the estimate)"),
         ModelSize(key: "k", value: model.sketchSize, meaning: "rows of the residual sketch"),
         ModelSize(key: "truth_dimension", value: model.order, meaning: "truth unknowns")]
    }
    /// The magic entries (what `--entries` lists), the estimator, the coefficient paths.
    public var facts: [ModelFact] {
        let operatorLines = zip(model.operatorPositions, model.operatorParts).map { p, part in
            "\(p.row) \(p.column)" + (part == .imaginary ? " imaginary" : "")
        }
        let rhsLines = zip(model.rightHandSideIndices, model.rightHandSideParts).map { i, part in "\(i)" + (part == .imaginary ? " imaginary" : "") }
        return [
            ModelFact(key: "operator_entries", label: "operator magic entries (row column), in the order --entries reads them",
                      lines: operatorLines, isList: true,
                      json: .array(zip(model.operatorPositions, model.operatorParts).map { .array([.number(Double($0.row)), .number(Double($0.column)), .number(Double($1.rawValue))]) })),
            ModelFact(key: "rhs_entries", label: "right-hand side magic entries (index), after the operator's in --entries",
                      lines: rhsLines, isList: true,
                      json: .array(zip(model.rightHandSideIndices, model.rightHandSideParts).map { .array([.number(Double($0)), .number(Double($1.rawValue))]) })),
            ModelFact(key: "estimator", label: "error indicator",
                      lines: ["(‖Θ r‖ + ‖Θ e‖)/α, sketch of \(model.sketchSize) rows, α = \(model.stabilityConstant)"],
                      json: .string("sketched-residual")),
            ModelFact(key: "coefficients_without_entries", label: "β(μ) without entries",
                      lines: [model.coefficientInterpolation.map { "cubic RBF fit on \($0.centres.rows) training parameters" } ?? "not available: give the entries"],
                      json: .bool(model.coefficientInterpolation != nil)),
        ]
    }
}
