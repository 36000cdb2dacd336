import Foundation
import LinearAlgebra

/// The black-box FMM far field (Fong & Darve 2009): tensor Chebyshev interpolation with n points
/// per axis on both sides. n is the smallest whose interpolation error on the same training family
/// as the EIM meets the tolerance, so both methods are compared at equal accuracy.
struct ChebyshevFarField: FarFieldBasis {
    let dimension: Int
    let n: Int
    let nodes1D: [Double]
    let weights1D: [Double]
    let xNodes: [SIMD3<Double>]
    var yNodes: [SIMD3<Double>] { xNodes }
    var sourceSideIsTargetSide: Bool { true }
    let estimatedError: Double
    var rawToMultipole: Matrix? { nil }
    var localToRaw: Matrix? { nil }

    init(dimension d: Int, n: Int, estimatedError: Double) {
        dimension = d
        self.n = n
        nodes1D = chebyshevNodes(n)
        weights1D = (0..<n).map { (($0 % 2 == 0) ? 1.0 : -1.0) * sin(Double(2 * $0 + 1) * Double.pi / Double(2 * n)) }
        var x: [SIMD3<Double>] = []
        for c in 0..<(d == 3 ? n : 1) { for b in 0..<n { for a in 0..<n {
            x.append(SIMD3(nodes1D[a], nodes1D[b], d == 3 ? nodes1D[c] : 0))
        } } }
        xNodes = x
        self.estimatedError = estimatedError
    }

    /// The smallest n (up to `maxN`) whose error on the training family is at most `tolerance`.
    /// An n below `maxN` is dropped at the first source position where it misses the tolerance
    /// (the positions nearest the box first), so only the chosen n measures the whole family.
    init(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double, maxN: Int) {
        let d = family.dimension
        var chosen = ChebyshevFarField(dimension: d, n: maxN, estimatedError: .infinity)
        let nearestFirst = family.params.indices.sorted {
            let a = family.params[$0], b = family.params[$1]
            let (p, q) = (max(abs(a.x), abs(a.y), abs(a.z)), max(abs(b.x), abs(b.y), abs(b.z)))
            return p < q || (p == q && $0 < $1)
        }
        for m in 1...maxN {
            let candidate = ChebyshevFarField(dimension: d, n: m, estimatedError: 0)
            let limit = m < maxN ? tolerance : .infinity
            var error = candidate.trainingError(kernel: kernel, family: family, order: nearestFirst, scale: scale, mirrored: false,
                                                stopAbove: limit)
            if !kernel.isEven && error <= limit {
                error = max(error, candidate.trainingError(kernel: kernel, family: family, order: nearestFirst, scale: scale,
                                                           mirrored: true, stopAbove: limit))
            }
            chosen = ChebyshevFarField(dimension: d, n: m, estimatedError: error)
            if error <= tolerance { break }
        }
        self = chosen
    }

