import LinearAlgebra

/// Where the greedy's residuals live: a snapshot matrix updated lazily tile by tile, or a family
/// evaluated on demand. The greedy only sees upper bounds of each residual's size per tile of
/// points, and asks for the exact value where a bound could beat the best residual found so far.
protocol ResidualStore {
    /// Number of tiles of points the measure is split into (1 for ℓ² and weighted norms).
    var tileCount: Int { get }
    /// Upper bounds of the residual measure of tile b of column j, at `bounds[j·tileCount + b]`.
    var bounds: [Double] { get set }
    /// The scale s_j of each training column (1/‖g_j‖ when relative).
    var scales: [Double] { get }
    /// The exact measure of tile b of column j after `state.terms` terms; also sets its bound.
    mutating func refresh(tile b: Int, column j: Int, state: GreedyState) throws -> Double
    /// The exact residual of column j after `state.terms` terms, into `r`.
    mutating func residual(column j: Int, state: GreedyState, into r: UnsafeMutableBufferPointer<Double>) throws
    /// r_j(x) for every column j, into `row`.
    mutating func residualRow(point x: Int, state: GreedyState, into row: UnsafeMutableBufferPointer<Double>)
    /// The size of q on each tile (max |q| for ℓ∞, its norm for one tile): the bound of a rank-one update.
    mutating func tileSizes(of q: UnsafeBufferPointer<Double>) -> [Double]
    /// Grows every bound after the correction r_j ← r_j − row[j]·q of a new term q.
    mutating func growBounds(q: UnsafeBufferPointer<Double>, row: UnsafeBufferPointer<Double>)
    /// The column of `order` with the largest exact residual of size at least `floor`: `order` lists
    /// columns by decreasing bound (`columnBounds[j]` = max of column j's tile bounds); a column is
    /// refreshed only where its bound could reach the best size found so far (or `floor`). Returns
    /// (column, size), (−1, 0) for no such column; ties go to the smallest column index, so the
    /// pick does not depend on the evaluation order.
    mutating func largestResidual(order: [Int], columnBounds: [Double], floor: Double, state: GreedyState) throws -> (column: Int, size: Double)
}

extension ResidualStore {
    mutating func growBounds(q: UnsafeBufferPointer<Double>, row: UnsafeBufferPointer<Double>) { growAbsoluteBounds(q: q, row: row) }

    /// Every bound grows by |row[j]|·‖q‖_tile (the triangle inequality).
    mutating func growAbsoluteBounds(q: UnsafeBufferPointer<Double>, row: UnsafeBufferPointer<Double>) {
        let sizes = tileSizes(of: q), nb = tileCount, p = row.count
        bounds.withUnsafeMutableBufferPointer { bp in
            for j in 0..<p {
                let c = abs(row[j])
                if c == 0 { continue }
                for b in 0..<nb { bp[j * nb + b] += c * sizes[b] }
            }
        }
    }

    mutating func largestResidual(order: [Int], columnBounds: [Double], floor: Double, state: GreedyState) throws -> (column: Int, size: Double) {
        try serialLargestResidual(order: order, columnBounds: columnBounds, floor: floor, state: state)
    }

    /// The serial walk down `order`, one tile at a time through `refresh`.
    mutating func serialLargestResidual(order: [Int], columnBounds: [Double], floor: Double, state: GreedyState) throws -> (column: Int, size: Double) {
        var best = floor, bestColumn = -1
        for j in order {
            if columnBounds[j] < best { break }
            var size = 0.0
            for b in 0..<tileCount where bounds[j * tileCount + b] >= max(best, size) {
                size = max(size, try refresh(tile: b, column: j, state: state))
            }
            if size >= floor, bestColumn < 0 || size > best || (size == best && j < bestColumn) { best = size; bestColumn = j }
        }
        return bestColumn >= 0 ? (bestColumn, max(best, 0)) : (-1, 0)
    }
}

/// Measures a residual in the greedy's norm.
struct NormEvaluator {
    let norm: EIMNorm
    let pointCount: Int
    /// Points per tile for ℓ∞ (tiles of contiguous points), the whole vector otherwise.
    let tileLength: Int
    private var scratch: [Double]

    init(norm: EIMNorm, pointCount: Int, tileLength: Int = 1024) throws {
        self.norm = norm
        self.pointCount = pointCount
        if case .linf = norm { self.tileLength = max(1, min(tileLength, pointCount)) } else { self.tileLength = max(pointCount, 1) }
        if case let .weighted(m) = norm {
            guard m.rows == pointCount, m.columns == pointCount else {
                throw EIMError.weightSizeMismatch(expected: pointCount, got: m.rows == m.columns ? m.rows : -1)
            }
            scratch = [Double](repeating: 0, count: pointCount)
        } else {
            scratch = []
        }
    }

    var tileCount: Int { max(1, (pointCount + tileLength - 1) / tileLength) }

    func tileRange(_ b: Int) -> Range<Int> { (b * tileLength)..<min(pointCount, (b + 1) * tileLength) }

    /// The measure of `r` restricted to `range` (the whole vector unless ℓ∞).
    mutating func measure(_ r: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> Double {
        switch norm {
        case .linf:
            var m = 0.0
            for i in range { m = max(m, abs(r[i])) }
            return m
        case .l2:
            return BLAS.nrm2(UnsafeBufferPointer(rebasing: r[range]))
        case let .weighted(mass):
            let value = scratch.withUnsafeMutableBufferPointer { y -> Double in
                mass.apply(r, into: y)
                return BLAS.dot(r, UnsafeBufferPointer(y))
            }
            return value > 0 ? value.squareRoot() : (value == 0 ? 0 : -1)
        }
    }

    /// The measure of each tile of `q`.
    mutating func tileSizes(of q: UnsafeBufferPointer<Double>) -> [Double] {
        (0..<tileCount).map { measure(q, tileRange($0)) }
    }

    /// The whole-vector measure (max over tiles for ℓ∞).
    mutating func total(_ r: UnsafeBufferPointer<Double>) -> Double {
        measure(r, 0..<pointCount)
    }
}

/// The exact residual s·g − Σ_k c_k q_k of one column, from its values g at every point: c comes
/// from forward substitution at the interpolation points (B c = s g(x_I)), then one step of
/// iterative refinement corrects the round-off of the first pass (the stabilized recomputation).
func recomputeResidual(_ r: UnsafeMutableBufferPointer<Double>, state: GreedyState, refine: Bool) {
    let m = state.terms, n = state.pointCount
    guard m > 0 else { return }
    var c = [Double](repeating: 0, count: m)
    for _ in 0..<(refine ? 2 : 1) {
        for k in 0..<m { c[k] = r[state.points[k]] }
        c.withUnsafeMutableBufferPointer { state.forwardSubstitute($0) }
        state.basis.withUnsafeBufferPointer { q in
            for k in 0..<m where c[k] != 0 {
                BLAS.axpy(-c[k], UnsafeBufferPointer(rebasing: q[(k * n)..<((k + 1) * n)]), r)
            }
        }
    }
}
