import Foundation
import LinearAlgebra

/// The hp reduced basis method (Eftang, Patera, Rønquist, "An hp certified reduced basis method
/// for parametrized elliptic partial differential equations", SIAM J. Sci. Comput. 2010) on the
/// nonintrusive path: when the solution depends on the parameter locally — a narrow bump whose
/// centre is a parameter — one global basis and one global interpolation need many terms
/// (slowly decaying Kolmogorov widths), while on a small part of the parameter box few suffice.
/// So the box is split adaptively ("h-refinement") until, on every subdomain, a local model of at
/// most `maxBasisSize` vectors and `maxTerms` operator terms meets the tolerances ("p"):
///
/// 1. On a box, sample the family (`sample(box)`: the subdomain's own training set).
/// 2. Interpolate the operator on those samples (`MatrixEmpiricalInterpolation`, at most
///    `maxTerms` terms): if it does not reach the operator tolerance, split (step 4).
/// 3. Run the nonintrusive greedy (`NonintrusiveReducedBasis`) with at most `maxBasisSize`
///    vectors: if the largest relative indicator on the subdomain's training set does not reach
///    the tolerance, split; else the local model is kept for the subdomain.
/// 4. Split: halve the box along the component widest relative to the whole box, among
///    `interpolationSplitComponents` after step 2 and `splitComponents` after step 3, and go to step 1 on each half (breadth first), until `maxSubdomains`. The
///    first `initialDepth` levels are split without trying them.
///
/// Online, the subdomain holding μ is found in the partition's tree and its local model answers
/// from its own magic entries (`PartitionedNonintrusiveEvaluator`): d and N are local, so the
/// query costs d_i N_i² + k d_i N_i plus d_i entries of A(μ).
///
/// Our reconstruction (the paper is not at hand): Eftang–Patera–Rønquist split a subdomain by
/// proximity to its two first greedy parameters (anchor points) and certify with the SCM; here
/// the split is a bisection of the box (the online selection is a tree walk) and the criterion
/// the nonintrusive indicator and the interpolation's training error.
public struct HPNonintrusiveReducedBasis: Sendable {
    /// The local method (its tolerances; `maxBasisSize` is the N_max of a subdomain).
    public var local: NonintrusiveReducedBasis
    /// At most this many operator terms in a subdomain (d_max).
    public var maxTerms: Int
    /// The components a box is split along when its basis misses the tolerance (the bump: all three).
    public var splitComponents: [Int]
    /// The components a box is split along when its operator interpolation misses the tolerance
    /// (those A(μ) depends on non-affinely: the bump's centre, 1 and 2; splitting an affine
    /// component does not reduce the terms).
    public var interpolationSplitComponents: [Int]
    /// At most this many subdomains; beyond, a subdomain keeps a model that misses the tolerances
    /// (reported in `Subdomain.converged`).
    public var maxSubdomains: Int
    /// Bisections made before any box is tried (2^depth boxes to start from): skips sampling the
    /// large boxes a local model cannot cover anyway.
    public var initialDepth: Int

    /// Options; throws for an empty set of split components or nonpositive limits.
    public init(local: NonintrusiveReducedBasis, maxTerms: Int, splitComponents: [Int], interpolationSplitComponents: [Int]? = nil,
                maxSubdomains: Int = 256, initialDepth: Int = 0) throws {
        guard maxTerms > 0 else { throw ROMError.invalidOption(name: "maximum local interpolation terms", detail: "must be positive, got \(maxTerms)") }
        guard maxSubdomains > 0 else { throw ROMError.invalidOption(name: "maximum subdomains", detail: "must be positive, got \(maxSubdomains)") }
        for list in [splitComponents, interpolationSplitComponents ?? splitComponents] where list.isEmpty || !list.allSatisfy({ $0 >= 0 }) {
            throw ROMError.invalidOption(name: "split components", detail: "expected at least one parameter component, got \(list)")
        }
        self.interpolationSplitComponents = interpolationSplitComponents ?? splitComponents
        self.local = local
        self.maxTerms = maxTerms
        self.splitComponents = splitComponents
        self.maxSubdomains = maxSubdomains
        guard initialDepth >= 0, initialDepth <= 30 else { throw ROMError.invalidOption(name: "initial depth", detail: "must be in 0...30, got \(initialDepth)") }
        self.initialDepth = initialDepth
    }

    /// What one subdomain's local model is.
    public struct Subdomain: Sendable {
        /// Its box.
        public let box: ParameterSpace
        /// Its training parameters.
        public let trainingSize: Int
        /// d and d_f.
        public let operatorTerms: Int, rightHandSideTerms: Int
        /// N.
        public let basisSize: Int
        /// The largest relative indicator on its training set.
        public let maxIndicator: Double
        /// The operator interpolation's largest relative training error.
        public let operatorError: Double
        /// Whether it met both tolerances (false only when `maxSubdomains` stopped the splitting).
        public let converged: Bool
    }

