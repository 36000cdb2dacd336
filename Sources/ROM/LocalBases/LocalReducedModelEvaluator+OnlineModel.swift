import LinearAlgebra

extension LocalReducedModelEvaluator: OnlineModel {
    /// "local-reduced-bases".
    public var method: String { OnlineModelFile.localReducedBasesMethod }
    /// "local reduced bases (…), Galerkin".
    public var methodDescription: String { "local reduced bases (\(model.clusteringMethod.rawValue), \(model.clusterCount) clusters), Galerkin" }
    /// The dictionary's parameter box.
    public var parameterSpace: ParameterSpace { model.parameterSpace }
    /// Σ_c N_c: the coefficients of every query live in the union of the local bases, one block
    /// per cluster, only the selected cluster's block nonzero (a query costs one local solve).
    public var reducedDimension: Int { model.models.reduce(0) { $0 + $1.size } }
    /// The outputs of the local models.
    public var outputCount: Int { model.models[0].reducedOutputs.count }
    /// Each local model's Δ(μ) is a certified bound.
    public var errorEstimateKind: ErrorEstimateKind { .certifiedBound }
    /// Whether every local basis is kept.
    public var canReconstruct: Bool { model.models.allSatisfy { $0.basis != nil } }
    /// The coefficients of the last query in the union of the local bases: u_N(μ) of the selected
    /// cluster in its block, zeros elsewhere. They name their basis, so `reconstruct` needs no
    /// memory of the query (`rom online --mu-file` reconstructs after all queries).
    public var coefficients: [Double] {
        var all = [Double](repeating: 0, count: reducedDimension)
        let offset = model.models[..<selectedCluster].reduce(0) { $0 + $1.size }
        for (i, value) in selected.coefficients.enumerated() { all[offset + i] = value }
        return all
    }
    /// The outputs of the last query.
    public var outputs: [Double] { selected.outputs }
    /// Δ(μ) of the selected local model.
    public var errorEstimate: Double { selected.errorEstimate }
    /// ‖l_k‖_{X'} Δ(μ) of the selected local model.
    public func outputErrorEstimate(_ k: Int) -> Double? { selected.outputBound(k) }
    /// The selected cluster, its residual norm and coercivity lower bound.
    public var estimateDetails: [(name: String, value: Double)] {
        [("cluster", Double(selectedCluster)), ("residual_norm", selected.residualNorm),
         ("coercivity_lower_bound", selected.coercivityLowerBound)]
    }
    /// Σ_c V_c u_c over the blocks of `coefficients` (one nonzero block for an answer).
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] {
        guard coefficients.count == reducedDimension else {
            throw ROMError.dimensionMismatch(what: "reduced coefficients of the dictionary (Σ_c N_c)", expected: reducedDimension,
                                             found: coefficients.count)
        }
        var field: [Double]?
        var offset = 0
        for local in model.models {
            let block = Array(coefficients[offset..<(offset + local.size)])
            offset += local.size
            guard block.contains(where: { $0 != 0 }) else { continue }
            let part = try local.reconstruct(block)
            field = field.map { zip($0, part).map { $0 + $1 } } ?? part
        }
        // All zero: the zero field (or the error of a model saved without its bases).
        return try field ?? model.models[0].reconstruct([Double](repeating: 0, count: model.models[0].size))
    }

    /// k, the largest N, Q, P, the training set's size, the truth dimension.
    public var sizes: [ModelSize] {
        let first = model.models[0]
        return [ModelSize(key: "clusters", value: model.clusterCount, meaning: "local reduced models"),
                ModelSize(key: "N", value: model.largestSize, meaning: "largest local basis size (one local solve per query)"),
                ModelSize(key: "coefficients", value: reducedDimension, meaning: "Σ_c N_c: answers in the union of the local bases"),
                ModelSize(key: "Q", value: first.operatorCoefficients.count, meaning: "operator terms θ_q A_q"),
                ModelSize(key: "P", value: first.rightHandSideCoefficients.count, meaning: "right-hand side terms θ'_p f_p"),
                ModelSize(key: "outputs", value: first.reducedOutputs.count, meaning: "linear outputs"),
                ModelSize(key: "training", value: model.trainingParameters.count, meaning: "training parameters (the classifier)"),
                ModelSize(key: "truth_dimension", value: model.truthDimension, meaning: "truth unknowns (0: bases not stored)")]
    }

    /// The clustering, the selection, each cluster's size, then the local models' coefficients and bound.
    public var facts: [ModelFact] {
        let selection = model.selection
        let selectionText = selection.key + (selection.neighbours > 0 ? " (k = \(selection.neighbours))" : "")
        let shared = model.models[0].facts.filter { ["operator_coefficients", "rhs_coefficients", "coercivity_bound", "estimator"].contains($0.key) }
        return [ModelFact(key: "clustering", label: "clustering", lines: [model.clusteringMethod.rawValue], json: .string(model.clusteringMethod.rawValue)),
                ModelFact(key: "selection", label: "cluster selection", lines: [selectionText],
                          json: .object([("kind", .string(selection.key)), ("neighbours", .number(Double(selection.neighbours)))])),
                ModelFact(key: "cluster_sizes", label: "local basis sizes",
                          lines: model.models.enumerated().map { "cluster \($0.offset): N = \($0.element.size), representative μ = \(model.representativeParameters[$0.offset])" },
                          isList: true, json: .numbers(model.models.map { Double($0.size) }))] + shared
    }
}
