import CSmallKernels
@testable import EIM
import LinearAlgebra
import XCTest

/// The mechanics of the greedy's selection against the plain computation they replace: the
/// grouped lazy corrections (`romkit_residual_updates`) against one column at a time, the phased
/// order of the candidates and the parallel search against an eager greedy that updates every
/// residual at every term, the k-th largest against a sort, and the far-field restart that
/// replays the steps it shares with the previous run against a greedy from scratch.
final class GreedySelectionTests: XCTestCase {
    /// Gaussian bumps g(t; s) = exp(−(t − s)² / w²) at n points of [0, 1], one column per s.
    private func bumps(points n: Int, centres: [Double], width: Double) -> Matrix {
        var g = Matrix(rows: n, columns: centres.count)
        for (j, s) in centres.enumerated() { for i in 0..<n {
            let t = Double(i) / Double(n - 1)
            g[i, j] = exp(-(t - s) * (t - s) / (width * width))
        } }
        return g
    }

    /// The EIM greedy with every residual updated at every term (ℓ∞, absolute): the points, columns
    /// and errors the lazy store must reproduce bit for bit (the same roundings, term by term).
    private func eagerGreedy(_ g: Matrix, terms: Int) -> (points: [Int], parameters: [Int], errors: [Double]) {
        let n = g.rows, p = g.columns
        var r = g.storage, points: [Int] = [], parameters: [Int] = [], errors: [Double] = []
        for _ in 0..<terms {
            var best = -1.0, mu = -1
            for j in 0..<p {
                var size = 0.0
                for i in 0..<n { size = max(size, abs(r[i + j * n])) }
                if size > best { best = size; mu = j }
            }
            errors.append(best)
            var x = -1, largest = 0.0
            for i in 0..<n where abs(r[i + mu * n]) > largest { largest = abs(r[i + mu * n]); x = i }
            let pivot = r[x + mu * n]
            var q = (0..<n).map { r[$0 + mu * n] / pivot }
            q[x] = 1
            for earlier in points { q[earlier] = 0 }
            for j in 0..<p {
                let c = r[x + j * n]
                for i in 0..<n { r[i + j * n] -= c * q[i] }
            }
            points.append(x)
            parameters.append(mu)
        }
        return (points, parameters, errors)
    }

    func testKthLargestMatchesASort() {
        var rng = SplitMix64(seed: 3)
        // Many repeated values: the selection's partition must handle runs equal to the pivot.
        let values = (0..<5000).map { _ in Double(Int(rng.nextUniform() * 300)) / 7 }
        let sorted = values.sorted(by: >)
        for k in [1, 2, 17, 256, 1024, 2500, 4999, 5000] {
            XCTAssertEqual(kthLargest(values, k), sorted[k - 1], "k = \(k)")
        }
        XCTAssertEqual(kthLargest([4], 1), 4)
    }

    /// Three columns with different pending terms brought up to date together equal each brought up
    /// to date alone, bit for bit, extremes included; a column with no pending term only gives its
    /// extremes.
    func testGroupedCorrectionsEqualOneColumnAtATime() {
        let n = 1023, terms = 13  // n not a multiple of the vector or chunk length
        var rng = SplitMix64(seed: 9)
        let q = (0..<(n * terms)).map { _ in 2 * rng.nextUniform() - 1 }
        let c = (0..<(3 * terms)).map { _ in 2 * rng.nextUniform() - 1 }
        let start: [Int32] = [0, 6, 13]
        let original = (0..<(3 * n)).map { _ in 2 * rng.nextUniform() - 1 }
        var grouped = original, alone = original
        var low = [Double](repeating: 0, count: 3), high = low
        grouped.withUnsafeMutableBufferPointer { r in
            c.withUnsafeBufferPointer { cp in
                var columns = (0..<3).map { Optional(r.baseAddress! + $0 * n) }
                var coefficients = (0..<3).map { Optional(cp.baseAddress! + $0 * terms) }
                var starts = start
                romkit_residual_updates(3, &columns, &starts, &coefficients, Int32(terms), q, n, Int32(n), &low, &high)
            }
        }
        for j in 0..<3 {
            var expected = (low: Double.infinity, high: -Double.infinity)
            for i in 0..<n {
                var v = alone[i + j * n]
                for k in Int(start[j])..<terms { v -= c[k + j * terms] * q[i + k * n] }
                alone[i + j * n] = v
                expected = (min(expected.low, v), max(expected.high, v))
            }
            XCTAssertEqual(low[j], expected.low, "column \(j)")
            XCTAssertEqual(high[j], expected.high, "column \(j)")
        }
        XCTAssertEqual(grouped, alone)
        XCTAssertEqual(Array(grouped[(2 * n)...]), Array(original[(2 * n)...]), "no pending term: untouched")
    }

