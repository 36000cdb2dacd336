import LinearAlgebra

/// The EIM greedy (Barrault, Maday, Nguyen, Patera 2004), one core for every variant:
///
///     for m = 0, 1, …
///         μ_m = argmax_j ‖r_j‖            (the norm of the options; relative: ‖r_j‖ / ‖g_j‖)
///         stop when ‖r_{μ_m}‖ ≤ tolerance
///         r   = r_{μ_m};  x_m = argmax_i |r(x_i)|;  q_m = r / r(x_m)
///         r_j ← r_j − r_j(x_m) q_m for every j   (rank-one correction, never recomputed)
///
/// The rank-one corrections are applied lazily (`ResidualStore`): each column keeps an upper bound
/// of its residual per tile of points, grown at each term by what the correction can add there
/// (ℓ∞: signed bounds moved by −r_j(x_m)·[min q_m, max q_m] on the tile), and the exact value is
/// computed only where the bound could reach the best residual found so far. The choice of μ_m is
/// the exact argmax all the same (ties: the smallest column index).
struct EIMGreedy<Store: ResidualStore> {
    var store: Store
    var state: GreedyState
    let options: EIMOptions
    /// Called after each term with (terms, error).
    var progress: ((Int, Double) -> Void)?

    init(store: Store, pointCount: Int, parameterCount: Int, options: EIMOptions) {
        self.store = store
        self.options = options
        let limit = min(options.maxTerms ?? Int.max, pointCount, parameterCount)
        state = GreedyState(points: pointCount, parameters: parameterCount, capacity: min(limit, 64))
    }

    /// The largest bound-pruned exact residual: (column, size), or (−1, 0) when there is no column.
    mutating func worstColumn() throws -> (column: Int, size: Double) {
        let nb = store.tileCount, p = state.parameterCount
        var columnBound = [Double](repeating: 0, count: p)
        store.bounds.withUnsafeBufferPointer { bp in
            for j in 0..<p {
                var m = 0.0
                for b in 0..<nb { m = max(m, bp[j * nb + b]) }
                columnBound[j] = m
            }
        }
        let decreasing: (Int, Int) -> Bool = { columnBound[$0] > columnBound[$1] || (columnBound[$0] == columnBound[$1] && $0 < $1) }
        // The columns by decreasing bound in phases, each sorted alone: the largest 256 bounds, then
        // the next 1024, …; a phase only when no column so far reaches the bounds left (the search
        // stops there anyway), searched above the best size found (`floor`).
        var best = (column: -1, size: -1.0)
        var remaining = Array(0..<p), leading = 256
        while true {
            var phase = remaining, rest: [Int] = [], threshold = -Double.infinity
            if remaining.count > 2 * leading {
                threshold = kthLargest(remaining.map { columnBound[$0] }, leading)
                phase = remaining.filter { columnBound[$0] >= threshold }
                rest = remaining.filter { columnBound[$0] < threshold }
            }
            let found = try store.largestResidual(order: phase.sorted(by: decreasing), columnBounds: columnBound,
                                                  floor: best.column >= 0 ? best.size : -1, state: state)
            if found.column >= 0, best.column < 0 || found.size > best.size || (found.size == best.size && found.column < best.column) {
                best = found
            }
            if rest.isEmpty || (best.column >= 0 && best.size >= threshold) { break }
            remaining = rest
            leading *= 4
        }
        return best.column >= 0 ? best : (-1, 0)
    }

    /// Runs the greedy until a stopping rule holds; returns the rule.
    mutating func run() throws -> EIMStopReason {
        let n = state.pointCount
        let limit = min(options.maxTerms ?? Int.max, n)
        var r = [Double](repeating: 0, count: n)
        var selected = [Bool](repeating: false, count: n)
        for x in state.points { selected[x] = true }
        while true {
            let (mu, error) = try worstColumn()
            if state.errors.count == state.terms { state.errors.append(error) } else { state.errors[state.terms] = error }
            if error <= options.tolerance { return .tolerance }
            if error == 0 { return .exact }
            if options.stabilized, let first = state.errors.first, error <= options.roundOffFloor * first { return .roundOff }
            if state.terms >= min(limit, state.parameterCount) { return .termLimit }

            try r.withUnsafeMutableBufferPointer { try store.residual(column: mu, state: state, into: $0) }
            var x = -1, largest = 0.0
            for i in 0..<n where abs(r[i]) > largest && !(options.stabilized && selected[i]) { largest = abs(r[i]); x = i }
            if x < 0 { return .exact }
            if options.stabilized, let first = state.errors.first, largest <= options.roundOffFloor * first { return .roundOff }
            let pivot = r[x]
            for i in 0..<n { r[i] /= pivot }
            r[x] = 1
            // The residual vanishes at the earlier points in exact arithmetic: F stays unit lower triangular.
            for earlier in state.points { r[earlier] = 0 }
            var row = [Double](repeating: 0, count: state.parameterCount)
            row.withUnsafeMutableBufferPointer { store.residualRow(point: x, state: state, into: $0) }
            try addTerm(q: r, point: x, parameter: mu, row: row)
            selected[x] = true
            progress?(state.terms, error)
        }
    }

    /// Appends a term known in advance, with the error the selection would have found before it: a
    /// run replayed up to where it changes (`EIMGreedy.restarted`). `row` is r_j(x) for every column.
    mutating func replay(q: UnsafeBufferPointer<Double>, point x: Int, parameter mu: Int, row: UnsafeBufferPointer<Double>, error: Double) {
        precondition(state.errors.count == state.terms && q.count == state.pointCount && row.count == state.parameterCount)
        state.errors.append(error)
        state.append(basisVector: q, point: x, parameter: mu, residualsAtPoint: row)
        store.growBounds(q: q, row: row)
    }

    /// Appends (q, x, μ) and grows every bound by the correction (`ResidualStore.growBounds`).
    private mutating func addTerm(q: [Double], point x: Int, parameter mu: Int, row: [Double]) throws {
        q.withUnsafeBufferPointer { qp in
            row.withUnsafeBufferPointer { rp in
                state.append(basisVector: qp, point: x, parameter: mu, residualsAtPoint: rp)
                store.growBounds(q: qp, row: rp)
            }
        }
    }
}

extension EIMGreedy where Store == SnapshotResidualStore {
    /// Adds training columns (unscaled values, n × c) to a running greedy; `run()` continues from
    /// the current terms.
    mutating func appendTrainingColumns(_ g: Matrix) throws {
        state.appendParameters(g.columns)
        try store.append(columns: g, state: state)
    }
}

/// The k-th largest of `values` (1 ≤ k ≤ count, no NaN): Hoare's selection on a copy, linear time
/// on average.
func kthLargest(_ values: [Double], _ k: Int) -> Double {
    precondition(k >= 1 && k <= values.count)
    var a = values
    var low = 0, high = a.count - 1
    let target = k - 1  // its index in decreasing order
    while low < high {
        let pivot = a[low + (high - low) / 2]
        var i = low, j = high
        while i <= j {
            while a[i] > pivot { i += 1 }
            while a[j] < pivot { j -= 1 }
            if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
        }
        if target <= j { high = j } else if target >= i { low = i } else { break }
    }
    return a[target]
}
