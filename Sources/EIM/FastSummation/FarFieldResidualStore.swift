import LinearAlgebra

/// The residual store of the far-field greedies (`validatedGreedy`): `SnapshotResidualStore` with a
/// faster residual row, the serial step of each term (a sixth of the set-up of the Gaussian
/// h = 0.2 at ε = 1e-9, N = 3000, with the store's own row). The row
/// r_j(x_m) − Σ_{pending k} c_jk q_k(x_m) reads row x_m of the basis once (contiguous, instead of
/// at stride n for every column) and takes four columns per SIMD lane group, each lane subtracting
/// its pending terms one by one in their order: bitwise the store's row, so the set-up stays
/// reproducible whatever tiles the threads of the selection brought up to date
/// (`FarFieldSetupTests`); long rows are split between the threads. The generic greedy keeps the
/// store's own row.
struct FarFieldResidualStore: ResidualStore {
    var snapshots: SnapshotResidualStore

    var tileCount: Int { snapshots.tileCount }
    var bounds: [Double] {
        get { snapshots.bounds }
        _modify { yield &snapshots.bounds }
    }
    var scales: [Double] { snapshots.scales }

    mutating func refresh(tile b: Int, column j: Int, state: GreedyState) throws -> Double {
        try snapshots.refresh(tile: b, column: j, state: state)
    }

    mutating func residual(column j: Int, state: GreedyState, into r: UnsafeMutableBufferPointer<Double>) throws {
        try snapshots.residual(column: j, state: state, into: r)
    }

    mutating func tileSizes(of q: UnsafeBufferPointer<Double>) -> [Double] { snapshots.tileSizes(of: q) }

    mutating func growBounds(q: UnsafeBufferPointer<Double>, row: UnsafeBufferPointer<Double>) {
        snapshots.growBounds(q: q, row: row)
    }

    mutating func largestResidual(order: [Int], columnBounds: [Double], floor: Double, state: GreedyState) throws -> (column: Int, size: Double) {
        try snapshots.largestResidual(order: order, columnBounds: columnBounds, floor: floor, state: state)
    }

    mutating func residualRow(point x: Int, state: GreedyState, into row: UnsafeMutableBufferPointer<Double>) {
        let n = snapshots.pointCount, nb = snapshots.tileCount, cap = state.capacity, terms = state.terms
        let b = x / snapshots.evaluator.tileLength, p = snapshots.parameterCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(terms, 1)) { qx in
            state.basis.withUnsafeBufferPointer { q in
                for k in 0..<terms { qx[k] = q[x + k * n] }
            }
            state.coefficients.withUnsafeBufferPointer { c in
                snapshots.residuals.withUnsafeBufferPointer { all in
                    snapshots.tileTerms.withUnsafeBufferPointer { tt in
                        let box = UncheckedSendable((c, all, tt, UnsafeBufferPointer(qx), row))
                        // Groups of four columns, split between the threads when the row is long.
                        let groups = (p + 3) / 4
                        Parallelism.forEachChunk(of: groups, chunks: p >= 2048 ? Parallelism.threadCount : 1) { range in
                            let (c, all, tt, qx, row) = box.value
                            for group in range {
                                var j = 4 * group
                                if j + 4 <= p {
                                    let c0 = c.baseAddress! + j * cap, c1 = c0 + cap, c2 = c1 + cap, c3 = c2 + cap
                                    let first = (Int(tt[j * nb + b]), Int(tt[(j + 1) * nb + b]), Int(tt[(j + 2) * nb + b]), Int(tt[(j + 3) * nb + b]))
                                    let common = max(max(first.0, first.1), max(first.2, first.3))
                                    var v = SIMD4(all[x + j * n], all[x + (j + 1) * n], all[x + (j + 2) * n], all[x + (j + 3) * n])
                                    // The terms some lanes have already taken: lane by lane, up to the common start.
                                    for k in first.0..<common { v[0] -= c0[k] * qx[k] }
                                    for k in first.1..<common { v[1] -= c1[k] * qx[k] }
                                    for k in first.2..<common { v[2] -= c2[k] * qx[k] }
                                    for k in first.3..<common { v[3] -= c3[k] * qx[k] }
                                    for k in common..<terms { v -= SIMD4(c0[k], c1[k], c2[k], c3[k]) * qx[k] }
                                    for lane in 0..<4 { row[j + lane] = v[lane] }
                                    continue
                                }
                                while j < p {
                                    var v = all[x + j * n]
                                    for k in Int(tt[j * nb + b])..<terms { v -= c[k + j * cap] * qx[k] }
                                    row[j] = v
                                    j += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension EIMGreedy where Store == FarFieldResidualStore {
    /// Adds training columns to a running greedy, given by their residuals against its current
    /// terms (n × c, `interpolationErrors`); `run()` continues from the current terms.
    mutating func appendTrainingResiduals(_ r: Matrix) throws {
        state.appendParameters(r.columns)
        try store.snapshots.append(columns: r, state: state, residualsGiven: true)
    }
}
