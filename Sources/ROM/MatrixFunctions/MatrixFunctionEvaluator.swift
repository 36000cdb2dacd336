import LinearAlgebra

/// Answers queries of a `PartitionedMatrixPowerInterpolation` as an `OnlineModel` (what
/// `rom online` evaluates): the outputs are `logdet` (log det A(μ)) and, when the model holds the
/// vectors b and c, `quadratic_form` (bᵀA(μ)⁻¹c), each with its certified bound; the coefficients
/// are the interpolation weights λ_j(μ) of μ's subdomain, in its block of Σ_i d_i entries;
/// `reconstruct` forms x̃(μ) = Σ_j λ_j A(μ_j)⁻¹c when the solutions were kept, and the error
/// estimate is the bound of ‖A(μ)⁻¹c − x̃(μ)‖₂. Each subdomain's buffers are allocated here
/// (`MatrixPowerInterpolation.Workspace`), so a query allocates nothing. One evaluator per thread.
public final class MatrixFunctionEvaluator {
    /// The model.
    public let model: PartitionedMatrixPowerInterpolation
    /// The subdomain that answered the last query.
    public private(set) var selectedSubdomain = 0
    private let offsets: [Int]
    private let workspaces: [MatrixPowerInterpolation.Workspace]
    private var answers: MatrixPowerInterpolation.Answers?

    /// An evaluator of `model`.
    public init(model: PartitionedMatrixPowerInterpolation) {
        self.model = model
        var running = 0
        offsets = model.models.map { local in defer { running += local.terms }; return running }
        workspaces = model.models.map { $0.makeWorkspace() }
    }

    /// The last query's answers, with the weights λ(μ) of its subdomain (a new array).
    public var evaluation: MatrixPowerInterpolation.Evaluation? {
        answers.map { a in
            MatrixPowerInterpolation.Evaluation(weights: Array(workspaces[selectedSubdomain].weights), logDeterminant: a.logDeterminant,
                                                logDeterminantBound: a.logDeterminantBound, quadraticForm: a.quadraticForm,
                                                quadraticFormBound: a.quadraticFormBound, inverseBound: a.inverseBound)
        }
    }

    /// Answers μ (validated against the box).
    public func solve(_ mu: Parameter) throws {
        try mu.values.withUnsafeBufferPointer { try solve(components: $0) }
    }

    /// Answers μ given as components, checked against the box (a query outside it has no bound).
    public func solve(components mu: UnsafeBufferPointer<Double>) throws {
        try model.parameterSpace.validate(mu)
        selectedSubdomain = model.partition.subdomain(containing: mu)
        answers = model.models[selectedSubdomain].evaluate(at: mu, workspace: workspaces[selectedSubdomain])
    }
}