    /// max over the family of |K − I K| on the sample grid (tensor interpolation axis by axis), the
    /// source positions taken in `order` by blocks; returns as soon as a block's error exceeds
    /// `stopAbove` (then a lower bound of the error, above `stopAbove`).
    func trainingError(kernel: any Kernel, family: TrainingFamily, order: [Int], scale: Double, mirrored: Bool,
                       stopAbove limit: Double = .infinity) -> Double {
        let axis = family.axis, na = axis.count, d = dimension
        var p = [Double](repeating: 0, count: na * n)   // P[s + na·a] = ℓ_a(axis_s), na × n
        var pt = [Double](repeating: 0, count: n * na)  // Pᵀ, n × na
        var row = [Double](repeating: 0, count: n)
        nodes1D.withUnsafeBufferPointer { nb in weights1D.withUnsafeBufferPointer { wb in
            for s in 0..<na {
                row.withUnsafeMutableBufferPointer { chebyshevLagrange(axis[s], n: n, nodes: nb, weights: wb, into: $0) }
                for a in 0..<n { p[s + na * a] = row[a]; pt[a + n * s] = row[a] }
            }
        } }
        let planes = d == 3 ? n : 1, outPlanes = d == 3 ? na : 1
        // K at the nodes and on the sample grid (`family.samples`, x fastest like `result`), per position.
        let atNodes = KernelMatrix(kernel: kernel, scale: scale, x: xNodes, y: family.params, mirrored: mirrored)
        let onGrid = KernelMatrix(kernel: kernel, scale: scale, x: family.samples, y: family.params, mirrored: mirrored)
        var worst = 0.0
        let lock = NSLock()
        let block = limit.isFinite ? 128 * Parallelism.threadCount : order.count
        for first in stride(from: 0, to: order.count, by: max(block, 1)) where worst <= limit {
            let count = min(block, order.count - first)
            Parallelism.forEachChunk(of: count) { chunk in
                var values = [Double](repeating: 0, count: n * n * planes)
                var t1 = [Double](repeating: 0, count: na * n * planes)
                var t2 = [Double](repeating: 0, count: na * na * planes)
                var approx = [Double](repeating: 0, count: na * na * outPlanes)
                var kernelValues = [Double](repeating: 0, count: na * na * outPlanes)
                var local = 0.0
                p.withUnsafeBufferPointer { p in pt.withUnsafeBufferPointer { pt in
                values.withUnsafeMutableBufferPointer { v in t1.withUnsafeMutableBufferPointer { t1 in
                t2.withUnsafeMutableBufferPointer { t2 in approx.withUnsafeMutableBufferPointer { out in
                kernelValues.withUnsafeMutableBufferPointer { exact in
                    for position in chunk {
                        let column = order[first + position]
                        atNodes.fill(columns: column..<(column + 1), into: v.baseAddress!, ld: xNodes.count)
                        onGrid.fill(columns: column..<(column + 1), into: exact.baseAddress!, ld: exact.count)
                        // along x: T1 (na × n·planes) = P · V (n × n·planes)
                        BLAS.gemm(m: na, n: n * planes, k: n, a: p.baseAddress!, b: v.baseAddress!, c: t1.baseAddress!)
                        // along y, per z plane: T2 (na × na) = T1 plane (na × n) · Pᵀ
                        for c in 0..<planes {
                            BLAS.gemm(m: na, n: na, k: n, a: t1.baseAddress! + c * na * n, b: pt.baseAddress!,
                                      c: t2.baseAddress! + c * na * na)
                        }
                        // along z (3D): (na² × n) · Pᵀ
                        let result: UnsafeMutableBufferPointer<Double>
                        if d == 3 {
                            BLAS.gemm(m: na * na, n: na, k: n, a: t2.baseAddress!, b: pt.baseAddress!, c: out.baseAddress!)
                            result = out
                        } else {
                            result = t2
                        }
                        for k in 0..<exact.count { local = max(local, abs(exact[k] - result[k])) }
                    }
                } } } } } } }
                lock.lock(); worst = max(worst, local); lock.unlock()
            }
        }
        return worst
    }

    func lagrangeX(_ p: SIMD3<Double>) -> [Double] {
        var lx = [Double](repeating: 0, count: n), ly = lx, lz = lx
        nodes1D.withUnsafeBufferPointer { nb in weights1D.withUnsafeBufferPointer { wb in
            lx.withUnsafeMutableBufferPointer { chebyshevLagrange(p.x, n: n, nodes: nb, weights: wb, into: $0) }
            ly.withUnsafeMutableBufferPointer { chebyshevLagrange(p.y, n: n, nodes: nb, weights: wb, into: $0) }
            lz.withUnsafeMutableBufferPointer { chebyshevLagrange(p.z, n: n, nodes: nb, weights: wb, into: $0) }
        } }
        var out: [Double] = []
        out.reserveCapacity(xNodes.count)
        for c in 0..<(dimension == 3 ? n : 1) { for b in 0..<n { for a in 0..<n {
            out.append(lx[a] * ly[b] * (dimension == 3 ? lz[c] : 1))
        } } }
        return out
    }

