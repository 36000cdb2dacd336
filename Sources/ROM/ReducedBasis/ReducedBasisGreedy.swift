import Foundation
import LinearAlgebra

/// The weak greedy algorithm of the reduced basis method (Veroy–Prud'homme–Rovas–Patera 2003;
/// pyMOR's `rb_greedy`): the a posteriori bound Δ_N(μ) stands in for the true error, so each
/// iteration costs one truth solve.
///
/// 1. N = 0: the basis is empty.
/// 2. Evaluate Δ_N(μ) on every training parameter with the current online model.
/// 3. If max Δ_N ≤ tolerance, or N = maxBasisSize: stop.
/// 4. Solve the truth problem at μ* = argmax Δ_N (the CHOLMOD analysis is reused), extend the
///    basis with u(μ*) by Gram–Schmidt in X, update the offline data (new rows and columns only),
///    N ← N + 1, go to 2.
public struct ReducedBasisGreedy: Sendable {
    /// Stop when the largest estimate over the training set is at most this.
    public var tolerance: Double
    /// Whether `tolerance` applies to Δ(μ) / ‖u_N(μ)‖_X instead of Δ(μ).
    public var relative: Bool
    /// The largest basis.
    public var maxBasisSize: Int
    /// The estimator's residual-norm evaluation.
    public var residualNormMethod: ResidualNormMethod

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

    /// What the greedy returns.
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
        public let stopReason: String
        /// Where the time went: setup (X factorization, right-hand side representers), truth
        /// solves, basis extensions (offline data), estimates over the training set.
        public let phaseSeconds: (setup: Double, truth: Double, extension: Double, estimates: Double)
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

    /// Runs the greedy on `trainingSet`; `progress` is called after each evaluation of the set.
    ///
    /// OpenBLAS runs on one thread meanwhile: the greedy's dense work is tall and skinny (blocks of
    /// Q columns against the basis), where its threads cost more than they bring (thermal block:
    /// offline 0.24 s against 0.30 s with two threads, measured side by side).
    public func run(problem: AffineProblem, trainingSet: [Parameter],
                    progress: ((Iteration) -> Void)? = nil) throws -> Result {
        try BLASRuntime.withThreadCount(1) { try runSerialBLAS(problem: problem, trainingSet: trainingSet, progress: progress) }
    }

    private func runSerialBLAS(problem: AffineProblem, trainingSet: [Parameter], progress: ((Iteration) -> Void)?) throws -> Result {
        guard !trainingSet.isEmpty else { throw ROMError.empty(what: "training set") }
        for mu in trainingSet { try problem.parameterSpace.validate(mu) }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }

        var reductor = try ReducedBasisReductor(problem: problem)
        let setup = elapsed()
        var truth = 0.0, extending = 0.0, estimates = 0.0
        func timed<T>(_ total: inout Double, _ body: () throws -> T) rethrows -> T {
            let t0 = DispatchTime.now().uptimeNanoseconds
            defer { total += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 }
            return try body()
        }
        var history: [Iteration] = []
        var selected: [Parameter] = []
        var stopReason = ""
        while true {
            let (worst, maxEstimate) = try timed(&estimates) { try worstParameter(reductor: reductor, trainingSet: trainingSet) }
            let iteration = Iteration(basisSize: reductor.size, maxEstimate: maxEstimate, worstParameter: worst,
                                      elapsedSeconds: elapsed())
            history.append(iteration)
            progress?(iteration)
            if maxEstimate <= tolerance { stopReason = "tolerance reached"; break }
            if reductor.size >= maxBasisSize { stopReason = "maximum basis size reached"; break }
            let snapshot = try timed(&truth) { try problem.solve(worst) }
            guard try timed(&extending, { try reductor.extend(with: snapshot) }) else {
                stopReason = "the snapshot at \(worst) lies in the span of the basis"
                break
            }
            selected.append(worst)
        }
        let model = try reductor.reducedModel(residualNormMethod: residualNormMethod)
        return Result(model: model, reductor: reductor, history: history, selectedParameters: selected,
                      seconds: elapsed(), stopReason: stopReason, phaseSeconds: (setup, truth, extending, estimates))
    }

    /// argmax over the training set of Δ_N(μ) (or Δ_N/‖u_N‖_X), with its value.
    private func worstParameter(reductor: ReducedBasisReductor, trainingSet: [Parameter]) throws -> (Parameter, Double) {
        let evaluator = ReducedModelEvaluator(model: try reductor.reducedModel(residualNormMethod: residualNormMethod, keepBasis: false))
        var worst = trainingSet[0], largest = -Double.infinity
        for mu in trainingSet {
            try evaluator.solve(mu)
            var estimate = evaluator.errorEstimate
            if relative {
                // V is X-orthonormal, so ‖V u_N‖_X = ‖u_N‖₂.
                let norm = BLAS.nrm2(evaluator.coefficients)
                estimate = norm > 0 ? estimate / norm : .infinity
            }
            if estimate > largest || estimate.isNaN {
                largest = estimate
                worst = mu
            }
        }
        return (worst, largest)
    }
}
