import LinearAlgebra

/// The residuals of a snapshot matrix (rows = points, columns = training parameters), kept in one
/// n × p array and brought up to date lazily: each tile of points of each column remembers the
/// term count it is exact for, and the pending rank-one updates are applied only when the greedy
/// needs that tile's exact size. The greedy's picks are those of the eager update.
struct SnapshotResidualStore: ResidualStore {
    let pointCount: Int
    private(set) var parameterCount: Int
    var evaluator: NormEvaluator
    /// Scaled residuals, column-major n × p.
    var residuals: [Double]
    /// The unscaled values, kept in stabilized mode for the recomputation of chosen columns.
    private var originals: [Double]
    /// The term count each tile is exact for, at `j·tileCount + b`.
    var tileTerms: [Int32]
    var bounds: [Double]
    /// ℓ∞ only: signed bounds, lower[j·tileCount + b] ≤ r ≤ upper[j·tileCount + b] on the tile; a
    /// correction of the same sign as the residual then shrinks the bound instead of growing it.
    var upper: [Double] = []
    var lower: [Double] = []
    private(set) var scales: [Double]
    let stabilized: Bool

    var tileCount: Int { evaluator.tileCount }

    /// Takes over `snapshots` (checked finite) and measures every column. For ℓ∞ (not stabilized)
    /// the snapshot storage becomes the residual storage, scaled in place: no copy when the caller
    /// hands over its only reference (`EmpiricalInterpolation(snapshots: consume g)`).
    init(snapshots: consuming Matrix, norm: EIMNorm, relative: Bool, stabilized: Bool) throws {
        pointCount = snapshots.rows
        parameterCount = 0
        evaluator = try NormEvaluator(norm: norm, pointCount: snapshots.rows)
        residuals = []
        originals = []
        tileTerms = []
        bounds = []
        scales = []
        self.stabilized = stabilized
        self.relative = relative
        if case .linf = norm, !stabilized {
            let columns = snapshots.columns
            residuals = (consume snapshots).storage
            try adoptResiduals(columns: columns)
        } else {
            try append(columns: snapshots, state: nil)
        }
    }

    /// The ℓ∞ start on `residuals` (the unscaled snapshots): one read pass per column gives its
    /// tile maxima and finds NaN or infinity, one write pass scales it (relative errors). The
    /// bounds are exact: rounding is monotone, so max |s x| = s ⊗ max |x|.
    private mutating func adoptResiduals(columns p: Int) throws {
        let n = pointCount, nb = tileCount, tileLength = evaluator.tileLength, relative = self.relative
        parameterCount = p
        tileTerms = [Int32](repeating: 0, count: nb * p)
        bounds = [Double](repeating: 0, count: nb * p)
        upper = bounds
        lower = bounds
        scales = [Double](repeating: 1, count: p)
        var bad = [Int](repeating: -1, count: p)
        withBuffers(&bounds, &upper, &lower) { bp, up, lw in
            residuals.withUnsafeMutableBufferPointer { all in
                scales.withUnsafeMutableBufferPointer { sp in
                    bad.withUnsafeMutableBufferPointer { badp in
                        let box = UncheckedSendable((all, bp, up, lw, sp, badp))
                        Parallelism.forEachChunk(of: p) { range in
                            let (all, bp, up, lw, sp, badp) = box.value
                            for j in range {
                                let r = all.baseAddress! + j * n
                                var size = 0.0
                                for b in 0..<nb {
                                    let rows = (b * tileLength)..<min(n, (b + 1) * tileLength)
                                    guard let e = finiteExtremes(UnsafePointer(r), rows) else { badp[j] = rows.lowerBound; break }
                                    (lw[j * nb + b], up[j * nb + b], bp[j * nb + b]) = (e.low, e.high, tileSize(e))
                                    size = max(size, tileSize(e))
                                }
                                guard badp[j] < 0, relative else { continue }
                                let s = size > 0 ? 1 / size : 0
                                sp[j] = s
                                guard size > 0 else { continue }
                                for i in 0..<n { r[i] *= s }
                                for t in (j * nb)..<((j + 1) * nb) { bp[t] *= s; up[t] *= s; lw[t] *= s }
                            }
                        }
                    }
                }
            }
        }
        if let j = bad.firstIndex(where: { $0 >= 0 }) {
            let i = residuals[(j * n)..<((j + 1) * n)].firstIndex { !$0.isFinite }.map { $0 - j * n } ?? bad[j]
            throw EIMError.notFinite(point: i, parameter: j)
        }
    }

