import CSmallKernels
import LinearAlgebra

extension EIMGreedy where Store == FarFieldResidualStore {
    /// The far-field greedy from no terms on a family grown by new columns, without redoing the
    /// steps it shares with the run `previous` made on the old columns alone (`validatedGreedy`'s
    /// restarts, `ValidationRestart.fromScratch`).
    ///
    /// From scratch, the greedy on old ∪ new picks what `previous` picked for as long as no new
    /// column's residual exceeds the old largest one, `previous.errors[k]` (a tie goes to the old
    /// column, whose index is smaller): its first k₀ terms are those of `previous`, bit for bit,
    /// because every residual value is the same sequence of roundings whatever the order in which
    /// the lazy store applies the terms (`romkit_residual_updates`, `residualRow`). The new columns
    /// are brought through those steps alone (c columns instead of p + c), which gives k₀ and their
    /// coefficients; the old coefficients are `previous`'s. The greedy returned holds the k₀ terms
    /// and continues with `run()`: the same interpolation as a run from scratch, at the cost of the
    /// steps after k₀.
    ///
    /// `snapshots`: the old columns (those `previous` was trained on, unscaled) then the new ones.
    static func restarted(previous: GreedyState, snapshots: consuming Matrix, options: EIMOptions) throws -> Self {
        let n = snapshots.rows, p = previous.parameterCount, total = snapshots.columns
        precondition(n == previous.pointCount && total >= p && !options.relative)
        let (shared, coefficients) = sharedSteps(previous: previous, added: Array(snapshots.storage[(p * n)...]), rows: n)
        let store = FarFieldResidualStore(snapshots: try SnapshotResidualStore(snapshots: snapshots, norm: .linf, relative: false,
                                                                               stabilized: false))
        var greedy = EIMGreedy(store: store, pointCount: n, parameterCount: total, options: options)
        var row = [Double](repeating: 0, count: total)
        let steps = previous.terms
        for k in 0..<shared {
            for j in 0..<p { row[j] = previous.coefficients[k + j * previous.capacity] }
            for c in 0..<(total - p) { row[p + c] = coefficients[k + c * steps] }
            previous.basis.withUnsafeBufferPointer { q in
                row.withUnsafeBufferPointer { rp in
                    greedy.replay(q: UnsafeBufferPointer(rebasing: q[(k * n)..<((k + 1) * n)]), point: previous.points[k],
                                  parameter: previous.parameters[k], row: rp, error: previous.errors[k])
                }
            }
        }
        return greedy
    }

    /// The number k₀ of steps the greedy on old ∪ `added` (column-major, `rows` per column; brought
    /// through the steps in place) shares with `previous` (the first k at which an added column's
    /// residual exceeds `previous.errors[k]`, or `previous.terms`), and the added columns'
    /// coefficients C[k, c] = r_c(x_k) for k < k₀ at `k + c·previous.terms`.
    private static func sharedSteps(previous: GreedyState, added residuals: consuming [Double], rows n: Int) -> (steps: Int, coefficients: [Double]) {
        let c = residuals.count / max(n, 1), steps = previous.terms
        var coefficients = [Double](repeating: 0, count: max(steps, 1) * c)
        guard c > 0 else { return (steps, coefficients) }
        var low = [Double](repeating: 0, count: c), high = low
        var k = 0
        residuals.withUnsafeMutableBufferPointer { r in
            for col in 0..<c { (low[col], high[col]) = extremes(r.baseAddress! + col * n, 0..<n) }
            var columns = (0..<c).map { Optional(r.baseAddress! + $0 * n) }
            coefficients.withUnsafeMutableBufferPointer { cp in
                var rows = (0..<c).map { Optional(UnsafePointer(cp.baseAddress! + $0 * steps)) }
                var starts = [Int32](repeating: 0, count: c)
                previous.basis.withUnsafeBufferPointer { q in
                    while k < steps {
                        var largest = 0.0
                        for col in 0..<c { largest = max(largest, tileSize((low[col], high[col]))) }
                        if largest > previous.errors[k] { break }
                        let x = previous.points[k]
                        for col in 0..<c { cp[k + col * steps] = r[x + col * n] }
                        for col in 0..<c { starts[col] = Int32(k) }
                        romkit_residual_updates(Int32(c), &columns, &starts, &rows, Int32(k + 1), q.baseAddress!, n, Int32(n), &low, &high)
                        k += 1
                    }
                }
            }
        }
        return (k, coefficients)
    }
}
