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
    init(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double, maxN: Int) {
        let d = family.dimension
        var chosen = ChebyshevFarField(dimension: d, n: maxN, estimatedError: .infinity)
        for m in 1...maxN {
            let candidate = ChebyshevFarField(dimension: d, n: m, estimatedError: 0)
            var error = candidate.trainingError(kernel: kernel, family: family, scale: scale, mirrored: false)
            if !kernel.isEven { error = max(error, candidate.trainingError(kernel: kernel, family: family, scale: scale, mirrored: true)) }
            chosen = ChebyshevFarField(dimension: d, n: m, estimatedError: error)
            if error <= tolerance { break }
        }
        self = chosen
    }

    /// max over the family of |K − I K| on the sample grid (tensor interpolation axis by axis).
    func trainingError(kernel: any Kernel, family: TrainingFamily, scale: Double, mirrored: Bool) -> Double {
        let axis = family.axis, na = axis.count, d = dimension
        var p = [Double](repeating: 0, count: na * n)   // p[s + na·a] = ℓ_a(axis_s)
        var row = [Double](repeating: 0, count: n)
        nodes1D.withUnsafeBufferPointer { nb in weights1D.withUnsafeBufferPointer { wb in
            for s in 0..<na {
                row.withUnsafeMutableBufferPointer { chebyshevLagrange(axis[s], n: n, nodes: nb, weights: wb, into: $0) }
                for a in 0..<n { p[s + na * a] = row[a] }
            }
        } }
        let planes = d == 3 ? n : 1, outPlanes = d == 3 ? na : 1
        var worst = 0.0
        let lock = NSLock()
        Parallelism.forEachChunk(of: family.params.count) { range in
            var values = [Double](repeating: 0, count: n * n * planes)
            var t1 = [Double](repeating: 0, count: na * n * planes)
            var t2 = [Double](repeating: 0, count: na * na * planes)
            var local = 0.0
            for k in range {
                let s = family.params[k]
                for i in 0..<xNodes.count {
                    let r = scale * (xNodes[i] - s)
                    values[i] = kernel(mirrored ? -r : r)
                }
                // along x: t1[sx, b, c] = Σ_a P[sx, a] v[a, b, c]
                for c in 0..<planes { for b in 0..<n { for sx in 0..<na {
                    var acc = 0.0
                    for a in 0..<n { acc += p[sx + na * a] * values[a + n * (b + n * c)] }
                    t1[sx + na * (b + n * c)] = acc
                } } }
                // along y
                for c in 0..<planes { for sy in 0..<na { for sx in 0..<na {
                    var acc = 0.0
                    for b in 0..<n { acc += p[sy + na * b] * t1[sx + na * (b + n * c)] }
                    t2[sx + na * (sy + na * c)] = acc
                } } }
                // along z (3D) and compare
                for sz in 0..<outPlanes { for sy in 0..<na { for sx in 0..<na {
                    var approx = 0.0
                    if d == 3 {
                        for c in 0..<n { approx += p[sz + na * c] * t2[sx + na * (sy + na * c)] }
                    } else {
                        approx = t2[sx + na * sy]
                    }
                    let r = scale * (SIMD3(axis[sx], axis[sy], d == 3 ? axis[sz] : 0) - s)
                    local = max(local, abs(kernel(mirrored ? -r : r) - approx))
                } } }
            }
            lock.lock(); worst = max(worst, local); lock.unlock()
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
