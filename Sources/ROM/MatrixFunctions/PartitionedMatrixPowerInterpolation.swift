import Foundation
import LinearAlgebra

/// The interpolation of matrix powers on a partition of the parameter box: one
/// `MatrixPowerInterpolation` per subdomain, each with its own reference scaling (μ̄ its centre),
/// training set and selected parameters; online, the subdomain of μ answers (a tree walk).
///
/// Why: the approximation of step 3 is, whatever the matrices, an interpolation of
/// μ ↦ log det A(μ) by the polynomials of degree ≤ p in θ(μ). Over a wide box (the Matérn
/// precision's κ ∈ [1, 100], θ₁ = κ⁴ spanning eight decades) those polynomials converge slowly —
/// log det A is singular close to the box in θ (at κ² = −λ for every generalized eigenvalue λ
/// of (K, M), the nearest at 0) — and the bound's θ ratios are large. On subdomains a few times
/// narrower in κ, the same degree interpolates to 1e-10 and the ratios r_q stay near 1. Our
/// step beyond the paper (whose text we could not read): the hp idea of `HPNonintrusiveReducedBasis`
/// applied to the matrix functions, with the box cut uniformly (a tensor of `pieces`).
public struct PartitionedMatrixPowerInterpolation: Sendable {
    /// How the approximation is built.
    public struct Options: Sendable {
        /// The number of equal pieces each parameter component is cut into.
        public var pieces: [Int]
        /// Training parameters per subdomain (a uniform grid in one dimension, seeded random
        /// points in several).
        public var trainingPerSubdomain: Int
        /// Seed of the random training points.
        public var seed: UInt64
        /// Each subdomain's options (its degree, EIM tolerance, scaling).
        public var local: MatrixPowerInterpolation.Options

        /// Options; `pieces` has one count per parameter component.
        public init(pieces: [Int], trainingPerSubdomain: Int = 40, seed: UInt64 = 1,
                    local: MatrixPowerInterpolation.Options = .init(degree: 6)) {
            self.pieces = pieces
            self.trainingPerSubdomain = trainingPerSubdomain
            self.seed = seed
            self.local = local
        }
    }

    /// The subdomains.
    public let partition: ParameterPartition
    /// One interpolation per subdomain, in the partition's order.
    public let models: [MatrixPowerInterpolation]
    /// The whole box.
    public var parameterSpace: ParameterSpace { partition.space }
    /// Σ over the subdomains of d: the offline factorizations.
    public var totalTerms: Int { models.reduce(0) { $0 + $1.terms } }
    /// The largest d of a subdomain: the online cost.
    public var maxTerms: Int { models.map(\.terms).max() ?? 0 }

    /// The offline stage: for each subdomain, its training set, its greedy and its factorizations.
    /// - Parameters: as `MatrixPowerInterpolation.init`; `stability` holds on the whole box.
    /// - Throws: what `MatrixPowerInterpolation.init` throws, `ROMError.invalidOption` for bad pieces.
    public init(parameterSpace: ParameterSpace, decomposition: AffineDecomposition, stability: any StabilityLowerBound,
                left: [Double]? = nil, right: [Double]? = nil, options: Options,
                progress: ((Int, Int) -> Void)? = nil) throws {
        guard options.trainingPerSubdomain >= 2 else {
            throw ROMError.invalidOption(name: "training per subdomain", detail: "\(options.trainingPerSubdomain) (at least 2)")
        }
        let partition = try ParameterPartition.tensor(space: parameterSpace, pieces: options.pieces)
        var models: [MatrixPowerInterpolation] = []
        for (i, box) in partition.boxes.enumerated() {
            progress?(i, partition.count)
            let training = box.dimension == 1 ? try box.uniformGrid(pointsPerComponent: options.trainingPerSubdomain)
                : try box.random(count: options.trainingPerSubdomain, seed: options.seed &+ UInt64(i))
            models.append(try MatrixPowerInterpolation(parameterSpace: box, decomposition: decomposition, training: training,
                                                       stability: stability, left: left, right: right, options: options.local))
        }
        self.partition = partition
        self.models = models
    }

    /// A partition and its models, as a model file holds them (their boxes are the partition's).
    init(partition: ParameterPartition, models: [MatrixPowerInterpolation]) {
        self.partition = partition
        self.models = models
    }

    /// The same models without the solutions y_j (`MatrixPowerInterpolation.droppingInverse`).
    public func droppingInverse() -> PartitionedMatrixPowerInterpolation {
        PartitionedMatrixPowerInterpolation(partition: partition, models: models.map { $0.droppingInverse() })
    }

    /// The model of μ's subdomain.
    /// - Throws: `ParameterError` for μ outside the box.
    public func model(at mu: Parameter) throws -> MatrixPowerInterpolation {
        try partition.space.validate(mu)
        return models[partition.subdomain(containing: mu)]
    }

    /// log det A(μ), bᵀA(μ)⁻¹c and their bounds from μ's subdomain.
    public func evaluate(at mu: Parameter) throws -> MatrixPowerInterpolation.Evaluation { try model(at: mu).evaluate(at: mu) }

    /// x̃(μ) ≈ A(μ)⁻¹c from μ's subdomain.
    public func inverse(at mu: Parameter) throws -> [Double] { try model(at: mu).inverse(at: mu) }
}
