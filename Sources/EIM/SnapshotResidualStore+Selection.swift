import Foundation
import LinearAlgebra

extension SnapshotResidualStore {
    /// The ℓ∞ selection in one parallel pass per term: every thread takes the next column of
    /// `order` from a shared cursor, stops once the column's bound is below the shared best, and
    /// otherwise brings up to date the tiles whose bound could reach the best (the lazy rank-one
    /// corrections and the maximum in one pass per tile, `applyPendingUpdates`). Columns go to
    /// whichever thread is free, so a core busy with other work does not hold the other back.
    /// Other norms use the serial walk of `ResidualStore`.
    mutating func largestResidual(order: [Int], columnBounds: [Double], state: GreedyState) throws -> (column: Int, size: Double) {
        guard case .linf = evaluator.norm, order.count > 1, Parallelism.threadCount > 1 else {
            return try serialLargestResidual(order: order, columnBounds: columnBounds, state: state)
        }
        let nb = tileCount, n = pointCount, cap = state.capacity, terms = state.terms
        let tileLength = evaluator.tileLength, threads = Parallelism.threadCount
        let search = SharedSearch()
        // Per column: its size when evaluated (exact when it reaches the best), −1 when skipped.
        var sizes = [Double](repeating: -1, count: parameterCount)
        residuals.withUnsafeMutableBufferPointer { all in
            bounds.withUnsafeMutableBufferPointer { bp in
                tileTerms.withUnsafeMutableBufferPointer { tp in
                    sizes.withUnsafeMutableBufferPointer { sp in
                        state.basis.withUnsafeBufferPointer { q in
                            state.coefficients.withUnsafeBufferPointer { c in
                                order.withUnsafeBufferPointer { op in
                                    columnBounds.withUnsafeBufferPointer { cb in
                                        let box = UncheckedBox((all, bp, tp, sp, q, c, op, cb))
                                        Parallelism.forEachChunk(of: threads, chunks: threads) { _ in
                                            let (all, bp, tp, sp, q, c, op, cb) = box.value
                                            var best = -1.0
                                            while true {
                                                let (index, shared) = search.next()
                                                best = max(best, shared)
                                                guard index < op.count, cb[op[index]] >= best else { search.stop(); return }
                                                let j = op[index]
                                                var size = 0.0
                                                for b in 0..<nb where bp[j * nb + b] >= max(best, size) {
                                                    let rows = (b * tileLength)..<min(n, (b + 1) * tileLength)
                                                    let e = applyPendingUpdates(all.baseAddress! + j * n, range: rows, basis: q.baseAddress!,
                                                                                pointCount: n, coefficients: c.baseAddress! + j * cap,
                                                                                terms: Int(tp[j * nb + b])..<terms)
                                                    tp[j * nb + b] = Int32(terms)
                                                    bp[j * nb + b] = e
                                                    size = max(size, e)
                                                }
                                                sp[j] = size
                                                best = max(best, size)
                                                search.offer(size)
                                            }
                                        }
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

    /// The serial walk (the protocol's default), for the other norms and one thread.
    private mutating func serialLargestResidual(order: [Int], columnBounds: [Double], state: GreedyState) throws -> (column: Int, size: Double) {
        var best = -1.0, bestColumn = -1
        for j in order {
            if columnBounds[j] < best { break }
            var size = 0.0
            for b in 0..<tileCount where bounds[j * tileCount + b] >= max(best, size) {
                size = max(size, try refresh(tile: b, column: j, state: state))
            }
            if size > best || (size == best && j < bestColumn) { best = size; bestColumn = j }
        }
        return (bestColumn, max(best, 0))
    }
}

/// The cursor into the candidate order and the best size found, shared by the selection's threads.
private final class SharedSearch: @unchecked Sendable {
    private let lock = NSLock()
    private var cursor = 0
    private var best = -1.0
    private var stopped = false

    /// The next candidate index (Int.max once stopped) and the best size so far.
    func next() -> (index: Int, best: Double) {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return (Int.max, best) }
        cursor += 1
        return (cursor - 1, best)
    }

    /// Records a column's size.
    func offer(_ size: Double) {
        lock.lock()
        if size > best { best = size }
        lock.unlock()
    }

    /// No candidate left can reach the best.
    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }
}