    /// What `reduce` returns.
    public struct Result<Element: Scalar> {
        /// The online model (the local bases kept).
        public let model: PartitionedNonintrusiveModel<Element>
        /// The subdomains, in the order of the model's.
        public let subdomains: [Subdomain]
        /// Boxes split: by the operator interpolation (step 2), by the basis (step 3).
        public let splits: (interpolation: Int, basis: Int)
        /// Samples of the family taken over all boxes tried.
        public let samplesTaken: Int
        /// "CHOLMOD" or "UMFPACK".
        public let truthSolver: String
        /// Seconds: sampling, interpolations, greedies, total.
        public let seconds: (sampling: Double, interpolation: Double, greedy: Double, total: Double)
    }

    /// Partitions `space` and reduces every subdomain; `sample(box)` gives a box's training
    /// samples (with `box` as their parameter space: `FamilySamples.restricted(to:)`, or the
    /// family sampled on a grid of the box). X as in `NonintrusiveReducedBasis.reduce`.
    public func reduce<Element: Scalar>(space: ParameterSpace, innerProduct: SparseMatrix?,
                                        sample: (ParameterSpace) throws -> FamilySamples<Element>,
                                        progress: ((String) -> Void)? = nil) throws -> Result<Element> {
        if let bad = (splitComponents + interpolationSplitComponents).first(where: { $0 >= space.dimension }) {
            throw ROMError.invalidOption(name: "split components", detail: "component \(bad) of a \(space.dimension)-dimensional parameter box")
        }
        let clock = Stopwatch()
        var state = State<Element>()
        try build(space, innerProduct: innerProduct, sample: sample, state: &state, progress: progress)
        let partition = try ParameterPartition(space: space, nodes: state.nodes)
        let model = try PartitionedNonintrusiveModel(partition: partition, models: state.models)
        progress?("hp: \(partition.count) subdomains (\(state.operatorSplits) split for the interpolation, \(state.basisSplits) for the basis), "
                  + "largest d = \(model.largestOperatorTerms), largest N = \(model.largestSize)")
        return Result(model: model, subdomains: state.subdomains, splits: (state.operatorSplits, state.basisSplits),
                      samplesTaken: state.samplesTaken, truthSolver: state.truthSolver,
                      seconds: (state.samplingSeconds, state.interpolationSeconds, state.greedySeconds, clock.seconds))
    }

    /// The partition being built.
    private struct State<Element: Scalar> {
        var nodes: [ParameterPartition.Node] = []
        var models: [NonintrusiveReducedModel<Element>] = []
        var subdomains: [Subdomain] = []
        /// Subdomains there will be at least: the accepted ones and the boxes still open.
        var open = 1
        var operatorSplits = 0, basisSplits = 0, samplesTaken = 0
        var truthSolver = "CHOLMOD"
        var samplingSeconds = 0.0, interpolationSeconds = 0.0, greedySeconds = 0.0
    }

    /// The outcome of steps 1–3 on one box.
    private enum Attempt<Element: Scalar> {
        case accepted(NonintrusiveReducedModel<Element>, Subdomain, truthSolver: String)
        case splitForOperator, splitForBasis

        var isOperatorSplit: Bool { if case .splitForOperator = self { return true } else { return false } }
    }

    /// Steps 1–4, breadth first (so that a subdomain limit leaves the boxes of one size, not one
    /// corner refined): the tree grows as boxes are tried, children after their parent.
    private func build<Element: Scalar>(_ space: ParameterSpace, innerProduct: SparseMatrix?,
                                        sample: (ParameterSpace) throws -> FamilySamples<Element>, state: inout State<Element>,
                                        progress: ((String) -> Void)?) throws {
        var queue: [(box: ParameterSpace, depth: Int, node: Int)] = [(space, 0, 0)]
        state.nodes = [.leaf(-1)]
        var head = 0
        while head < queue.count {
            let (box, depth, index) = queue[head]
            head += 1
            let mayRefine = state.open < maxSubdomains
            let outcome: Attempt<Element>
            if depth < initialDepth && mayRefine {
                outcome = .splitForOperator
            } else {
                outcome = try attempt(box, innerProduct: innerProduct, sample: sample, mayRefine: mayRefine, state: &state, progress: progress)
            }
            switch outcome {
            case let .accepted(model, subdomain, solver):
                state.nodes[index] = .leaf(state.models.count)
                state.models.append(model)
                state.subdomains.append(subdomain)
                state.truthSolver = solver
            case .splitForOperator, .splitForBasis:
                let components = outcome.isOperatorSplit ? interpolationSplitComponents : splitComponents
                let widths = components.map { c in (box.upper[c] - box.lower[c]) / Swift.max(space.upper[c] - space.lower[c], .leastNormalMagnitude) }
                let c = components[widths.indices.max { widths[$0] < widths[$1] }!]
                let value = (box.lower[c] + box.upper[c]) / 2
                let (low, high) = try ParameterPartition.halves(of: box, component: c, at: value)
                state.open += 1
                let first = state.nodes.count
                state.nodes += [.leaf(-1), .leaf(-1)]
                state.nodes[index] = ParameterPartition.Node(component: c, value: value, first: first, second: first + 1)
                queue.append((low, depth + 1, first))
                queue.append((high, depth + 1, first + 1))
            }
        }
    }

