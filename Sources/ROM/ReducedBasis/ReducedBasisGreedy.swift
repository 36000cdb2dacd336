import Foundation
import LinearAlgebra

/// The weak greedy algorithm of the reduced basis method (Veroy–Prud'homme–Rovas–Patera 2003;
/// pyMOR's `rb_greedy`): an a posteriori estimate stands in for the true error, so each
/// iteration costs one truth solve. The loop is `WeakGreedy`; what ranks the training set is its
/// surrogate:
/// - an affine problem with a stability bound (`AffineProblem`, or any `ParametricProblem` that
///   offers both): the certified bound Δ_N(μ) = ‖r_N(μ)‖_{X'}/α_LB(μ), evaluated online;
/// - any other `ParametricProblem`: the residual-norm indicator ‖f(μ) − A(μ) V u_N(μ)‖_{X'} of
///   the Galerkin solution, evaluated with A(μ) assembled (`GalerkinProjectionModel`).
///
/// 1. N = 0: the basis is empty.
/// 2. Evaluate the estimate on every training parameter with the current reduced model.
/// 3. If its maximum ≤ tolerance, or N = maxBasisSize: stop.
/// 4. Solve the truth problem at μ* = argmax (the CHOLMOD analysis is reused), extend the
///    basis with u(μ*) by Gram–Schmidt in X, update the offline data (new rows and columns only),
///    N ← N + 1, go to 2.
public struct ReducedBasisGreedy: Sendable {
    /// Stop when the largest estimate over the training set is at most this.
    public var tolerance: Double
    /// Whether `tolerance` applies to Δ(μ) / ‖u_N(μ)‖_X instead of Δ(μ).
    public var relative: Bool
    /// The largest basis.
    public var maxBasisSize: Int
    /// The estimator's residual-norm evaluation. `.empiricalInterpolation` interpolates the
    /// residual of the final basis only: the greedy ranks with `.orthonormalized`, then builds the
    /// final model's interpolation over the training set.
    public var residualNormMethod: ResidualNormMethod
    /// How the training set is shared among processes (nil: this process evaluates all of it).
    /// With DomainDecomp's `MPICandidateSplit` each rank evaluates the estimates of its share and
    /// every rank runs the same truth solves: the selections equal the serial greedy's.
    public var candidateSplit: (any CandidateSplit)?

    /// One iteration's record.
    public struct Iteration: Sendable {
        /// Basis size N when the estimates were evaluated.
        public let basisSize: Int
        /// max over the training set of Δ_N (relative if `relative`).
        public let maxEstimate: Double
        /// The parameter where it is reached (the next snapshot, unless the greedy stops).
        public let worstParameter: Parameter
        /// Seconds since the greedy started.
        public let elapsedSeconds: Double
    }

    /// What the greedy returns for an `AffineProblem`.
    public struct Result {
        /// The online model for the final basis (basis included).
        public let model: ReducedModel
        /// The offline data, ready to be extended further.
        public let reductor: ReducedBasisReductor
        /// One record per evaluation of the training set.
        public let history: [Iteration]
        /// The parameters whose snapshots span the basis, in order.
        public let selectedParameters: [Parameter]
        /// Wall-clock seconds of the whole greedy.
        public let seconds: Double
        /// Why it stopped.
        public let stopReason: GreedyStopReason
        /// Where the time went: setup (X factorization, right-hand side representers), truth
        /// solves, basis extensions (offline data), estimates over the training set.
        public let phaseSeconds: (setup: Double, truth: Double, extension: Double, estimates: Double)
    }

    /// What the greedy returns for any `ParametricProblem`.
    public struct OnlineResult {
        /// The online model: a `ReducedModelEvaluator` (certified) or a `GalerkinProjectionModel`.
        public let model: any OnlineModel
        /// The reduced basis V (X-orthonormal columns).
        public let basis: Matrix
        /// What the greedy's estimates were.
        public let estimateKind: ErrorEstimateKind
        /// One record per evaluation of the training set.
        public let history: [Iteration]
        /// The parameters whose snapshots span the basis, in order.
        public let selectedParameters: [Parameter]
        /// Wall-clock seconds of the whole greedy.
        public let seconds: Double
        /// Why it stopped.
        public let stopReason: GreedyStopReason
    }

