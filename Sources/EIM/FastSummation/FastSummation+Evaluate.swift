import LinearAlgebra

extension FastSummation {
    /// f = [K(x_i − y_j)] σ for one charge vector (in the order the sources were given); throws on
    /// a charge count other than the number of sources or a non-finite charge.
    public func evaluate(charges: [Double]) throws -> [Double] {
        guard charges.count == columns else { throw FastSummationError.chargeCountMismatch(expected: columns, got: charges.count) }
        if let i = charges.firstIndex(where: { !$0.isFinite }) { throw FastSummationError.nonFiniteCharge(index: i) }
        var out = [Double](repeating: 0, count: rows)
        charges.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { apply(c, into: $0) } }
        return out
    }

    /// y = [K(x_i − y_j)] x, matrix-free, into caller storage (no allocation; evaluations on one
    /// setup from several threads take turns).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columns && y.count == rows,
                     "FastSummation.apply: \(rows)×\(columns) operator, x has \(x.count) entries, y \(y.count)")
        let ws = workspace
        ws.lock.lock()
        defer { ws.lock.unlock() }
        for k in 0..<columns { ws.charges[k] = x[tree.sourceOrder[k]] }
        ws.potential.update(repeating: 0)
        let src = points.sources(charges: UnsafeBufferPointer(ws.charges))
        upward(src)
        downward(src)
        leafPass(src, points.targets())
        for k in 0..<rows { y[tree.targetOrder[k]] = ws.potential[k] }
    }

    /// P2M at the leaves, raw → nodal (one dgemm per level), M2M to the parents.
    func upward(_ src: SourceView) {
        let ws = workspace, threads = options.threads
        for l in stride(from: tree.depth, through: 2, by: -1) where levels[l].active {
            let ops = levels[l], basis = ops.basis!, q = ops.yCount
            let first = tree.levelStart[l], boxes = tree.levelStart[l + 1] - first, width = tree.width(level: l)
            let raw = ws.raw[l], m = ws.multipole[l]
            raw.update(repeating: 0)
            Parallelism.forEachChunk(of: boxes, chunks: threads) { range in
                for i in range {
                    let b = first + i
                    guard tree.isLeaf(b), tree.srcEnd[b] > tree.srcStart[b] else { continue }
                    basis.p2m(kernel: kernel, center: tree.center(b), width: width, sources: src, range: tree.srcStart[b]..<tree.srcEnd[b],
                              into: UnsafeMutableBufferPointer(rebasing: raw[(i * q)..<((i + 1) * q)]))
                }
            }
            if let r = basis.rawToMultipole {
                r.storage.withUnsafeBufferPointer { rp in
                    BLAS.gemm(m: q, n: boxes, k: q, alpha: ops.rawAlpha, a: rp.baseAddress!, b: raw.baseAddress!, beta: 0, c: m.baseAddress!)
                }
            } else {
                _ = m.update(fromContentsOf: raw[0..<(q * boxes)])
            }
            guard l < tree.depth, levels[l + 1].active else { continue }
            let child = levels[l + 1], qc = child.yCount, childFirst = tree.levelStart[l + 1], mc = ws.multipole[l + 1]
            Parallelism.forEachChunk(of: boxes, chunks: threads) { range in
                for i in range {
                    let b = first + i
                    for c in tree.childStart[b]..<(tree.childStart[b] + tree.childCount[b]) where tree.srcEnd[c] > tree.srcStart[c] {
                        child.m2m[octant(c)].storage.withUnsafeBufferPointer { a in
                            BLAS.gemvAdd(m: q, k: qc, a: a.baseAddress!, x: mc.baseAddress! + (c - childFirst) * qc, y: m.baseAddress! + i * q)
                        }
                    }
                }
            }
        }
    }

    /// L2L from the parents, M2L (one dgemm per offset and batch), P2L from the X lists, then the
    /// raw local expansions (one dgemm per level).
    func downward(_ src: SourceView) {
        let ws = workspace, threads = options.threads, d = dimension
        guard tree.depth >= 2 else { return }
        for l in 2...tree.depth where levels[l].active {
            let ops = levels[l], basis = ops.basis!, p = ops.xCount, q = ops.yCount
            let first = tree.levelStart[l], boxes = tree.levelStart[l + 1] - first, width = tree.width(level: l)
            let local = ws.local[l], m = ws.multipole[l]
            local.update(repeating: 0)
            if l > 2, levels[l - 1].active {
                let pp = levels[l - 1].xCount, parentFirst = tree.levelStart[l - 1], parentLocal = ws.local[l - 1]
                Parallelism.forEachChunk(of: boxes, chunks: threads) { range in
                    for i in range {
                        let b = first + i
                        ops.l2l[octant(b)].storage.withUnsafeBufferPointer { a in
                            BLAS.gemvAdd(m: p, k: pp, a: a.baseAddress!, x: parentLocal.baseAddress! + (tree.parent[b] - parentFirst) * pp,
                                          y: local.baseAddress! + i * p)
                        }
                    }
                }
            }
            Parallelism.forEachChunk(of: threads, chunks: threads) { chunks in
                for chunk in chunks {
                    let g = ws.gather[chunk], prod = ws.product[chunk], cap = Workspace.batchColumns
                    for batch in ops.batches[chunk] {
                        guard let t = ops.m2l[batch.offset] else { continue }
                        t.storage.withUnsafeBufferPointer { tp in
                            var start = 0
                            while start < batch.targets.count {
                                let n = min(cap, batch.targets.count - start)
                                for c in 0..<n {
                                    (g.baseAddress! + c * q).update(from: m.baseAddress! + batch.sources[start + c] * q, count: q)
                                }
                                // Compressed: Vᵀ G into `prod`, then (U Σ)(Vᵀ G) back into `g`.
                                var result = prod
                                if batch.offset < ops.m2lFactors.count, let (left, right) = ops.m2lFactors[batch.offset] {
                                    let r = right.rows
                                    right.storage.withUnsafeBufferPointer { rp in
                                        BLAS.gemm(m: r, n: n, k: q, a: rp.baseAddress!, b: g.baseAddress!, beta: 0, c: prod.baseAddress!)
                                    }
                                    left.storage.withUnsafeBufferPointer { lp in
                                        BLAS.gemm(m: p, n: n, k: r, alpha: ops.m2lAlpha, a: lp.baseAddress!, b: prod.baseAddress!, beta: 0, c: g.baseAddress!)
                                    }
                                    result = g
                                } else {
                                    let op: Transpose = batch.offset < ops.m2lTransposed.count && ops.m2lTransposed[batch.offset] ? .transposed : .none
                                    Double.gemm(op, .none, m: p, n: n, k: q, alpha: ops.m2lAlpha, a: tp.baseAddress!, lda: op == .none ? p : q,
                                                b: g.baseAddress!, ldb: q, beta: 0, c: prod.baseAddress!, ldc: p)
                                }
                                for c in 0..<n {
                                    let out = local.baseAddress! + batch.targets[start + c] * p, from = result.baseAddress! + c * p
                                    for i in 0..<p { out[i] += from[i] }
                                }
                                start += n
                            }
                        }
                    }
                }
            }
            Parallelism.forEachChunk(of: boxes, chunks: threads) { range in
                for i in range {
                    let b = first + i
                    guard !lists.x[b].isEmpty else { continue }
                    let c = tree.center(b)
                    for a in lists.x[b] where tree.srcEnd[a] > tree.srcStart[a] {
                        for k in 0..<p {
                            local[i * p + k] += kernel.sum(at: c + width * basis.xNodes[k], sources: src, range: tree.srcStart[a]..<tree.srcEnd[a])
                        }
                    }
                }
            }
            if let f = basis.localToRaw {
                f.storage.withUnsafeBufferPointer { fp in
                    BLAS.gemm(m: p, n: boxes, k: p, alpha: ops.rawAlpha, a: fp.baseAddress!, b: local.baseAddress!, beta: 0, c: ws.raw[l].baseAddress!)
                }
            }
            _ = d
        }
    }

    /// At every leaf with targets: L2P, M2P from the W list, direct sums from the U list.
    func leafPass(_ src: SourceView, _ tgt: SourceView) {
        let ws = workspace, f = ws.potential
        Parallelism.forEachChunk(of: leaves.count, chunks: options.threads) { range in
            for b in leaves[range] {
                let l = tree.level[b], targets = tree.tgtStart[b]..<tree.tgtEnd[b]
                if l >= 2, levels[l].active {
                    let ops = levels[l], p = ops.xCount, i = b - tree.levelStart[l]
                    let raw = ops.basis!.localToRaw == nil ? ws.local[l] : ws.raw[l]
                    ops.basis!.l2p(kernel: kernel, raw: UnsafeBufferPointer(rebasing: raw[(i * p)..<((i + 1) * p)]), center: tree.center(b),
                                   width: tree.width(level: l), targets: tgt, range: targets, into: f)
                }
                for w in lists.w[b] where levels[tree.level[w]].active && tree.srcEnd[w] > tree.srcStart[w] {
                    let lw = tree.level[w], ops = levels[lw], q = ops.yCount, j = w - tree.levelStart[lw]
                    let c = tree.center(w), width = tree.width(level: lw), nodes = ops.basis!.yNodes
                    addNodeSum(kernel: kernel, nodes: nodes, center: c, width: width,
                               charges: UnsafeBufferPointer(rebasing: ws.multipole[lw][(j * q)..<((j + 1) * q)]),
                               targets: tgt, range: targets, into: f)
                }
                for u in lists.u[b] where tree.srcEnd[u] > tree.srcStart[u] {
                    let sources = tree.srcStart[u]..<tree.srcEnd[u]
                    for t in targets { f[t] += kernel.sum(at: SIMD3(tgt.x[t], tgt.y[t], tgt.z[t]), sources: src, range: sources) }
                }
            }
        }
    }

    /// The child position (0..<2^d) of box b in its parent.
    @inline(__always)
    func octant(_ b: Int) -> Int {
        let o = tree.coords[b] &- tree.coords[tree.parent[b]] &* 2
        return o.x | (o.y << 1) | (o.z << 2)
    }
}