    /// Steps 1–3 on `box` (with `mayRefine` false the model is kept whatever it reaches).
    private func attempt<Element: Scalar>(_ box: ParameterSpace, innerProduct: SparseMatrix?,
                                          sample: (ParameterSpace) throws -> FamilySamples<Element>, mayRefine: Bool,
                                          state: inout State<Element>, progress: ((String) -> Void)?) throws -> Attempt<Element> {
        let name = box.names.indices.filter { (splitComponents + interpolationSplitComponents).contains($0) }
            .map { "\(box.names[$0]) ∈ [\(Self.short(box.lower[$0])), \(Self.short(box.upper[$0]))]" }.joined(separator: ", ")
        var clock = Stopwatch()
        let samples = try sample(box)
        state.samplesTaken += samples.parameters.count
        state.samplingSeconds += clock.seconds
        clock = Stopwatch()
        let interpolation = try BLASRuntime.withThreadCount(1) {
            try MatrixEmpiricalInterpolation(samples: samples, tolerance: local.operatorTolerance, maxTerms: maxTerms)
        }
        state.interpolationSeconds += clock.seconds
        let operatorError = interpolation.values.errorHistory.last ?? 0
        let operatorMet = operatorError <= local.operatorTolerance
        if !operatorMet && mayRefine {
            state.operatorSplits += 1
            progress?("hp: \(name): \(samples.parameters.count) samples, interpolation error \(Self.short(operatorError)) with d = \(interpolation.terms): split")
            return .splitForOperator
        }
        clock = Stopwatch()
        let result = try local.reduce(samples, innerProduct: innerProduct, operatorInterpolation: interpolation, progress: nil)
        state.greedySeconds += clock.seconds
        let indicator = result.history.last?.maxIndicator ?? .infinity
        let basisMet: Bool
        switch result.stopReason {
        case .toleranceReached, .noNewDirection: basisMet = true
        case .maximumSizeReached: basisMet = indicator <= local.tolerance
        }
        if !basisMet && mayRefine {
            state.basisSplits += 1
            progress?("hp: \(name): d = \(interpolation.terms), indicator \(Self.short(indicator)) at N = \(result.model.size): split")
            return .splitForBasis
        }
        let converged = operatorMet && basisMet
        progress?("hp: subdomain \(state.models.count), \(name): \(samples.parameters.count) samples, d = \(interpolation.terms), "
                  + "N = \(result.model.size), indicator \(Self.short(indicator))" + (converged ? "" : " (tolerance not met: subdomain limit)"))
        let subdomain = Subdomain(box: box, trainingSize: samples.parameters.count, operatorTerms: interpolation.terms,
                                  rightHandSideTerms: result.rightHandSideInterpolation.terms, basisSize: result.model.size,
                                  maxIndicator: indicator, operatorError: result.operatorTrainingError.largestEntry, converged: converged)
        return .accepted(result.model, subdomain, truthSolver: result.truthSolver)
    }

    private static func short(_ x: Double) -> String { String(format: "%.3g", x) }
}

extension HPNonintrusiveReducedBasis.Result {
    /// The offline figures as JSON members (the `nonintrusive-rb` driver's keys: the largest local
    /// d, d_f, N and training errors, with the means and the partition beside).
    public var figures: [(String, JSONValue)] {
        let s = subdomains
        func mean(_ values: [Int]) -> Double { Double(values.reduce(0, +)) / Double(Swift.max(values.count, 1)) }
        return [
            ("partition", .string("hp")),
            ("subdomains", .int(s.count)),
            ("unconverged_subdomains", .int(s.filter { !$0.converged }.count)),
            ("splits_for_interpolation", .int(splits.interpolation)), ("splits_for_basis", .int(splits.basis)),
            ("eim_terms", .int(s.map(\.operatorTerms).max() ?? 0)),
            ("eim_terms_mean", .number(mean(s.map(\.operatorTerms)))),
            ("rhs_eim_terms", .int(s.map(\.rightHandSideTerms).max() ?? 0)),
            ("operator_error", .number(s.map(\.operatorError).max() ?? 0)),
            ("basis_size", .int(s.map(\.basisSize).max() ?? 0)),
            ("basis_size_mean", .number(mean(s.map(\.basisSize)))),
            ("max_training_indicator", .number(s.map(\.maxIndicator).max() ?? 0)),
            ("local_eim_terms", .numbers(s.map { Double($0.operatorTerms) })),
            ("local_basis_sizes", .numbers(s.map { Double($0.basisSize) })),
            ("samples_taken", .int(samplesTaken)),
            ("truth_solver", .string(truthSolver)),
            ("sampling_seconds", .number(seconds.sampling)), ("interpolation_seconds", .number(seconds.interpolation)),
            ("greedy_seconds", .number(seconds.greedy)), ("offline_seconds", .number(seconds.total)),
        ]
    }
}