    /// What the greedy returns for a problem of any scalar reduced with the residual indicator.
    public struct GalerkinResult<Problem: ParametricProblem> {
        /// The Galerkin model (an `OnlineModel` when the problem is real).
        public let model: GalerkinProjectionModel<Problem>
        /// The reduced basis V (X-orthonormal columns).
        public var basis: DenseMatrix<Problem.Element> { model.basis }
        /// One record per evaluation of the training set.
        public let history: [Iteration]
        /// The parameters whose snapshots span the basis, in order.
        public let selectedParameters: [Parameter]
        /// Wall-clock seconds of the whole greedy.
        public let seconds: Double
        /// Why it stopped.
        public let stopReason: GreedyStopReason
    }

    /// A greedy with the given stopping rule.
    public init(tolerance: Double, relative: Bool = false, maxBasisSize: Int = 100,
                residualNormMethod: ResidualNormMethod = .orthonormalized) throws {
        guard tolerance > 0, tolerance.isFinite else {
            throw ROMError.invalidOption(name: "greedy tolerance", detail: "must be positive, got \(tolerance)")
        }
        guard maxBasisSize > 0 else { throw ROMError.invalidOption(name: "maximum basis size", detail: "must be positive, got \(maxBasisSize)") }
        self.tolerance = tolerance
        self.relative = relative
        self.maxBasisSize = maxBasisSize
        self.residualNormMethod = residualNormMethod
    }

    /// Runs the certified greedy on `trainingSet`; `progress` is called after each evaluation of the set.
    ///
    /// OpenBLAS runs on one thread meanwhile: the greedy's dense work is tall and skinny (blocks of
    /// Q columns against the basis), where its threads cost more than they bring (thermal block:
    /// offline 0.24 s against 0.30 s with two threads, measured side by side).
    public func run(problem: AffineProblem, trainingSet: [Parameter],
                    progress: ((Iteration) -> Void)? = nil) throws -> Result {
        try validate(trainingSet, in: problem.parameterSpace)
        return try BLASRuntime.withThreadCount(1) {
            let clock = Stopwatch()
            let reductor = try ReducedBasisReductor(problem: problem)
            let setup = clock.seconds
            let run = try certified(reductor, truth: problem.solve, trainingSet, start: clock, progress)
            return Result(model: run.model, reductor: run.surrogate.reductor, history: run.history,
                          selectedParameters: run.outcome.selected.map { trainingSet[$0] }, seconds: clock.seconds,
                          stopReason: run.outcome.stopReason,
                          phaseSeconds: (setup, run.surrogate.truthSeconds, run.outcome.extensionSeconds - run.surrogate.truthSeconds,
                                         run.outcome.estimateSeconds))
        }
    }

    /// Runs the greedy on a problem of any scalar (complex: Helmholtz) with the residual-norm
    /// indicator of the Galerkin solution.
    public func run<Problem: ParametricProblem>(problem: Problem, trainingSet: [Parameter],
                                                progress: ((Iteration) -> Void)? = nil) throws -> GalerkinResult<Problem> {
        try validate(trainingSet, in: problem.parameterSpace)
        return try BLASRuntime.withThreadCount(1) {
            let clock = Stopwatch()
            var surrogate = try ResidualIndicatorSurrogate(problem: problem, relative: relative)
            let (outcome, history) = try loop(&surrogate, trainingSet, start: clock, progress)
            return GalerkinResult(model: GalerkinProjectionModel(surrogate: surrogate), history: history,
                                  selectedParameters: outcome.selected.map { trainingSet[$0] }, seconds: clock.seconds,
                                  stopReason: outcome.stopReason)
        }
    }