    func lagrangeY(_ p: SIMD3<Double>) -> [Double] { lagrangeX(p) }

    func p2m(kernel: any Kernel, center: SIMD3<Double>, width: Double, sources: SourceView, range: Range<Int>,
             into raw: UnsafeMutableBufferPointer<Double>) {
        visit(center: center, width: width, points: sources, range: range) { j, l, nz in
            let q = sources.charges[j]
            for c in 0..<nz { let qc = q * l[2 * n + c]
                for b in 0..<n { let qb = qc * l[n + b], base = n * (b + n * c)
                    for a in 0..<n { raw[base + a] += qb * l[a] }
                }
            }
        }
    }

    func l2p(kernel: any Kernel, raw: UnsafeBufferPointer<Double>, center: SIMD3<Double>, width: Double,
             targets: SourceView, range: Range<Int>, into f: UnsafeMutableBufferPointer<Double>) {
        visit(center: center, width: width, points: targets, range: range) { t, l, nz in
            var total = 0.0
            for c in 0..<nz { var sc = 0.0
                for b in 0..<n {
                    var sb = 0.0
                    let base = n * (b + n * c)
                    for a in 0..<n { sb += raw[base + a] * l[a] }
                    sc += sb * l[n + b]
                }
                total += sc * l[2 * n + c]
            }
            f[t] += total
        }
    }

    /// Calls `body(point, [ℓ_x | ℓ_y | ℓ_z], planes)` for each point of the range, with stack scratch.
    private func visit(center: SIMD3<Double>, width: Double, points: SourceView, range: Range<Int>,
                       _ body: (Int, UnsafeMutableBufferPointer<Double>, Int) -> Void) {
        let nz = dimension == 3 ? n : 1
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * n) { l in
            nodes1D.withUnsafeBufferPointer { nb in weights1D.withUnsafeBufferPointer { wb in
                let inv = 1 / width
                for j in range {
                    chebyshevLagrange((points.x[j] - center.x) * inv, n: n, nodes: nb, weights: wb, into: UnsafeMutableBufferPointer(rebasing: l[0..<n]))
                    chebyshevLagrange((points.y[j] - center.y) * inv, n: n, nodes: nb, weights: wb, into: UnsafeMutableBufferPointer(rebasing: l[n..<(2 * n)]))
                    if dimension == 3 {
                        chebyshevLagrange((points.z[j] - center.z) * inv, n: n, nodes: nb, weights: wb, into: UnsafeMutableBufferPointer(rebasing: l[(2 * n)..<(3 * n)]))
                    } else {
                        l[2 * n] = 1
                    }
                    body(j, l, nz)
                }
            } }
        }
    }
}

