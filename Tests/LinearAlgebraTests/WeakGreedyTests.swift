import LinearAlgebra
import XCTest

/// The weak greedy loop on a surrogate with a known answer: farthest-point sampling of a grid,
/// where the estimate of a point is its distance to the nearest selected one.
final class WeakGreedyTests: XCTestCase {
    struct FarthestPoint: GreedySurrogate {
        var selected: [Double] = []
        var size: Int { selected.count }
        func worst(over candidates: [Double]) throws -> (index: Int, estimate: Double) {
            var best = (index: 0, estimate: -Double.infinity)
            for (k, x) in candidates.enumerated() {
                let distance = selected.map { abs($0 - x) }.min() ?? 1
                if distance > best.estimate { best = (k, distance) }
            }
            return best
        }
        mutating func extend(with x: Double) throws -> Bool {
            if selected.contains(x) { return false }
            selected.append(x)
            return true
        }
    }

    func testFarthestPointSamplingOfAGrid() throws {
        let grid = (0...8).map { Double($0) / 8 }
        var surrogate = FarthestPoint()
        let outcome = try WeakGreedy(tolerance: 0.2, maxSize: 20).run(&surrogate, candidates: grid)
        // 0 (every estimate is 1: the first wins), then 1, ½, ¼, ¾: the largest gap is then ⅛ ≤ 0.2.
        XCTAssertEqual(outcome.selected, [0, 8, 4, 2, 6])
        XCTAssertEqual(outcome.history.map(\.maxEstimate), [1, 1, 0.5, 0.25, 0.25, 0.125])
        XCTAssertEqual(outcome.stopReason, .toleranceReached)

        var limited = FarthestPoint()
        let short = try WeakGreedy(tolerance: 0.2, maxSize: 2).run(&limited, candidates: grid)
        XCTAssertEqual(short.selected, [0, 8])
        XCTAssertEqual(short.stopReason, .maximumSizeReached)
    }

    /// A candidate that brings nothing new stops the loop instead of repeating forever.
    func testNoNewDirectionStops() throws {
        struct Saturated: GreedySurrogate {
            var size: Int { 1 }
            func worst(over candidates: [Double]) throws -> (index: Int, estimate: Double) { (1, 1) }
            mutating func extend(with x: Double) throws -> Bool { false }
        }
        var saturated = Saturated()
        let outcome = try WeakGreedy(tolerance: 1e-3, maxSize: 10).run(&saturated, candidates: [0.5, 0.7])
        XCTAssertEqual(outcome.selected, [])
        XCTAssertEqual(outcome.stopReason, .noNewDirection(candidate: 1))
        var surrogate = FarthestPoint()
        XCTAssertEqual("\(outcome.stopReason)", "the snapshot of candidate 1 lies in the span of the basis")
        XCTAssertThrowsError(try WeakGreedy(tolerance: 0, maxSize: 1))
        XCTAssertThrowsError(try WeakGreedy(tolerance: 1, maxSize: 1).run(&surrogate, candidates: []))
    }

    /// Two processes simulated in one: process 0 holds the even grid points, process 1 the odd
    /// ones, with its own copy of the surrogate kept in step; the agreed worst follows the serial
    /// rule, so the selections equal the serial greedy's.
    func testSplitCandidatesSelectWhatTheSerialGreedySelects() throws {
        final class OtherProcess: @unchecked Sendable { var surrogate = FarthestPoint() }
        struct TwoProcesses: CandidateSplit {
            let grid: [Double], other: OtherProcess
            func share(of count: Int) -> [Int] { Array(stride(from: 0, to: count, by: 2)) }
            func agree(index: Int, estimate: Double) throws -> (index: Int, estimate: Double) {
                let odd = Array(stride(from: 1, to: grid.count, by: 2))
                let theirs = try other.surrogate.worst(over: odd.map { grid[$0] })
                let agreed = Self.worst(of: [(index, estimate), (odd[theirs.index], theirs.estimate)])
                _ = try other.surrogate.extend(with: grid[agreed.index])   // the other process extends with the same candidate
                return agreed
            }
        }
        let grid = (0...8).map { Double($0) / 8 }
        var serial = FarthestPoint(), split = FarthestPoint()
        let expected = try WeakGreedy(tolerance: 0.2, maxSize: 20).run(&serial, candidates: grid)
        let outcome = try WeakGreedy(tolerance: 0.2, maxSize: 20).run(&split, candidates: grid,
                                                                     split: TwoProcesses(grid: grid, other: OtherProcess()))
        XCTAssertEqual(outcome.selected, expected.selected)
        XCTAssertEqual(outcome.history.map(\.maxEstimate), expected.history.map(\.maxEstimate))
        // The rule: NaN first, then the largest, then the lowest index; −1 (an empty share) never wins.
        XCTAssertEqual(TwoProcesses.worst(of: [(3, 1), (1, 1), (-1, 5)]).index, 1)
        XCTAssertEqual(TwoProcesses.worst(of: [(3, 1), (7, .nan), (5, .nan)]).index, 5)
        XCTAssertEqual(TwoProcesses.worst(of: [(2, 0.5), (0, 0.25)]).index, 2)
    }
}
