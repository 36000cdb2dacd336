/// What a greedy algorithm improves step by step: the reduced basis of an RB method (its error
/// estimator or indicator ranks the candidates), an interpolation (its residual), a cubature.
/// pyMOR's `WeakGreedySurrogate`.
public protocol GreedySurrogate {
    /// What the greedy chooses among: a parameter, a training function's index.
    associatedtype Candidate
    /// The current size of the approximation (basis vectors, interpolation terms).
    var size: Int { get }
    /// The candidate whose estimated error is largest, with that estimate. A NaN estimate counts
    /// as the largest (a failing candidate is never hidden).
    mutating func worst(over candidates: [Candidate]) throws -> (index: Int, estimate: Double)
    /// Extends the approximation with what the candidate brings; false when it brings nothing
    /// new (its snapshot lies in the span of the basis).
    mutating func extend(with candidate: Candidate) throws -> Bool
}

/// Why a greedy stopped.
public enum GreedyStopReason: Sendable, Equatable, CustomStringConvertible {
    /// The largest estimate over the candidates is at most the tolerance.
    case toleranceReached
    /// The approximation reached its largest size.
    case maximumSizeReached
    /// The worst candidate (its index) brought no new direction: the approximation cannot improve.
    case noNewDirection(candidate: Int)

    public var description: String {
        switch self {
        case .toleranceReached: return "tolerance reached"
        case .maximumSizeReached: return "maximum basis size reached"
        case .noNewDirection(let k): return "the snapshot of candidate \(k) lies in the span of the basis"
        }
    }
}

/// The weak greedy loop (Binev–Cohen–Dahmen–DeVore–Petrova–Wojtaszczyk 2011; pyMOR's
/// `weak_greedy`): an estimate stands in for the true error, so each step costs one extension.
///
/// 1. Evaluate the surrogate's estimate on every candidate; take the worst.
/// 2. Stop if it is at most `tolerance`, or if the size is `maxSize`.
/// 3. Extend the surrogate with the worst candidate (stop if it brings nothing new); go to 1.
public struct WeakGreedy: Sendable {
    /// Stop when the largest estimate is at most this.
    public var tolerance: Double
    /// The largest size of the approximation.
    public var maxSize: Int

    /// One evaluation of the candidates.
    public struct Iteration: Sendable {
        /// The size when the estimates were evaluated.
        public let size: Int
        /// The largest estimate.
        public let maxEstimate: Double
        /// The index of the candidate where it is reached.
        public let worst: Int
        /// Seconds since the greedy started.
        public let elapsedSeconds: Double
    }

    /// What the loop returns.
    public struct Outcome: Sendable {
        /// One record per evaluation of the candidates.
        public let history: [Iteration]
        /// The indices of the candidates the surrogate was extended with, in order.
        public let selected: [Int]
        /// Why the loop stopped.
        public let stopReason: GreedyStopReason
        /// Seconds in `worst(over:)` and in `extend(with:)`.
        public let estimateSeconds: Double, extensionSeconds: Double
    }

    /// A loop with the given stopping rule; throws `LinearAlgebraError.dimensionMismatch` for a
    /// tolerance that is not positive and finite or a size below 1.
    public init(tolerance: Double, maxSize: Int) throws {
        guard tolerance > 0, tolerance.isFinite else {
            throw LinearAlgebraError.dimensionMismatch(what: "greedy tolerance", expected: "a positive finite number", found: "\(tolerance)")
        }
        guard maxSize > 0 else {
            throw LinearAlgebraError.dimensionMismatch(what: "greedy maximum size", expected: "at least 1", found: "\(maxSize)")
        }
        self.tolerance = tolerance
        self.maxSize = maxSize
    }

    /// Runs the loop on `candidates` (not empty); `progress` is called after each evaluation.
    /// With a `split`, this process evaluates its share of the candidates only and the worst is
    /// agreed on with the other processes (every process runs the loop; the selections are equal).
    public func run<Surrogate: GreedySurrogate>(_ surrogate: inout Surrogate, candidates: [Surrogate.Candidate],
                                                split: (any CandidateSplit)? = nil,
                                                progress: ((Iteration) -> Void)? = nil) throws -> Outcome {
        guard !candidates.isEmpty else {
            throw LinearAlgebraError.dimensionMismatch(what: "greedy candidates", expected: "at least 1", found: "0")
        }
        let clock = Stopwatch()
        var history: [Iteration] = [], selected: [Int] = []
        var estimating = 0.0, extending = 0.0
        let share = split?.share(of: candidates.count)
        let local = share.map { $0.map { candidates[$0] } } ?? candidates
        while true {
            let (worst, estimate) = try Stopwatch.accumulate(into: &estimating) { () throws -> (index: Int, estimate: Double) in
                guard let split, let share else { return try surrogate.worst(over: candidates) }
                let mine = local.isEmpty ? (index: -1, estimate: -Double.infinity) : try surrogate.worst(over: local)
                return try split.agree(index: mine.index < 0 ? -1 : share[mine.index], estimate: mine.estimate)
            }
            let iteration = Iteration(size: surrogate.size, maxEstimate: estimate, worst: worst, elapsedSeconds: clock.seconds)
            history.append(iteration)
            progress?(iteration)
            let reason: GreedyStopReason?
            if estimate <= tolerance {
                reason = .toleranceReached
            } else if surrogate.size >= maxSize {
                reason = .maximumSizeReached
            } else if try !Stopwatch.accumulate(into: &extending, { try surrogate.extend(with: candidates[worst]) }) {
                reason = .noNewDirection(candidate: worst)
            } else {
                reason = nil
                selected.append(worst)
            }
            if let reason {
                return Outcome(history: history, selected: selected, stopReason: reason,
                               estimateSeconds: estimating, extensionSeconds: extending)
            }
        }
    }
}