    /// 1500 columns (more than four times the first phase of 256 candidates): the lazy, phased and
    /// parallel selection picks what the eager greedy picks, with the same errors, bit for bit.
    func testPhasedLazySelectionEqualsTheEagerGreedy() throws {
        var rng = SplitMix64(seed: 5)
        let g = bumps(points: 600, centres: (0..<1500).map { _ in 1.4 * rng.nextUniform() - 0.2 }, width: 0.08)
        let terms = 30
        let store = FarFieldResidualStore(snapshots: try SnapshotResidualStore(snapshots: g, norm: .linf, relative: false, stabilized: false))
        var greedy = EIMGreedy(store: store, pointCount: g.rows, parameterCount: g.columns,
                               options: EIMOptions(tolerance: 0, maxTerms: terms, relative: false))
        XCTAssertEqual(try greedy.run(), .termLimit)
        let eager = eagerGreedy(g, terms: terms)
        XCTAssertEqual(greedy.state.points, eager.points)
        XCTAssertEqual(greedy.state.parameters, eager.parameters)
        XCTAssertEqual(Array(greedy.state.errors.prefix(terms)), eager.errors)
        XCTAssertLessThan(eager.errors.last!, 1e-3 * eager.errors.first!, "the greedy converges: the check is not vacuous")
    }

    /// The far-field restart on a grown family equals the greedy from scratch on it: the same
    /// points, columns, errors and basis, bit for bit; and it replays part of the previous run,
    /// not none or all of it (the new columns, between the old ones, overtake after some terms).
    func testRestartEqualsTheGreedyFromScratch() throws {
        let n = 800, tolerance = 1e-9
        let old = (0..<41).map { Double($0) / 40 }, added = (0..<40).map { (Double($0) + 0.5) / 40 }
        let options = EIMOptions(tolerance: tolerance, maxTerms: 200, relative: false)
        func greedy(_ g: Matrix) throws -> EIMGreedy<FarFieldResidualStore> {
            let store = FarFieldResidualStore(snapshots: try SnapshotResidualStore(snapshots: g, norm: .linf, relative: false, stabilized: false))
            return EIMGreedy(store: store, pointCount: n, parameterCount: g.columns, options: options)
        }
        let all = bumps(points: n, centres: old + added, width: 0.05)
        var first = try greedy(bumps(points: n, centres: old, width: 0.05))
        _ = try first.run()
        var restarted = try EIMGreedy.restarted(previous: first.state, snapshots: all, options: options)
        let replayed = restarted.state.terms
        let restartReason = try restarted.run()
        var scratch = try greedy(all)
        let scratchReason = try scratch.run()
        XCTAssertEqual(restartReason, scratchReason)
        XCTAssertGreaterThan(replayed, 0)
        XCTAssertLessThan(replayed, first.state.terms)
        XCTAssertLessThan(replayed, scratch.state.terms)
        XCTAssertEqual(restarted.state.points, scratch.state.points)
        XCTAssertEqual(restarted.state.parameters, scratch.state.parameters)
        XCTAssertEqual(restarted.state.errors, scratch.state.errors)
        XCTAssertEqual(restarted.state.basis, scratch.state.basis)
        XCTAssertTrue(scratch.state.parameters.contains { $0 >= old.count }, "the new columns are picked: the check is not vacuous")
    }
}
