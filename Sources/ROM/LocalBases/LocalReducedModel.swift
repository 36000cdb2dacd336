import LinearAlgebra

/// A dictionary of local reduced models (piecewise linear data compression): one certified
/// Galerkin RB model per cluster of the training snapshots, each on its own POD basis, and what
/// picks the cluster of a query — the parameters of the clusters' representatives and the
/// training parameters with their labels. Saved as one `.npz` (`OnlineModelFile`, method
/// "local-reduced-bases"); queries go through `LocalReducedModelEvaluator`.
public struct LocalReducedModel: Sendable {
    /// The parameter box.
    public let parameterSpace: ParameterSpace
    /// The local model of each cluster.
    public let models: [ReducedModel]
    /// The parameter of each cluster's representative snapshot.
    public let representativeParameters: [Parameter]
    /// The training parameters and the cluster of each (the k-nearest-neighbours classifier).
    public let trainingParameters: [Parameter]
    /// The cluster of each training parameter.
    public let trainingLabels: [Int]
    /// How a query's cluster is picked.
    public var selection: ClusterSelection
    /// How the snapshots were partitioned.
    public let clusteringMethod: ClusteringMethod

    /// A dictionary from its parts.
    /// - Throws: `ROMError.empty` without models, `.dimensionMismatch` when the counts disagree,
    ///   `.invalidOption` for a model on another parameter space, a label outside 0..<k, a
    ///   parameter outside the box, or k-nearest-neighbours with more neighbours than training parameters.
    public init(parameterSpace: ParameterSpace, models: [ReducedModel], representativeParameters: [Parameter],
                trainingParameters: [Parameter], trainingLabels: [Int], selection: ClusterSelection,
                clusteringMethod: ClusteringMethod) throws {
        guard !models.isEmpty else { throw ROMError.empty(what: "dictionary of local reduced models") }
        if let bad = models.firstIndex(where: { $0.parameterSpace != parameterSpace }) {
            throw ROMError.invalidOption(name: "local model \(bad)", detail: "its parameter space differs from the dictionary's")
        }
        let k = models.count
        guard representativeParameters.count == k else {
            throw ROMError.dimensionMismatch(what: "representative parameters", expected: k, found: representativeParameters.count)
        }
        guard trainingLabels.count == trainingParameters.count else {
            throw ROMError.dimensionMismatch(what: "training labels", expected: trainingParameters.count, found: trainingLabels.count)
        }
        if let bad = trainingLabels.firstIndex(where: { !(0..<k).contains($0) }) {
            throw ROMError.invalidOption(name: "training label \(bad)", detail: "\(trainingLabels[bad]) is not a cluster of 0..<\(k)")
        }
        for (what, list) in [("representative", representativeParameters), ("training", trainingParameters)] {
            for (index, mu) in list.enumerated() {
                do { try parameterSpace.validate(mu) } catch {
                    throw ROMError.invalidOption(name: "\(what) parameter \(index)", detail: "\(error)")
                }
            }
        }
        if case .nearestNeighbours(let neighbours) = selection, !(1...Swift.max(trainingParameters.count, 1)).contains(neighbours) || trainingParameters.isEmpty {
            throw ROMError.invalidOption(name: "cluster selection", detail: "knn with k = \(neighbours) over \(trainingParameters.count) training parameters")
        }
        self.parameterSpace = parameterSpace
        self.models = models
        self.representativeParameters = representativeParameters
        self.trainingParameters = trainingParameters
        self.trainingLabels = trainingLabels
        self.selection = selection
        self.clusteringMethod = clusteringMethod
    }

    /// The number of clusters k.
    public var clusterCount: Int { models.count }
    /// The largest local basis size.
    public var largestSize: Int { models.map(\.size).max() ?? 0 }
    /// The truth dimension (0 if no basis is kept).
    public var truthDimension: Int { models.first?.basis?.rows ?? 0 }
}

/// Builds dictionaries of local reduced models from clustered snapshots.
public enum LocalReducedBases {
    /// One POD basis of `basisSize` modes per cluster (its members plus, with `overlap` ω, the
    /// ⌈ω|C|⌉ nearest other snapshots), orthonormal in the problem's inner product, and on each a
    /// certified Galerkin RB model of the affine problem (`ReducedBasisReductor`).
    /// - Parameters:
    ///   - snapshots: the truth solutions, one per column, in the order of `parameters`.
    ///   - clustering: a partition of those snapshots.
    /// - Throws: `ROMError.dimensionMismatch` when the counts disagree, and what POD and the reductor throw.
    public static func build(problem: AffineProblem, snapshots: Matrix, parameters: [Parameter], clustering: SnapshotClustering,
                             basisSize: Int, overlap: Double = 0, selection: ClusterSelection = .nearestNeighbours(5),
                             keepBases: Bool = true) throws -> LocalReducedModel {
        guard snapshots.columns == parameters.count else {
            throw ROMError.dimensionMismatch(what: "snapshot parameters", expected: snapshots.columns, found: parameters.count)
        }
        guard clustering.labels.count == snapshots.columns else {
            throw ROMError.dimensionMismatch(what: "clustering labels", expected: snapshots.columns, found: clustering.labels.count)
        }
        let models = try (0..<clustering.clusterCount).map { c -> ReducedModel in
            let members = try clustering.membersWithOverlap(of: c, overlap: overlap)
            let pod = try POD(snapshots: Matrix(columns: members.map { snapshots.column($0) }), innerProduct: problem.innerProduct,
                              truncation: .count(basisSize))
            var reductor = try ReducedBasisReductor(problem: problem)
            for j in 0..<pod.modes.columns { try reductor.extend(with: pod.modes.column(j)) }
            return try reductor.reducedModel(keepBasis: keepBases)
        }
        return try LocalReducedModel(parameterSpace: problem.parameterSpace, models: models,
                                     representativeParameters: clustering.representatives.map { parameters[$0] },
                                     trainingParameters: parameters, trainingLabels: clustering.labels, selection: selection,
                                     clusteringMethod: clustering.method)
    }
}
