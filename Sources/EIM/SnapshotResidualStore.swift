import LinearAlgebra

/// The residuals of a snapshot matrix (rows = points, columns = training parameters), kept in one
/// n × p array and brought up to date lazily: each tile of points of each column remembers the
/// term count it is exact for, and the pending rank-one updates are applied only when the greedy
/// needs that tile's exact size. The greedy's picks are those of the eager update.
struct SnapshotResidualStore: ResidualStore {
    let pointCount: Int
    private(set) var parameterCount: Int
    private var evaluator: NormEvaluator
    /// Scaled residuals, column-major n × p.
    private var residuals: [Double]
    /// The unscaled values, kept in stabilized mode for the recomputation of chosen columns.
    private var originals: [Double]
    /// The term count each tile is exact for, at `j·tileCount + b`.
    private var tileTerms: [Int32]
    var bounds: [Double]
    private(set) var scales: [Double]
    let stabilized: Bool

    var tileCount: Int { evaluator.tileCount }

    /// Copies `snapshots` (checked finite) and measures every column.
    init(snapshots: Matrix, norm: EIMNorm, relative: Bool, stabilized: Bool) throws {
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
        try append(columns: snapshots, state: nil)
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

    /// The ℓ∞ selection step for a batch of columns, refreshed in parallel: for each column, the
    /// tiles whose bound exceeds the running best are brought up to date; returns each column's
    /// size (exact when it exceeds `best`). Other norms go through `refresh` one tile at a time.
    mutating func refreshColumns(_ columns: [Int], best: Double, state: GreedyState) throws -> [Double] {
        guard case .linf = evaluator.norm, columns.count > 1 else {
            return try columns.map { j in
                var size = 0.0
                for b in 0..<tileCount where bounds[j * tileCount + b] > max(best, size) {
                    size = max(size, try refresh(tile: b, column: j, state: state))
                }
                return size
            }
        }
        let nb = tileCount, n = pointCount, cap = state.capacity, terms = state.terms
        let tileLength = evaluator.tileLength
        var sizes = [Double](repeating: 0, count: columns.count)
        residuals.withUnsafeMutableBufferPointer { all in
            bounds.withUnsafeMutableBufferPointer { bp in
                tileTerms.withUnsafeMutableBufferPointer { tp in
                    sizes.withUnsafeMutableBufferPointer { sp in
                        state.basis.withUnsafeBufferPointer { q in
                            state.coefficients.withUnsafeBufferPointer { c in
                                let box = UncheckedBox((all, bp, tp, sp, q, c))
                                Parallelism.forEachChunk(of: columns.count) { range in
                                    let (all, bp, tp, sp, q, c) = box.value
                                    var localBest = best
                                    for index in range {
                                        let j = columns[index]
                                        var size = 0.0
                                        for b in 0..<nb where bp[j * nb + b] > max(localBest, size) {
                                            let rows = (b * tileLength)..<min(n, (b + 1) * tileLength)
                                            let e = applyPendingUpdates(all.baseAddress! + j * n, range: rows, basis: q.baseAddress!,
                                                                        pointCount: n, coefficients: c.baseAddress! + j * cap,
                                                                        terms: Int(tp[j * nb + b])..<terms)
                                            tp[j * nb + b] = Int32(terms)
                                            bp[j * nb + b] = e
                                            size = max(size, e)
                                        }
                                        sp[index] = size
                                        localBest = max(localBest, size)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return sizes
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

/// r[range] −= Σ_{k ∈ terms} c_k q_k[range], four terms per sweep, and returns max |r| over the
/// range: the lazy rank-one corrections of one tile, in one pass over it per four terms.
@inline(__always)
func applyPendingUpdates(_ r: UnsafeMutablePointer<Double>, range: Range<Int>, basis q: UnsafePointer<Double>, pointCount n: Int,
                         coefficients c: UnsafePointer<Double>, terms: Range<Int>) -> Double {
    var k = terms.lowerBound
    while k + 4 <= terms.upperBound {
        let c0 = c[k], c1 = c[k + 1], c2 = c[k + 2], c3 = c[k + 3]
        let q0 = q + k * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n
        for i in range { r[i] -= (c0 * q0[i] + c1 * q1[i]) + (c2 * q2[i] + c3 * q3[i]) }
        k += 4
    }
    while k < terms.upperBound {
        let ck = c[k], qk = q + k * n
        if ck != 0 { for i in range { r[i] -= ck * qk[i] } }
        k += 1
    }
    return maxAbs(UnsafePointer(r), range)
}

/// max |v[i]| over `range`, four lanes at a time (a NaN-free reduction the compiler vectorizes).
@inline(__always)
func maxAbs(_ v: UnsafePointer<Double>, _ range: Range<Int>) -> Double {
    var lanes = SIMD4<Double>(repeating: 0)
    var i = range.lowerBound
    let raw = UnsafeRawPointer(v)
    while i + 4 <= range.upperBound {
        let x = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
        lanes = pointwiseMax(lanes, pointwiseMax(x, -x))
        i += 4
    }
    var largest = lanes.max()
    while i < range.upperBound { largest = max(largest, abs(v[i])); i += 1 }
    return largest
}

/// The index of the first NaN or infinity in `values`, scanned in parallel chunks.
func firstNonFinite(_ values: [Double]) -> Int? {
    let chunks = max(1, min(Parallelism.threadCount, values.count / 65536))
    var found = [Int](repeating: Int.max, count: chunks)
    values.withUnsafeBufferPointer { v in
        found.withUnsafeMutableBufferPointer { f in
            let box = UncheckedBox((v, f))
            Parallelism.forEachChunk(of: chunks, chunks: chunks) { parts in
                for part in parts {
                    let (v, f) = box.value
                    let lower = v.count * part / chunks, upper = v.count * (part + 1) / chunks
                    var i = lower
                    while i < upper {
                        // x − x is 0 for finite x and NaN otherwise: one branch-free test per entry.
                        var acc = 0.0
                        let end = min(upper, i + 1024)
                        for k in i..<end { acc += v[k] - v[k] }
                        if acc != 0 || acc.isNaN {
                            if let k = (i..<end).first(where: { !v[$0].isFinite }) { f[part] = k; break }
                        }
                        i = end
                    }
                }
            }
        }
    }
    let first = found.min()!
    return first == Int.max ? nil : first
}