extension ChebyshevFarField {
    /// Row k: Σ_g φ_g(points[k]) values[g, ·], the tensor Chebyshev interpolant of each column of
    /// `values` (given on the n^d grid, x fastest) at the points. When the points lie on a tensor
    /// grid of few distinct coordinates per axis (a child box's nodes seen from its parent: M2M and
    /// L2L), the interpolant is taken axis by axis on that grid by dgemm and the points' rows read
    /// off; otherwise point by point.
    func interpolate(_ values: Matrix, at points: [SIMD3<Double>]) -> Matrix {
        let m = values.columns, d = dimension, nz = d == 3 ? n : 1
        precondition(values.rows == xNodes.count)
        // The points' tensor grid (in 2D z is ignored: one value).
        let coordinates = AxisCoordinates(d == 3 ? points : points.map { SIMD3($0.x, $0.y, 0) })
        let axes = coordinates.values
        let (kx, ky, kz) = (axes[0].count, axes[1].count, axes[2].count)
        guard m > 0, !points.isEmpty, kx * ky * kz <= 8 * points.count else {
            return rowsOf(points.map { values.applyTransposed(lagrangeX($0)) }, columns: m)
        }
        // Pᵀ per axis, n × k: column t holds ℓ(axis_t); for x the k × n matrix P itself.
        let transposedLagrange = axes.map { axis -> [Double] in
            var pt = [Double](repeating: 0, count: n * axis.count)
            nodes1D.withUnsafeBufferPointer { nb in weights1D.withUnsafeBufferPointer { wb in
                pt.withUnsafeMutableBufferPointer { out in
                    for (t, c) in axis.enumerated() {
                        chebyshevLagrange(c, n: n, nodes: nb, weights: wb, into: UnsafeMutableBufferPointer(rebasing: out[(t * n)..<((t + 1) * n)]))
                    }
                }
            } }
            return pt
        }
        let px = Matrix(rows: n, columns: kx, storage: transposedLagrange[0]).transposed
        let index = coordinates.index
        let rows = points.indices.map { k in Int(index[0][k]) + kx * (Int(index[1][k]) + ky * Int(index[2][k])) }
        let size = kx * ky * kz
        // Blocks of columns through the three passes, on both threads: the intermediate arrays are a
        // few megabytes reused from block to block (for all m columns at once they were hundreds of
        // megabytes of first touches per child octant, on one thread).
        let block = Swift.min(m, 32), blocks = (m + block - 1) / block
        let storage = [Double](unsafeUninitializedCapacity: points.count * m) { out, count in
            let box = UncheckedSendable(out)
            Parallelism.forEachChunk(of: blocks) { range in
                var t1 = [Double](repeating: 0, count: kx * n * nz * block)
                var t2 = [Double](repeating: 0, count: kx * ky * nz * block)
                var onGrid = [Double](repeating: 0, count: d == 3 ? size * block : 0)
                for b in range {
                    let first = b * block, mb = Swift.min(block, m - first)
                    px.storage.withUnsafeBufferPointer { p in values.storage.withUnsafeBufferPointer { v in t1.withUnsafeMutableBufferPointer { t in
                        // along x: T1 (kx × n·nz·mb) = P_x · values (n × n·nz·mb)
                        BLAS.gemm(m: kx, n: n * nz * mb, k: n, a: p.baseAddress!, b: v.baseAddress! + first * values.rows, c: t.baseAddress!)
                    } } }
                    transposedLagrange[1].withUnsafeBufferPointer { py in t1.withUnsafeBufferPointer { a in t2.withUnsafeMutableBufferPointer { c in
                        // along y, per (z plane, column): (kx × n) · P_yᵀ (n × ky)
                        for slab in 0..<(nz * mb) {
                            BLAS.gemm(m: kx, n: ky, k: n, a: a.baseAddress! + slab * kx * n, b: py.baseAddress!, c: c.baseAddress! + slab * kx * ky)
                        }
                    } } }
                    if d == 3 {
                        transposedLagrange[2].withUnsafeBufferPointer { pz in t2.withUnsafeBufferPointer { a in onGrid.withUnsafeMutableBufferPointer { c in
                            // along z, per column: (kx·ky × n) · P_zᵀ (n × kz)
                            for column in 0..<mb {
                                BLAS.gemm(m: kx * ky, n: kz, k: n, a: a.baseAddress! + column * kx * ky * n, b: pz.baseAddress!,
                                          c: c.baseAddress! + column * size)
                            }
                        } } }
                    }
                    let grid = d == 3 ? onGrid : t2
                    for column in 0..<mb {
                        let target = box.value.baseAddress! + (first + column) * points.count
                        for (k, row) in rows.enumerated() { target[k] = grid[row + column * size] }
                    }
                }
            }
            count = points.count * m
        }
        return Matrix(rows: points.count, columns: m, storage: storage)
    }
}
