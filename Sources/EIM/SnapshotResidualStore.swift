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
        scales = [Double](repeating: 1, count: p)
        var bad = [Int](repeating: -1, count: p)
        residuals.withUnsafeMutableBufferPointer { all in
            bounds.withUnsafeMutableBufferPointer { bp in
                scales.withUnsafeMutableBufferPointer { sp in
                    bad.withUnsafeMutableBufferPointer { badp in
                        let box = UncheckedBox((all, bp, sp, badp))
                        Parallelism.forEachChunk(of: p) { range in
                            let (all, bp, sp, badp) = box.value
                            for j in range {
                                let r = all.baseAddress! + j * n
                                var size = 0.0
                                for b in 0..<nb {
                                    let rows = (b * tileLength)..<min(n, (b + 1) * tileLength)
                                    guard let m = finiteMaxAbs(UnsafePointer(r), rows) else { badp[j] = rows.lowerBound; break }
                                    bp[j * nb + b] = m
                                    size = max(size, m)
                                }
                                guard badp[j] < 0, relative else { continue }
                                let s = size > 0 ? 1 / size : 0
                                sp[j] = s
                                guard size > 0 else { continue }
                                for i in 0..<n { r[i] *= s }
                                for b in 0..<nb { bp[j * nb + b] *= s }
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

    /// Appends training columns: their residuals against the current basis are computed exactly.
    mutating func append(columns g: Matrix, state: GreedyState?) throws {
        precondition(g.rows == pointCount)
        let n = pointCount, first = parameterCount
        if let j = firstNonFinite(g.storage) { throw EIMError.notFinite(point: j % max(n, 1), parameter: first + j / max(n, 1)) }
        if stabilized { originals.append(contentsOf: g.storage) }
        residuals.append(contentsOf: repeatElement(0, count: n * g.columns))
        parameterCount += g.columns
        let nb = tileCount
        tileTerms.append(contentsOf: repeatElement(Int32(state?.terms ?? 0), count: nb * g.columns))
        bounds.append(contentsOf: repeatElement(0, count: nb * g.columns))
        scales.append(contentsOf: repeatElement(0, count: g.columns))
        var bad = [Int](repeating: -1, count: g.columns)
        let base = evaluator, relative = self.relative, refine = stabilized
        residuals.withUnsafeMutableBufferPointer { all in
            bounds.withUnsafeMutableBufferPointer { bp in
                scales.withUnsafeMutableBufferPointer { sp in
                    bad.withUnsafeMutableBufferPointer { badp in
                        g.storage.withUnsafeBufferPointer { gp in
                            let boxes = UncheckedBox((all, bp, sp, badp, gp))
                            Parallelism.forEachChunk(of: g.columns) { range in
                                let (all, bp, sp, badp, gp) = boxes.value
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
                                    if let state, state.terms > 0 { recomputeResidual(r, state: state, refine: refine) }
                                    for b in 0..<nb { bp[j * nb + b] = e.measure(UnsafeBufferPointer(r), e.tileRange(b)) }
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
        var largest = 0.0
        residuals.withUnsafeMutableBufferPointer { all in
            state.basis.withUnsafeBufferPointer { q in
                state.coefficients.withUnsafeBufferPointer { c in
                    largest = applyPendingUpdates(all.baseAddress! + j * n, range: range, basis: q.baseAddress!, pointCount: n,
                                                  coefficients: c.baseAddress! + j * cap, terms: from..<to)
                }
            }
        }
        tileTerms[j * nb + b] = Int32(to)
        let size: Double
        if case .linf = evaluator.norm {
            size = largest
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
}
