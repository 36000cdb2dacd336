import LinearAlgebra

/// Answers queries of a `PartitionedNonintrusiveModel`: the subdomain of μ by the partition's
/// tree (`ParameterPartition.subdomain(containing:)`), then that subdomain's local model
/// (`NonintrusiveModelEvaluator`) with its own magic entries. The coefficients, the indicator and
/// `reconstruct` are those of the selected subdomain (`selectedSubdomain`). Every local evaluator
/// allocates its workspace here, so a query allocates nothing beyond what the entry source does.
/// One evaluator per thread.
public final class PartitionedNonintrusiveEvaluator<Element: Scalar> {
    /// The dictionary.
    public let model: PartitionedNonintrusiveModel<Element>
    /// The evaluator of each subdomain's model.
    public let evaluators: [NonintrusiveModelEvaluator<Element>]
    /// The subdomain that answered the last query.
    public private(set) var selectedSubdomain = 0

    /// An evaluator; `entrySource(i)`, when given, is the magic-entry source of subdomain i's model
    /// (see `NonintrusiveModelEvaluator.entrySource`); without it β and γ are interpolated in μ.
    public init(model: PartitionedNonintrusiveModel<Element>,
                entrySource: ((Int) -> (@Sendable (Parameter) throws -> (operator: [Element], rightHandSide: [Element])))? = nil) {
        self.model = model
        evaluators = model.models.indices.map { NonintrusiveModelEvaluator(model: model.models[$0], entrySource: entrySource?($0)) }
    }

    /// The selected subdomain's evaluator.
    public var selected: NonintrusiveModelEvaluator<Element> { evaluators[selectedSubdomain] }

    /// Selects the subdomain of μ (components, not validated) and returns its evaluator, which
    /// the caller then answers with the magic entries of that local model.
    @discardableResult
    public func select(_ mu: UnsafeBufferPointer<Double>) -> NonintrusiveModelEvaluator<Element> {
        selectedSubdomain = model.partition.subdomain(containing: mu)
        return evaluators[selectedSubdomain]
    }

    /// Answers μ (validated): its subdomain's model, with entries from the source or interpolated.
    public func solve(_ mu: Parameter) throws {
        try model.parameterSpace.validate(mu)
        try mu.values.withUnsafeBufferPointer { try solveSelected($0) }
    }

    /// Answers μ given as components (not validated against the whole box).
    public func solveSelected(_ mu: UnsafeBufferPointer<Double>) throws {
        let local = select(mu)
        if local.entrySource != nil { try local.solve(Parameter(Array(mu))) } else { try local.solve(interpolating: mu) }
    }
}

extension PartitionedNonintrusiveEvaluator: OnlineModel where Element == Double {
    /// "hp-nonintrusive-reduced-basis".
    public var method: String { OnlineModelFile.hpNonintrusiveMethod }
    /// "hp nonintrusive reduced basis (… subdomains), Galerkin".
    public var methodDescription: String { "hp nonintrusive reduced basis (matrix EIM, \(model.partition.count) subdomains), Galerkin" }
    /// The whole box.
    public var parameterSpace: ParameterSpace { model.parameterSpace }
    /// Σ_i N_i: the coefficients live in the union of the local bases, one block per subdomain,
    /// only the selected subdomain's nonzero.
    public var reducedDimension: Int { model.models.reduce(0) { $0 + $1.size } }
    /// No outputs.
    public var outputCount: Int { 0 }
    /// An indicator (the local model's).
    public var errorEstimateKind: ErrorEstimateKind { .indicator }
    /// Whether every local basis is kept.
    public var canReconstruct: Bool { model.models.allSatisfy { $0.basis != nil } }
    /// Answers μ (components, not validated).
    public func solve(components mu: UnsafeBufferPointer<Double>) throws { try solveSelected(mu) }
    /// The selected subdomain's u_N in its block of the union of the local bases, zeros elsewhere.
    public var coefficients: [Double] {
        var all = [Double](repeating: 0, count: reducedDimension)
        let offset = model.models[..<selectedSubdomain].reduce(0) { $0 + $1.size }
        for (i, value) in selected.coefficients.enumerated() { all[offset + i] = value }
        return all
    }
    /// No outputs.
    public var outputs: [Double] { [] }
    /// The selected local model's indicator.
    public var errorEstimate: Double { selected.errorEstimate }
    /// No outputs.
    public func outputErrorEstimate(_ k: Int) -> Double? { nil }
    /// The subdomain, its sketched residual and interpolation error.
    public var estimateDetails: [(name: String, value: Double)] {
        [("subdomain", Double(selectedSubdomain)), ("residual_norm", selected.residualNorm),
         ("interpolation_error_norm", selected.interpolationErrorNorm)]
    }
    /// Σ_i V_i u_i over the blocks of `coefficients` (one nonzero block for an answer).
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] {
        guard coefficients.count == reducedDimension else {
            throw ROMError.dimensionMismatch(what: "reduced coefficients of the partition (Σ_i N_i)", expected: reducedDimension,
                                             found: coefficients.count)
        }
        var field: [Double]?
        var offset = 0
        for local in evaluators {
            let size = local.model.size
            let block = Array(coefficients[offset..<(offset + size)])
            offset += size
            guard block.contains(where: { $0 != 0 }) else { continue }
            let part = try local.reconstruct(block)
            field = field.map { zip($0, part).map { $0 + $1 } } ?? part
        }
        return try field ?? evaluators[0].reconstruct([Double](repeating: 0, count: evaluators[0].model.size))
    }
    /// Subdomains, the largest and mean N and d, the truth order.
    public var sizes: [ModelSize] {
        let count = model.models.count
        return [ModelSize(key: "subdomains", value: count, meaning: "local nonintrusive models (one answers a query)"),
                ModelSize(key: "N", value: model.largestSize, meaning: "largest local basis size"),
                ModelSize(key: "d", value: model.largestOperatorTerms, meaning: "largest local operator interpolation terms"),
                ModelSize(key: "coefficients", value: reducedDimension, meaning: "Σ_i N_i: answers in the union of the local bases"),
                ModelSize(key: "truth_dimension", value: model.order, meaning: "truth unknowns")]
    }
    /// Each subdomain's box and sizes; the local models' estimator.
    public var facts: [ModelFact] {
        let lines = model.models.enumerated().map { i, local -> String in
            let box = model.partition.boxes[i]
            let ranges = box.names.indices.map { "\(box.names[$0]) ∈ [\(box.lower[$0]), \(box.upper[$0])]" }.joined(separator: ", ")
            return "subdomain \(i): N = \(local.size), d = \(local.operatorTerms), \(ranges)"
        }
        return [ModelFact(key: "subdomains", label: "subdomains (magic entries of each: numpy.load, subdomain_<i>/operator_entries)",
                          lines: lines, isList: true,
                          json: .array(model.models.map { .array([.number(Double($0.size)), .number(Double($0.operatorTerms))]) }))]
            + evaluators[0].facts.filter { $0.key == "estimator" }
    }
}
