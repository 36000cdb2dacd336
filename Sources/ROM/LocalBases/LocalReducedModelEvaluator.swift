import LinearAlgebra

/// Answers queries of a `LocalReducedModel`: picks the cluster of μ (`ClusterSelection`), then
/// solves that cluster's reduced model (`ReducedModelEvaluator`); with `.smallestResidual` every
/// local model solves and the one with the smallest bound Δ(μ) answers. The coefficients, the
/// bound, the outputs and `reconstruct` are those of the selected cluster (`selectedCluster`).
///
/// Parameters are compared in the box scaled to the unit cube; the scaled training and
/// representative parameters and the k-nearest-neighbours workspace are allocated here, so a
/// query allocates nothing. One evaluator per thread.
public final class LocalReducedModelEvaluator {
    /// The dictionary.
    public let model: LocalReducedModel
    /// The evaluator of each cluster's model.
    public let evaluators: [ReducedModelEvaluator]
    /// The cluster that answered the last query.
    public private(set) var selectedCluster = 0

    private let dimension: Int
    private let scale: [Double]
    private let representatives: UnsafeMutableBufferPointer<Double>   // d × k, scaled
    private let training: UnsafeMutableBufferPointer<Double>          // d × m, scaled
    private let labels: [Int]
    private let neighbourIndices: UnsafeMutableBufferPointer<Int>
    private let neighbourDistances: UnsafeMutableBufferPointer<Double>
    private let votes: UnsafeMutableBufferPointer<Int>

    /// An evaluator with its workspace.
    public init(model: LocalReducedModel) {
        self.model = model
        evaluators = model.models.map { ReducedModelEvaluator(model: $0) }
        let space = model.parameterSpace
        dimension = space.dimension
        scale = (0..<space.dimension).map { space.upper[$0] > space.lower[$0] ? 1 / (space.upper[$0] - space.lower[$0]) : 0 }
        func scaled(_ list: [Parameter]) -> UnsafeMutableBufferPointer<Double> {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(list.count * space.dimension, 1))
            buffer.initialize(repeating: 0)
            for (j, mu) in list.enumerated() {
                for a in 0..<space.dimension { buffer[j * space.dimension + a] = (mu[a] - space.lower[a]) * (space.upper[a] > space.lower[a] ? 1 / (space.upper[a] - space.lower[a]) : 0) }
            }
            return buffer
        }
        representatives = scaled(model.representativeParameters)
        training = scaled(model.trainingParameters)
        labels = model.trainingLabels
        let k = Swift.max(model.selection.neighbours, 1)
        neighbourIndices = .allocate(capacity: k)
        neighbourIndices.initialize(repeating: 0)
        neighbourDistances = .allocate(capacity: k)
        neighbourDistances.initialize(repeating: 0)
        votes = .allocate(capacity: model.clusterCount)
        votes.initialize(repeating: 0)
    }

    deinit {
        representatives.deallocate()
        training.deallocate()
        neighbourIndices.deallocate()
        neighbourDistances.deallocate()
        votes.deallocate()
    }

    /// The selected evaluator.
    public var selected: ReducedModelEvaluator { evaluators[selectedCluster] }

    /// Squared scaled distance between μ and column j of `points`.
    private func squaredDistance(_ mu: UnsafeBufferPointer<Double>, _ points: UnsafeMutableBufferPointer<Double>, _ j: Int) -> Double {
        var sum = 0.0
        for a in 0..<dimension {
            let x = (mu[a] - model.parameterSpace.lower[a]) * scale[a] - points[j * dimension + a]
            sum += x * x
        }
        return sum
    }

    /// The cluster `selection` picks for μ without solving (`.smallestResidual`: nil).
    public func cluster(for mu: UnsafeBufferPointer<Double>) -> Int? {
        switch model.selection {
        case .smallestResidual: return nil
        case .nearestRepresentative:
            var best = 0, bestDistance = Double.infinity
            for c in 0..<model.clusterCount {
                let d = squaredDistance(mu, representatives, c)
                if d < bestDistance { (best, bestDistance) = (c, d) }
            }
            return best
        case .nearestNeighbours(let k):
            // The k nearest training parameters, kept sorted by insertion.
            var found = 0
            for j in 0..<labels.count {
                let d = squaredDistance(mu, training, j)
                if found == k && d >= neighbourDistances[k - 1] { continue }
                var slot = found < k ? found : k - 1
                if found < k { found += 1 }
                while slot > 0 && neighbourDistances[slot - 1] > d {
                    neighbourDistances[slot] = neighbourDistances[slot - 1]
                    neighbourIndices[slot] = neighbourIndices[slot - 1]
                    slot -= 1
                }
                neighbourDistances[slot] = d
                neighbourIndices[slot] = j
            }
            for c in 0..<model.clusterCount { votes[c] = 0 }
            for i in 0..<found { votes[labels[neighbourIndices[i]]] += 1 }
            // The most votes; among tied labels, the one of the nearest neighbour.
            var best = labels[neighbourIndices[0]]
            for i in 0..<found where votes[labels[neighbourIndices[i]]] > votes[best] { best = labels[neighbourIndices[i]] }
            return best
        }
    }

    /// Answers the query μ (validated against the parameter space).
    public func solve(_ mu: Parameter) throws {
        try model.parameterSpace.validate(mu)
        try mu.values.withUnsafeBufferPointer { try solve(components: $0) }
    }

    /// Answers the query with μ given as its components (not validated).
    public func solve(components mu: UnsafeBufferPointer<Double>) throws {
        if let c = cluster(for: mu) {
            selectedCluster = c
            try evaluators[c].solve(mu)
            return
        }
        var best = 0
        for (c, evaluator) in evaluators.enumerated() {
            try evaluator.solve(mu)
            if evaluator.errorEstimate < evaluators[best].errorEstimate { best = c }
        }
        selectedCluster = best
    }
}