    /// Runs the greedy on any real problem: certified when it has an affine decomposition and a
    /// stability bound (`ParametricProblem.stabilityBound`), else with the residual-norm indicator.
    public func run<Problem: ParametricProblem>(problem: Problem, trainingSet: [Parameter],
                                                progress: ((Iteration) -> Void)? = nil) throws -> OnlineResult
        where Problem.Element == Double {
        if let affine = problem as? AffineProblem {
            let result = try run(problem: affine, trainingSet: trainingSet, progress: progress)
            return OnlineResult(model: ReducedModelEvaluator(model: result.model), basis: result.reductor.basis.vectors,
                                estimateKind: .certifiedBound, history: result.history, selectedParameters: result.selectedParameters,
                                seconds: result.seconds, stopReason: result.stopReason)
        }
        try validate(trainingSet, in: problem.parameterSpace)
        return try BLASRuntime.withThreadCount(1) {
            let clock = Stopwatch()
            if let decomposition = problem.affineDecomposition, let bound = problem.stabilityBound {
                let reductor = try ReducedBasisReductor(parameterSpace: problem.parameterSpace, decomposition: decomposition,
                                                        innerProduct: problem.innerProduct, coercivityBound: bound)
                let run = try certified(reductor, truth: problem.solve, trainingSet, start: clock, progress)
                return OnlineResult(model: ReducedModelEvaluator(model: run.model), basis: run.surrogate.reductor.basis.vectors,
                                    estimateKind: .certifiedBound, history: run.history,
                                    selectedParameters: run.outcome.selected.map { trainingSet[$0] }, seconds: clock.seconds,
                                    stopReason: run.outcome.stopReason)
            }
            var surrogate = try ResidualIndicatorSurrogate(problem: problem, relative: relative)
            let (outcome, history) = try loop(&surrogate, trainingSet, start: clock, progress)
            return OnlineResult(model: GalerkinProjectionModel(surrogate: surrogate), basis: surrogate.basis,
                                estimateKind: .indicator, history: history, selectedParameters: outcome.selected.map { trainingSet[$0] },
                                seconds: clock.seconds, stopReason: outcome.stopReason)
        }
    }

    private func validate(_ trainingSet: [Parameter], in space: ParameterSpace) throws {
        guard !trainingSet.isEmpty else { throw ROMError.empty(what: "training set") }
        for mu in trainingSet { try space.validate(mu) }
    }

    /// The certified greedy from an empty reductor: the loop, then the online model.
    private func certified(_ reductor: ReducedBasisReductor, truth: @escaping (Parameter) throws -> [Double], _ trainingSet: [Parameter],
                           start: Stopwatch, _ progress: ((Iteration) -> Void)?) throws
        -> (model: ReducedModel, surrogate: CertifiedReducedBasisSurrogate, outcome: WeakGreedy.Outcome, history: [Iteration]) {
        let ranking: ResidualNormMethod = residualNormMethod == .empiricalInterpolation ? .orthonormalized : residualNormMethod
        var surrogate = CertifiedReducedBasisSurrogate(reductor: reductor, truth: truth, residualNormMethod: ranking, relative: relative)
        let (outcome, history) = try loop(&surrogate, trainingSet, start: start, progress)
        let model = try surrogate.reductor.reducedModel(residualNormMethod: residualNormMethod, trainingSet: trainingSet)
        return (model, surrogate, outcome, history)
    }

    /// The weak greedy loop on `surrogate`, its records translated to parameters.
    private func loop<Surrogate: GreedySurrogate>(_ surrogate: inout Surrogate, _ trainingSet: [Parameter], start: Stopwatch,
                                                  _ progress: ((Iteration) -> Void)?) throws -> (WeakGreedy.Outcome, [Iteration])
        where Surrogate.Candidate == Parameter {
        let setup = start.seconds
        func record(_ i: WeakGreedy.Iteration) -> Iteration {
            Iteration(basisSize: i.size, maxEstimate: i.maxEstimate, worstParameter: trainingSet[i.worst], elapsedSeconds: setup + i.elapsedSeconds)
        }
        let outcome = try WeakGreedy(tolerance: tolerance, maxSize: maxBasisSize)
            .run(&surrogate, candidates: trainingSet, split: candidateSplit, progress: progress.map { report in { report(record($0)) } })
        return (outcome, outcome.history.map(record))
    }
}
