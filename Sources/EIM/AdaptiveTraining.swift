import Foundation
import LinearAlgebra

/// An adaptive training set for the greedy over a box of parameters: start from a coarse uniform
/// grid, and refine where the interpolant is worst, so that the error at fresh parameters follows
/// the training error even for near-singular families (where a fixed grid misses the singular corner).
///
/// Each training parameter carries its cell size h. After the greedy reaches the tolerance, the
/// parameters added last are checked at their 3ᵈ − 1 neighbours at half their cell size; the
/// neighbours whose error exceeds the tolerance join the training set (the worst first), the
/// greedy continues from its current terms, and their neighbours are checked in the next round.
/// It stops when every checked neighbour is within the tolerance.
public struct AdaptiveTraining: Sendable {
    /// Lower and upper corners of the parameter box.
    public let lower: [Double], upper: [Double]
    /// Points per dimension of the initial uniform grid (edges included).
    public var initialGrid: Int
    /// Rounds of refinement at most.
    public var maxRounds: Int = 40
    /// New parameters per round at most (the worst kept).
    public var maxNewPerRound: Int = 400
    /// Training parameters at most.
    public var maxParameters: Int = 20_000

    /// A box `lower`…`upper` and an initial grid of `initialGrid` points per dimension.
    public init(lower: [Double], upper: [Double], initialGrid: Int) throws {
        guard !lower.isEmpty, lower.count == upper.count, zip(lower, upper).allSatisfy({ $0 < $1 }) else {
            throw EIMError.invalidOption("the parameter box needs lower < upper in every dimension, got \(lower) and \(upper)")
        }
        guard initialGrid >= 2 else { throw EIMError.invalidOption("the initial grid needs at least 2 points per dimension, got \(initialGrid)") }
        self.lower = lower
        self.upper = upper
        self.initialGrid = initialGrid
    }

    /// What the refinement did.
    public struct Report: Sendable {
        /// The final training parameters, in the order they joined.
        public let trainingSet: [[Double]]
        /// Rounds of refinement run.
        public let rounds: Int
        /// Candidates checked in all rounds.
        public let candidatesChecked: Int
    }

    /// Runs the greedy with `options` on the adaptive training set; `sample(μ, values)` writes g(·; μ)
    /// at the `pointCount` points. `progress` receives one line per round.
    public func run(pointCount: Int, options: EIMOptions, progress: ((String) -> Void)? = nil,
                    sample: @escaping @Sendable ([Double], UnsafeMutableBufferPointer<Double>) -> Void)
        throws -> (interpolation: EmpiricalInterpolation, report: Report) {
        try options.validate()
        guard pointCount > 0 else { throw EIMError.noPoints }
        let d = lower.count
        let h0 = zip(lower, upper).map { ($1 - $0) / Double(initialGrid - 1) }
        var training: [[Double]] = []
        var cell: [Double] = []  // cell size as a fraction of h0
        var known = Set<[Int64]>()
        for index in 0..<Int(pow(Double(initialGrid), Double(d))) {
            var rest = index, mu = [Double](repeating: 0, count: d)
            for k in 0..<d { mu[k] = lower[k] + h0[k] * Double(rest % initialGrid); rest /= initialGrid }
            training.append(mu); cell.append(1); known.insert(key(mu))
        }
        let store = try SnapshotResidualStore(snapshots: columns(training, pointCount, sample), norm: options.norm,
                                              relative: options.relative, stabilized: options.stabilized)
        var greedy = EIMGreedy(store: store, pointCount: pointCount, parameterCount: training.count,
                               options: EIMOptions(tolerance: options.tolerance, maxTerms: options.maxTerms ?? pointCount,
                                                   norm: options.norm, relative: options.relative,
                                                   stabilized: options.stabilized, roundOffFloor: options.roundOffFloor))
        var reason = try greedy.run()
        var active = Array(0..<training.count)
        var rounds = 0, checked = 0
        var evaluator = try NormEvaluator(norm: options.norm, pointCount: pointCount)
        while rounds < maxRounds, reason == .tolerance, training.count < maxParameters {
            var candidates: [[Double]] = [], candidateCell: [Double] = []
            for j in active {
                let half = cell[j] / 2
                for offset in neighbourOffsets(d) {
                    var mu = training[j]
                    for k in 0..<d { mu[k] = min(upper[k], max(lower[k], mu[k] + Double(offset[k]) * half * h0[k])) }
                    if known.insert(key(mu)).inserted { candidates.append(mu); candidateCell.append(half) }
                }
            }
            if candidates.isEmpty { break }
            rounds += 1
            checked += candidates.count
            let g = columns(candidates, pointCount, sample)
            var errors = [(Double, Int)]()
            var r = [Double](repeating: 0, count: pointCount)
            for c in 0..<candidates.count {
                r.withUnsafeMutableBufferPointer { rp in
                    for i in 0..<pointCount { rp[i] = g.storage[i + c * pointCount] }
                    let size = evaluator.total(UnsafeBufferPointer(rp))
                    if options.relative && size > 0 { BLAS.scal(1 / size, rp) }
                    recomputeResidual(rp, state: greedy.state, refine: false)
                    errors.append((evaluator.total(UnsafeBufferPointer(rp)), c))
                }
            }
            let bad = errors.filter { $0.0 > options.tolerance }.sorted { $0.0 > $1.0 }
                .prefix(min(maxNewPerRound, maxParameters - training.count)).map(\.1)
            progress?("round \(rounds): \(candidates.count) candidates, \(bad.count) above the tolerance "
                      + "(worst \(errors.map(\.0).max() ?? 0)), \(greedy.state.terms) terms, \(training.count) parameters")
            if bad.isEmpty { break }
            var added = Matrix(rows: pointCount, columns: bad.count)
            active = []
            for (k, c) in bad.enumerated() {
                added.setColumn(k, to: Array(g.storage[(c * pointCount)..<((c + 1) * pointCount)]))
                active.append(training.count)
                training.append(candidates[c]); cell.append(candidateCell[c])
            }
            try greedy.appendTrainingColumns(added)
            reason = try greedy.run()
        }
        let interpolation = try EmpiricalInterpolation(greedy: greedy.state, stopReason: reason)
        return (interpolation, Report(trainingSet: training, rounds: rounds, candidatesChecked: checked))
    }

    private func key(_ mu: [Double]) -> [Int64] { mu.map { Int64(($0 * 1e12).rounded()) } }

    private func neighbourOffsets(_ d: Int) -> [[Int]] {
        var all: [[Int]] = [[]]
        for _ in 0..<d { all = all.flatMap { o in [-1, 0, 1].map { o + [$0] } } }
        return all.filter { $0.contains { $0 != 0 } }
    }

    private func columns(_ mus: [[Double]], _ n: Int, _ sample: @escaping @Sendable ([Double], UnsafeMutableBufferPointer<Double>) -> Void) -> Matrix {
        var g = Matrix(rows: n, columns: mus.count)
        g.storage.withUnsafeMutableBufferPointer { all in
            let box = UncheckedSendable(all)
            Parallelism.forEachChunk(of: mus.count) { range in
                for c in range { sample(mus[c], UnsafeMutableBufferPointer(rebasing: box.value[(c * n)..<((c + 1) * n)])) }
            }
        }
        return g
    }
}