    private let relative: Bool

    /// Appends training columns: their residuals against the current basis are computed exactly,
    /// or, with `residualsGiven`, `g` already holds them (an absolute, unstabilized store: the far
    /// field's validation computed them, `interpolationErrors`).
    mutating func append(columns g: Matrix, state: GreedyState?, residualsGiven: Bool = false) throws {
        precondition(g.rows == pointCount && (!residualsGiven || (!relative && !stabilized)))
        let n = pointCount, first = parameterCount
        if let j = firstNonFinite(g.storage) { throw EIMError.notFinite(point: j % max(n, 1), parameter: first + j / max(n, 1)) }
        if stabilized { originals.append(contentsOf: g.storage) }
        residuals.append(contentsOf: repeatElement(0, count: n * g.columns))
        parameterCount += g.columns
        let nb = tileCount
        tileTerms.append(contentsOf: repeatElement(Int32(state?.terms ?? 0), count: nb * g.columns))
        bounds.append(contentsOf: repeatElement(0, count: nb * g.columns))
        let signed = signedBounds
        if signed {
            upper.append(contentsOf: repeatElement(0, count: nb * g.columns))
            lower.append(contentsOf: repeatElement(0, count: nb * g.columns))
        }
        scales.append(contentsOf: repeatElement(0, count: g.columns))
        var bad = [Int](repeating: -1, count: g.columns)
        let base = evaluator, relative = self.relative, refine = stabilized
        withBuffers(&bounds, &upper, &lower) { bp, up, lw in
            residuals.withUnsafeMutableBufferPointer { all in
                scales.withUnsafeMutableBufferPointer { sp in
                    bad.withUnsafeMutableBufferPointer { badp in
                        g.storage.withUnsafeBufferPointer { gp in
                            let boxes = UncheckedSendable((all, bp, up, lw, sp, badp, gp))
                            Parallelism.forEachChunk(of: g.columns) { range in
                                let (all, bp, up, lw, sp, badp, gp) = boxes.value
                                var e = base
                                for c in range {
                                    let j = first + c
                                    let source = UnsafeBufferPointer(rebasing: gp[(c * n)..<((c + 1) * n)])
                                    let r = UnsafeMutableBufferPointer(rebasing: all[(j * n)..<((j + 1) * n)])
                                    let size = e.total(source)
                                    if size < 0 { badp[c] = 0; continue }
                                    let s = relative ? (size > 0 ? 1 / size : 0) : 1
                                    sp[j] = s
                                    for i in 0..<n { r[i] = s * source[i] }
                                    if let state, state.terms > 0, !residualsGiven { recomputeResidual(r, state: state, refine: refine) }
                                    for b in 0..<nb {
                                        bp[j * nb + b] = e.measure(UnsafeBufferPointer(r), e.tileRange(b))
                                        guard signed else { continue }
                                        (lw[j * nb + b], up[j * nb + b]) = extremes(UnsafePointer(r.baseAddress!), e.tileRange(b))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let c = bad.firstIndex(where: { $0 >= 0 }) { throw EIMError.weightNotPositiveDefinite(parameter: first + c) }
    }

    mutating func refresh(tile b: Int, column j: Int, state: GreedyState) throws -> Double {
        let nb = tileCount, n = pointCount, cap = state.capacity
        let range = evaluator.tileRange(b)
        let from = Int(tileTerms[j * nb + b]), to = state.terms
        var e = (low: 0.0, high: 0.0)
        residuals.withUnsafeMutableBufferPointer { all in
            state.basis.withUnsafeBufferPointer { q in
                state.coefficients.withUnsafeBufferPointer { c in
                    e = applyPendingUpdates(all.baseAddress! + j * n, range: range, basis: q.baseAddress!, pointCount: n,
                                                  coefficients: c.baseAddress! + j * cap, terms: from..<to)
                }
            }
        }
        tileTerms[j * nb + b] = Int32(to)
        let size: Double
        if signedBounds {
            size = tileSize(e)
            (lower[j * nb + b], upper[j * nb + b]) = e
        } else {
            size = residuals.withUnsafeBufferPointer { all in
                evaluator.measure(UnsafeBufferPointer(rebasing: all[(j * n)..<((j + 1) * n)]), range)
            }
        }
        if size < 0 { throw EIMError.weightNotPositiveDefinite(parameter: j) }
        bounds[j * nb + b] = size
        return size
    }

    mutating func residual(column j: Int, state: GreedyState, into r: UnsafeMutableBufferPointer<Double>) throws {
        let n = pointCount
        if stabilized {
            let s = scales[j]
            for i in 0..<n { r[i] = s * originals[i + j * n] }
            recomputeResidual(r, state: state, refine: true)
            residuals.withUnsafeMutableBufferPointer { all in
                for i in 0..<n { all[i + j * n] = r[i] }
            }
            for b in 0..<tileCount { tileTerms[j * tileCount + b] = Int32(state.terms) }
            return
        }
        for b in 0..<tileCount { _ = try refresh(tile: b, column: j, state: state) }
        residuals.withUnsafeBufferPointer { all in
            for i in 0..<n { r[i] = all[i + j * n] }
        }
    }

    mutating func residualRow(point x: Int, state: GreedyState, into row: UnsafeMutableBufferPointer<Double>) {
        let n = pointCount, nb = tileCount, cap = state.capacity, b = x / evaluator.tileLength
        state.basis.withUnsafeBufferPointer { q in
            state.coefficients.withUnsafeBufferPointer { c in
                residuals.withUnsafeBufferPointer { all in
                    for j in 0..<parameterCount {
                        var v = all[x + j * n]
                        for k in Int(tileTerms[j * nb + b])..<state.terms { v -= c[k + j * cap] * q[x + k * n] }
                        row[j] = v
                    }
                }
            }
        }
    }

    mutating func tileSizes(of q: UnsafeBufferPointer<Double>) -> [Double] { evaluator.tileSizes(of: q) }

    /// Whether the bounds are kept signed (ℓ∞).
    var signedBounds: Bool { if case .linf = evaluator.norm { return true } else { return false } }

    /// ℓ∞: the correction r_j ← r_j − c_j q moves tile b of r_j by −c_j q, which lies between
    /// −c_j·max q and −c_j·min q on the tile: the signed bounds move by those, with a margin for
    /// the round-off of the sums, and the bound is max(upper, −lower). Other norms: |c_j|·‖q‖_tile.
    mutating func growBounds(q: UnsafeBufferPointer<Double>, row: UnsafeBufferPointer<Double>) {
        guard signedBounds else { return growAbsoluteBounds(q: q, row: row) }
        let nb = tileCount
        var qLow = [Double](repeating: 0, count: nb), qHigh = qLow
        for b in 0..<nb { (qLow[b], qHigh[b]) = extremes(q.baseAddress!, evaluator.tileRange(b)) }
        withBuffers(&bounds, &upper, &lower) { bp, up, lw in
            for j in 0..<parameterCount {
                let c = row[j]
                if c == 0 { continue }
                for b in 0..<nb {
                    let t = j * nb + b
                    let x = -c * qHigh[b], y = -c * qLow[b]
                    let margin = 1e-15 * (abs(up[t]) + abs(lw[t]) + abs(x) + abs(y))
                    up[t] += max(x, y) + margin
                    lw[t] += min(x, y) - margin
                    bp[t] = max(up[t], -lw[t], 0)
                }
            }
        }
    }
}

/// Three arrays as mutable buffers at once (the bounds of a store: `bounds`, `upper`, `lower`).
func withBuffers<R>(_ a: inout [Double], _ b: inout [Double], _ c: inout [Double],
                    _ body: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>,
                             UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
    try a.withUnsafeMutableBufferPointer { x in
        try b.withUnsafeMutableBufferPointer { y in try c.withUnsafeMutableBufferPointer { z in try body(x, y, z) } }
    }
}
