import Foundation
import LinearAlgebra

extension SnapshotResidualStore {
    /// The ℓ∞ selection in one parallel pass per term: every thread takes the next column of
    /// `order` from a shared cursor, stops once the column's bound is below the shared best, and
    /// otherwise brings up to date the tiles whose bound could reach the best (the lazy rank-one
    /// corrections and the maximum in one pass per tile, `applyPendingUpdates`). The calling thread
    /// works too and waits only for columns a helper has taken: a helper that starts late (its
    /// core busy with other work) finds nothing left and touches nothing.
    /// Other norms use the serial walk of `ResidualStore`.
    mutating func largestResidual(order: [Int], columnBounds: [Double], state: GreedyState) throws -> (column: Int, size: Double) {
        guard case .linf = evaluator.norm, order.count > 1, Parallelism.threadCount > 1 else {
            return try serialLargestResidual(order: order, columnBounds: columnBounds, state: state)
        }
        let nb = tileCount, n = pointCount, cap = state.capacity, terms = state.terms
        let tileLength = evaluator.tileLength
        let search = SharedSearch(count: order.count)
        // Per column: its size when evaluated (exact when it reaches the best), −1 when skipped.
        var sizes = [Double](repeating: -1, count: parameterCount)
        withBuffers(&bounds, &upper, &lower) { bp, up, lw in
            residuals.withUnsafeMutableBufferPointer { all in
                tileTerms.withUnsafeMutableBufferPointer { tp in
                    sizes.withUnsafeMutableBufferPointer { sp in
                        state.basis.withUnsafeBufferPointer { q in
                            state.coefficients.withUnsafeBufferPointer { c in
                                order.withUnsafeBufferPointer { op in
                                    columnBounds.withUnsafeBufferPointer { cb in
                                        let box = UncheckedSendable((all, bp, up, lw, tp, sp, q, c, op, cb))
                                        let work: @Sendable () -> Void = {
                                            let (all, bp, up, lw, tp, sp, q, c, op, cb) = box.value
                                            var best = -1.0
                                            while let (index, shared) = search.claim() {
                                                best = max(best, shared)
                                                let j = op[index]
                                                guard cb[j] >= best else { search.finish(size: -1, stop: true); return }
                                                var size = 0.0
                                                for b in 0..<nb where bp[j * nb + b] >= max(best, size) {
                                                    let rows = (b * tileLength)..<min(n, (b + 1) * tileLength)
                                                    let e = applyPendingUpdates(all.baseAddress! + j * n, range: rows, basis: q.baseAddress!,
                                                                                pointCount: n, coefficients: c.baseAddress! + j * cap,
                                                                                terms: Int(tp[j * nb + b])..<terms)
                                                    tp[j * nb + b] = Int32(terms)
                                                    (lw[j * nb + b], up[j * nb + b], bp[j * nb + b]) = (e.low, e.high, tileSize(e))
                                                    size = max(size, tileSize(e))
                                                }
                                                sp[j] = size
                                                best = max(best, size)
                                                search.finish(size: size, stop: false)
                                            }
                                        }
                                        for _ in 1..<Parallelism.threadCount { DispatchQueue.global(qos: .userInitiated).async(execute: work) }
                                        work()
                                        search.closeAndWait()
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var best = -1.0, bestColumn = -1
        for j in 0..<sizes.count where sizes[j] > best { best = sizes[j]; bestColumn = j }  // ties: the smallest j
        return (bestColumn, max(best, 0))
    }
}

/// The cursor into the candidate order, the best size found and the columns in progress, shared
/// by the selection's threads.
private final class SharedSearch: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var cursor = 0
    private var best = -1.0
    private var active = 0
    private var stopped = false

    init(count: Int) { self.count = count }

    /// The next candidate index and the best size so far, or nil when the search is over.
    func claim() -> (index: Int, best: Double)? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, cursor < count else { return nil }
        active += 1
        cursor += 1
        return (cursor - 1, best)
    }

    /// Ends a claimed column: records its size; `stop` when no candidate left can reach the best.
    func finish(size: Double, stop: Bool) {
        condition.lock()
        active -= 1
        if size > best { best = size }
        if stop { stopped = true }
        if active == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Ends the search and waits for the columns still in progress.
    func closeAndWait() {
        condition.lock()
        stopped = true
        while active > 0 { condition.wait() }
        condition.unlock()
    }
}