extension MatrixFunctionEvaluator: OnlineModel {
    /// "matrix-power-interpolation".
    public var method: String { OnlineModelFile.matrixFunctionsMethod }
    /// "matrix-power interpolation (… subdomains): log det A(μ), bᵀA(μ)⁻¹c".
    public var methodDescription: String {
        "matrix-power interpolation (\(model.partition.count) subdomains, degree \(model.models[0].degree)): log det A(μ)"
            + (model.models[0].hasQuadraticForm ? ", bᵀA(μ)⁻¹c" : "")
    }
    /// The whole box.
    public var parameterSpace: ParameterSpace { model.parameterSpace }
    /// Σ_i d_i: the weights live in one block per subdomain, only the selected one nonzero.
    public var reducedDimension: Int { model.totalTerms }
    /// log det, and bᵀA⁻¹c with the vectors.
    public var outputCount: Int { model.models[0].hasQuadraticForm ? 2 : 1 }
    /// `logdet`, `quadratic_form`.
    public var outputNames: [String] { Array(["logdet", "quadratic_form"].prefix(outputCount)) }
    /// A certified bound of the vector A(μ)⁻¹c with the vectors; none without (the outputs' bounds
    /// are `outputErrorEstimate`).
    public var errorEstimateKind: ErrorEstimateKind { model.models[0].hasQuadraticForm ? .certifiedBound : .none }
    /// Whether A(μ_j)⁻¹c were kept.
    public var canReconstruct: Bool { model.models.allSatisfy(\.hasInverse) }
    /// λ(μ) in the selected subdomain's block, zeros elsewhere.
    public var coefficients: [Double] {
        var all = [Double](repeating: 0, count: reducedDimension)
        guard answers != nil else { return all }
        for (j, value) in workspaces[selectedSubdomain].weights.enumerated() { all[offsets[selectedSubdomain] + j] = value }
        return all
    }
    /// log det A(μ) (and bᵀA(μ)⁻¹c).
    public var outputs: [Double] {
        guard let e = answers else { return [] }
        return [e.logDeterminant] + (e.quadraticForm.map { [$0] } ?? [])
    }
    /// The bound of ‖A(μ)⁻¹c − x̃(μ)‖₂ (0 without the vectors: the model answers no vector).
    public var errorEstimate: Double { answers?.inverseBound ?? 0 }
    /// The bound of output k.
    public func outputErrorEstimate(_ k: Int) -> Double? {
        guard let e = answers else { return nil }
        return k == 0 ? e.logDeterminantBound : e.quadraticFormBound
    }
    /// The subdomain that answered.
    public var estimateDetails: [(name: String, value: Double)] { [("subdomain", Double(selectedSubdomain))] }
    /// x̃ = Σ_j λ_j A(μ_j)⁻¹c from the weights' nonzero block.
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] {
        guard coefficients.count == reducedDimension else {
            throw ROMError.dimensionMismatch(what: "interpolation weights (Σ_i d_i)", expected: reducedDimension, found: coefficients.count)
        }
        var field = [Double](repeating: 0, count: model.models[0].dimension)
        for (i, local) in model.models.enumerated() {
            let block = Array(coefficients[offsets[i]..<(offsets[i] + local.terms)])
            guard block.contains(where: { $0 != 0 }) else { continue }
            guard let solutions = local.vectors?.solutions else {
                throw ROMError.invalidOption(name: "reconstruct", detail: "the model was saved without the solutions A(μ_j)⁻¹c")
            }
            let part = solutions.apply(block)
            for k in field.indices { field[k] += part[k] }
        }
        return field
    }
    /// Subdomains, the largest and total d, the order n, the degree.
    public var sizes: [ModelSize] {
        [ModelSize(key: "subdomains", value: model.partition.count, meaning: "local interpolations (one answers a query)"),
         ModelSize(key: "d", value: model.maxTerms, meaning: "largest number of terms of a subdomain (the online cost)"),
         ModelSize(key: "total_terms", value: model.totalTerms, meaning: "Σ_i d_i: the offline factorizations"),
         ModelSize(key: "degree", value: model.models[0].degree, meaning: "largest degree of the interpolated powers"),
         ModelSize(key: "truth_dimension", value: model.models[0].dimension, meaning: "order n of A(μ)")]
    }
    /// θ(μ), the scaling, the outputs.
    public var facts: [ModelFact] {
        let local = model.models[0]
        let scaling = local.referenceCoefficients == nil ? "Gershgorin (N = I − A(μ)/α)" : "reference (A relative to A(μ̄) of each subdomain)"
        return [ModelFact(key: "coefficients", label: "θ_q(μ)", lines: local.coefficients.descriptions, isList: true,
                          json: .array(local.coefficients.descriptions.map(JSONValue.string))),
                ModelFact(key: "scaling", label: "scaling", lines: [scaling], json: .string(local.referenceCoefficients == nil ? "gershgorin" : "reference")),
                ModelFact(key: "outputs", label: "outputs", lines: [outputNames.joined(separator: ", ")],
                          json: .array(outputNames.map(JSONValue.string)))]
    }
}
