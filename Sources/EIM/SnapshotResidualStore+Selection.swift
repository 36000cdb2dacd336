import CSmallKernels
import Foundation
import LinearAlgebra

extension SnapshotResidualStore {
    /// Columns a thread takes from the order at a time: their tiles are brought up to date together
    /// (`romkit_residual_updates`), so each tile of the basis is read once for all of them.
    static var selectionGroup: Int { 8 }

    /// The ℓ∞ selection in one parallel pass per term: every thread takes the next group of columns
    /// of `order` from a shared cursor, stops once a column's bound is below the best size found,
    /// and otherwise brings up to date, tile by tile, those of the group's tiles whose bound could
    /// reach the best (the lazy rank-one corrections and the maxima in one pass over the tile, for
    /// the whole group). The calling thread works too and waits only for columns a helper has
    /// taken: a helper that starts late (its core busy with other work) finds nothing left and
    /// touches nothing. Other norms use the serial walk of `ResidualStore`.
    mutating func largestResidual(order: [Int], columnBounds: [Double], floor: Double, state: GreedyState) throws -> (column: Int, size: Double) {
        guard case .linf = evaluator.norm, order.count > 1, Parallelism.threadCount > 1 else {
            return try serialLargestResidual(order: order, columnBounds: columnBounds, floor: floor, state: state)
        }
        let nb = tileCount, n = pointCount, cap = state.capacity, terms = state.terms
        let tileLength = evaluator.tileLength, group = Self.selectionGroup
        let search = SharedSearch(count: order.count, best: floor)
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
                                            let scratch = SelectionScratch(capacity: group)
                                            defer { scratch.deallocate() }
                                            var best = -1.0
                                            while let (claimed, shared) = search.claim(upTo: group) {
                                                best = max(best, shared)
                                                var m = 0, exhausted = false
                                                for index in claimed {
                                                    let j = op[index]
                                                    if cb[j] < best { exhausted = true; break }
                                                    scratch.columns[m] = j
                                                    scratch.sizes[m] = 0
                                                    m += 1
                                                }
                                                for b in 0..<nb {
                                                    let offset = b * tileLength, rows = min(n, offset + tileLength) - offset
                                                    var s = 0
                                                    for g in 0..<m {
                                                        let j = scratch.columns[g], t = j * nb + b
                                                        guard bp[t] >= max(best, scratch.sizes[g]) else { continue }
                                                        scratch.picked[s] = g
                                                        scratch.residuals[s] = all.baseAddress! + j * n + offset
                                                        scratch.coefficients[s] = c.baseAddress! + j * cap
                                                        scratch.starts[s] = tp[t]
                                                        s += 1
                                                    }
                                                    if s == 0 { continue }
                                                    romkit_residual_updates(Int32(s), scratch.residuals, scratch.starts, scratch.coefficients,
                                                                            Int32(terms), q.baseAddress! + offset, n, Int32(rows),
                                                                            scratch.low, scratch.high)
                                                    for u in 0..<s {
                                                        let g = scratch.picked[u], t = scratch.columns[g] * nb + b
                                                        let e = (low: scratch.low[u], high: scratch.high[u])
                                                        tp[t] = Int32(terms)
                                                        (lw[t], up[t], bp[t]) = (e.low, e.high, tileSize(e))
                                                        scratch.sizes[g] = max(scratch.sizes[g], bp[t])
                                                    }
                                                }
                                                var largest = -1.0
                                                for g in 0..<m {
                                                    sp[scratch.columns[g]] = scratch.sizes[g]
                                                    largest = max(largest, scratch.sizes[g])
                                                }
                                                best = max(best, largest)
                                                search.finish(size: largest, stop: exhausted)
                                                if exhausted { return }
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
        for j in 0..<sizes.count where sizes[j] >= floor && sizes[j] > best { best = sizes[j]; bestColumn = j }  // ties: the smallest j
        return bestColumn >= 0 ? (bestColumn, max(best, 0)) : (-1, 0)
    }
}

/// One thread's arguments of `romkit_residual_updates` for a group of columns, allocated once per
/// selection (no allocation in its loop).
private struct SelectionScratch {
    let columns: UnsafeMutablePointer<Int>
    let sizes: UnsafeMutablePointer<Double>
    let picked: UnsafeMutablePointer<Int>
    let residuals: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
    let coefficients: UnsafeMutablePointer<UnsafePointer<Double>?>
    let starts: UnsafeMutablePointer<Int32>
    let low: UnsafeMutablePointer<Double>
    let high: UnsafeMutablePointer<Double>

    init(capacity: Int) {
        columns = .allocate(capacity: capacity)
        sizes = .allocate(capacity: capacity)
        picked = .allocate(capacity: capacity)
        residuals = .allocate(capacity: capacity)
        coefficients = .allocate(capacity: capacity)
        starts = .allocate(capacity: capacity)
        low = .allocate(capacity: capacity)
        high = .allocate(capacity: capacity)
    }

    func deallocate() {
        columns.deallocate(); sizes.deallocate(); picked.deallocate(); residuals.deallocate()
        coefficients.deallocate(); starts.deallocate(); low.deallocate(); high.deallocate()
    }
}

/// The cursor into the candidate order, the best size found and the columns in progress, shared
/// by the selection's threads.
private final class SharedSearch: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var cursor = 0
    private var best: Double
    private var active = 0
    private var stopped = false

    init(count: Int, best: Double) {
        self.count = count
        self.best = best
    }


    /// The next candidate indices (up to `limit`) and the best size so far, or nil when the search is over.
    func claim(upTo limit: Int) -> (indices: Range<Int>, best: Double)? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, cursor < count else { return nil }
        active += 1
        let first = cursor
        cursor = min(count, cursor + limit)
        return (first..<cursor, best)
    }

    /// Ends a claim: records its largest size; `stop` when no candidate left can reach the best.
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

