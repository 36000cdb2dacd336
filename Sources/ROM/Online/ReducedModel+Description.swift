import LinearAlgebra

extension ReducedModel {
    /// N, Q, P, R, outputs, the truth dimension (0 when the basis is not kept), and S when the
    /// residual norm is interpolated.
    public var sizes: [ModelSize] {
        [ModelSize(key: "N", value: size, meaning: "reduced basis size"),
         ModelSize(key: "Q", value: operatorCoefficients.count, meaning: "operator terms θ_q A_q"),
         ModelSize(key: "P", value: rightHandSideCoefficients.count, meaning: "right-hand side terms θ'_p f_p"),
         ModelSize(key: "R", value: residualCoefficients.rows, meaning: "rows of the residual coefficient matrix"),
         ModelSize(key: "outputs", value: reducedOutputs.count, meaning: "linear outputs"),
         ModelSize(key: "truth_dimension", value: basis?.rows ?? 0, meaning: "truth unknowns (0: basis not stored)")]
            + (residualInterpolation.map { [ModelSize(key: "S", value: $0.terms, meaning: "terms of the residual-norm interpolation")] } ?? [])
    }

    /// What `rom info` says of a certified RB model beyond its sizes and parameters.
    public var facts: [ModelFact] {
        [ModelFact(key: "operator_coefficients", label: "operator coefficients",
                   lines: operatorCoefficients.descriptions.enumerated().map { "theta_\($0.offset)(mu) = \($0.element)" },
                   isList: true, json: .array(operatorCoefficients.descriptions.map(JSONValue.string))),
         ModelFact(key: "rhs_coefficients", label: "right-hand side coefficients",
                   lines: rightHandSideCoefficients.descriptions.enumerated().map { "theta'_\($0.offset)(mu) = \($0.element)" },
                   isList: true, json: .array(rightHandSideCoefficients.descriptions.map(JSONValue.string))),
         ModelFact(key: "coercivity_bound", label: "coercivity bound", lines: [coercivityBound.summary], json: coercivityJSON),
         ModelFact(key: "estimator", label: "error estimator", lines: [estimatorText], json: .string(residualNormMethod.rawValue)),
         ModelFact(key: "symmetric", label: "reduced operators", lines: [isSymmetric ? "symmetric (Cholesky)" : "general (LU)"],
                   json: .bool(isSymmetric)),
         ModelFact(key: "has_basis", label: "basis stored",
                   lines: [basis.map { "yes (\($0.rows) × \($0.columns)); --field can reconstruct fields" } ?? "no"],
                   json: .bool(basis != nil))]
    }

    private var coercivityJSON: JSONValue {
        switch coercivityBound as? CoercivityBound {
        case nil: return .object([("kind", .string("\(type(of: coercivityBound))")), ("summary", .string(coercivityBound.summary))])
        case .constant(let c)?: return .object([("kind", .string("constant")), ("value", .number(c))])
        case let .minTheta(reference, alpha)?:
            return .object([("kind", .string("min_theta")), ("reference", .numbers(reference)), ("reference_constant", .number(alpha))])
        }
    }

    private var estimatorText: String {
        switch residualNormMethod {
        case .orthonormalized: return "orthonormalized (accurate residual norm, Buhr et al. 2014)"
        case .standard: return "standard (Gram matrix formula; stalls near 1e-8 relative)"
        case .empiricalInterpolation:
            return "empirical interpolation of the squared residual norm, \(residualInterpolation?.terms ?? 0) terms (Casenave et al. 2014)"
        }
    }
}
