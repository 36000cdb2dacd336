import LinearAlgebra

/// The residuals of a `ParametricFamily` evaluated on demand: nothing of size n × p is stored.
/// A column's exact residual is g_j evaluated again minus its interpolant; the greedy asks for it
/// only when the column's bound could beat the best residual found so far.
struct OnDemandResidualStore<Family: ParametricFamily>: ResidualStore {
    let family: Family
    private var evaluator: NormEvaluator
    var bounds: [Double]
    private(set) var scales: [Double]
    let stabilized: Bool
    private var scratch: [Double]

    var tileCount: Int { 1 }

    /// Evaluates every column once (in parallel chunks) to get its norm.
    init(family: Family, norm: EIMNorm, relative: Bool, stabilized: Bool) throws {
        self.family = family
        self.stabilized = stabilized
        let n = family.pointCount, p = family.parameterCount
        evaluator = try NormEvaluator(norm: norm, pointCount: n, tileLength: n)
        scratch = [Double](repeating: 0, count: n)
        var sizes = [Double](repeating: 0, count: p)
        var failure: [Int?] = [nil, nil]  // (point, parameter) of the first non-finite value
        let base = evaluator
        if case .weighted = norm {
            var e = base
            for j in 0..<p {
                scratch.withUnsafeMutableBufferPointer { family.evaluate(parameter: j, into: $0) }
                if failure[0] == nil, let i = scratch.firstIndex(where: { !$0.isFinite }) { failure = [i, j] }
                sizes[j] = scratch.withUnsafeBufferPointer { e.total($0) }
            }
        } else {
            var badPoint = [Int](repeating: -1, count: p)
            sizes.withUnsafeMutableBufferPointer { sp in
                badPoint.withUnsafeMutableBufferPointer { bad in
                    let s = UncheckedSendable(sp), badBox = UncheckedSendable(bad)
                    Parallelism.forEachChunk(of: p) { range in
                        var e = base
                        var v = [Double](repeating: 0, count: n)
                        v.withUnsafeMutableBufferPointer { vp in
                            for j in range {
                                family.evaluate(parameter: j, into: vp)
                                if let i = vp.firstIndex(where: { !$0.isFinite }) { badBox.value[j] = i }
                                s.value[j] = e.total(UnsafeBufferPointer(vp))
                            }
                        }
                    }
                }
            }
            if let j = badPoint.firstIndex(where: { $0 >= 0 }) { failure = [badPoint[j], j] }
        }
        if let i = failure[0], let j = failure[1] { throw EIMError.notFinite(point: i, parameter: j) }
        if let j = sizes.firstIndex(where: { $0 < 0 }) { throw EIMError.weightNotPositiveDefinite(parameter: j) }
        scales = sizes.map { relative ? ($0 > 0 ? 1 / $0 : 0) : 1 }
        bounds = zip(sizes, scales).map { $0 * $1 }
    }

    mutating func refresh(tile b: Int, column j: Int, state: GreedyState) throws -> Double {
        var r = scratch
        scratch = []
        defer { scratch = r }
        try r.withUnsafeMutableBufferPointer { try residual(column: j, state: state, into: $0) }
        let size = r.withUnsafeBufferPointer { evaluator.total($0) }
        bounds[j] = size
        return size
    }

    mutating func residual(column j: Int, state: GreedyState, into r: UnsafeMutableBufferPointer<Double>) throws {
        let n = family.pointCount, cap = state.capacity
        family.evaluate(parameter: j, into: r)
        let s = scales[j]
        if s != 1 { BLAS.scal(s, r) }
        if stabilized { recomputeResidual(r, state: state, refine: true); return }
        state.basis.withUnsafeBufferPointer { q in
            for k in 0..<state.terms {
                let ck = state.coefficients[k + j * cap]
                if ck != 0 { BLAS.axpy(-ck, UnsafeBufferPointer(rebasing: q[(k * n)..<((k + 1) * n)]), r) }
            }
        }
    }

    mutating func residualRow(point x: Int, state: GreedyState, into row: UnsafeMutableBufferPointer<Double>) {
        let n = family.pointCount, cap = state.capacity
        state.basis.withUnsafeBufferPointer { q in
            state.coefficients.withUnsafeBufferPointer { c in
                for j in 0..<family.parameterCount {
                    var v = scales[j] * family.value(point: x, parameter: j)
                    for k in 0..<state.terms { v -= c[k + j * cap] * q[x + k * n] }
                    row[j] = v
                }
            }
        }
    }

    mutating func tileSizes(of q: UnsafeBufferPointer<Double>) -> [Double] { [evaluator.total(q)] }
}

