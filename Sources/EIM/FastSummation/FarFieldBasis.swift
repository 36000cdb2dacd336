import Foundation
import LinearAlgebra

/// The far-field interpolation of one tree level, in box-local unit coordinates (the box is
/// [−½, ½]^d): targets are interpolated at `xNodes`, sources at `yNodes`, so that for well-separated
/// boxes K(x − y) ≈ Σ_ij ℓ_i(x′) K(X_i − Y_j) ℓ̃_j(y′). Multipole and local expansions are nodal:
/// M_j = Σ_y σ_y ℓ̃_j(y′) are equivalent charges at Y_j, L_i is the far potential at X_i.
protocol FarFieldBasis: Sendable {
    /// Target-side nodes (unit coordinates).
    var xNodes: [SIMD3<Double>] { get }
    /// Source-side nodes (unit coordinates).
    var yNodes: [SIMD3<Double>] { get }
    /// The interpolation error the construction measured (absolute, on the training family).
    var estimatedError: Double { get }
    /// ℓ_i(p), the target-side Lagrange functions at a unit-coordinate point.
    func lagrangeX(_ p: SIMD3<Double>) -> [Double]
    /// ℓ̃_j(p), the source-side Lagrange functions.
    func lagrangeY(_ p: SIMD3<Double>) -> [Double]
    /// Accumulates the raw multipole of the sources `range` of a box into `raw` (yNodes.count entries).
    func p2m(kernel: any Kernel, center: SIMD3<Double>, width: Double, sources: SourceView, range: Range<Int>,
             into raw: UnsafeMutableBufferPointer<Double>)
    /// Raw multipole → nodal M (nil: identity).
    var rawToMultipole: Matrix? { get }
    /// Nodal L → raw local (nil: identity).
    var localToRaw: Matrix? { get }
    /// f(x) += the raw local expansion at the targets `range` of a box.
    func l2p(kernel: any Kernel, raw: UnsafeBufferPointer<Double>, center: SIMD3<Double>, width: Double,
             targets: SourceView, range: Range<Int>, into f: UnsafeMutableBufferPointer<Double>)
}

/// The training family of a level: K(a (x′ − s)) for x′ on a tensor grid of the unit box and s on
/// the far region, the source positions (relative to the target box, in its widths) of the
/// interaction list (max-norm 1.5 to 3.5) densely, and farther shells (to 13.5) sparsely, which the
/// translations (M2M, L2L) and the W and X lists of the adaptive tree reach.
struct TrainingFamily {
    let dimension: Int
    /// The grid coordinates of x′ along each axis and the grid itself.
    let axis: [Double]
    let samples: [SIMD3<Double>]
    let params: [SIMD3<Double>]

    /// The default grid has 8 (3D) or 24 (2D) Chebyshev points per axis plus the box faces; `refined`
    /// doubles them (3D: 16 + 2), for kernels steep inside a box.
    init(dimension d: Int, refined: Bool = false) {
        let nAxis = (d == 3 ? 8 : 24) * (refined ? 2 : 1)
        self.init(dimension: d, axis: [-0.5] + chebyshevNodes(nAxis).reversed() + [0.5])
    }

    /// The family on the tensor grid of `axis` (the samples ordered x fastest, then y, then z).
    init(dimension d: Int, axis: [Double]) {
        dimension = d
        self.axis = axis
        var x: [SIMD3<Double>] = []
        for k in 0..<(d == 3 ? axis.count : 1) { for j in axis.indices { for i in axis.indices {
            x.append(SIMD3(axis[i], axis[j], d == 3 ? axis[k] : 0))
        } } }
        samples = x
        let step = d == 3 ? 0.5 : 0.25
        let near = stride(from: -3.5, through: 3.5, by: step).map { $0 }
        let far: [Double] = d == 3 ? [-13, -8, -5, -2.5, 0, 2.5, 5, 8, 13] : [-13, -10.5, -8, -6.5, -5, -3.75, -2.5, -1.25, 0, 1.25, 2.5, 3.75, 5, 6.5, 8, 10.5, 13]
        var s: [SIMD3<Double>] = []
        for (grid, minimum) in [(near, 1.5), (far, 5.0)] {
            for c in (d == 3 ? grid : [0]) { for b in grid { for a in grid {
                let p = SIMD3(a, b, c)
                if max(Swift.abs(a), Swift.abs(b), Swift.abs(c)) >= minimum { s.append(p) }
            } } }
        }
        params = s
    }

    /// The family with other source positions on the same samples.
    init(_ family: TrainingFamily, params: [SIMD3<Double>]) {
        dimension = family.dimension
        axis = family.axis
        samples = family.samples
        self.params = params
    }

    /// `count` seeded random source positions in the interaction shell (max-norm 1.5 to 3.5), off
    /// the training grid: the validation set of `validatedGreedy`.
    func shellPositions(count: Int, seed: UInt64) -> [SIMD3<Double>] {
        var rng = SplitMix64(seed: seed)
        var result: [SIMD3<Double>] = []
        while result.count < count {
            let p = SIMD3(7 * rng.nextUniform() - 3.5, 7 * rng.nextUniform() - 3.5, dimension == 3 ? 7 * rng.nextUniform() - 3.5 : 0)
            if max(Swift.abs(p.x), Swift.abs(p.y), Swift.abs(p.z)) >= 1.5 { result.append(p) }
        }
        return result
    }

    /// Snapshot matrix G[i, k] = K(scale (x_i − s_k)) (mirror: K(scale (s_k − x_i))), columns in parallel.
    func snapshots(kernel: any Kernel, scale: Double, mirrored: Bool) -> Matrix {
        let n = samples.count
        var g = Matrix(rows: n, columns: params.count)
        g.storage.withUnsafeMutableBufferPointer { all in
            let box = UncheckedSendable(all)
            Parallelism.forEachChunk(of: params.count) { range in
                for k in range {
                    let s = params[k]
                    for i in 0..<n {
                        let r = scale * (samples[i] - s)
                        box.value[i + k * n] = kernel(mirrored ? -r : r)
                    }
                }
            }
        }
        return g
    }
}

/// The n Chebyshev points of the first kind on [−½, ½], decreasing.
func chebyshevNodes(_ n: Int) -> [Double] {
    (0..<n).map { 0.5 * cos(Double(2 * $0 + 1) * Double.pi / Double(2 * n)) }
}

/// The Lagrange polynomials of the Chebyshev points (barycentric form) at t, into `out` (n entries).
func chebyshevLagrange(_ t: Double, n: Int, nodes: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                       into out: UnsafeMutableBufferPointer<Double>) {
    var total = 0.0
    for a in 0..<n {
        let d = t - nodes[a]
        if d == 0 {
            for b in 0..<n { out[b] = 0 }
            out[a] = 1
            return
        }
        out[a] = weights[a] / d
        total += out[a]
    }
    let inv = 1 / total
    for a in 0..<n { out[a] *= inv }
}

/// The EIM greedy on the training family, checked at 512 fresh random source positions of the
/// interaction shell: those where the interpolant misses the tolerance (a kernel steep across the
/// box along one axis, between the family's positions every half box width) join the family, worst
/// first, and the greedy runs again, at most 4 times. Returns the interpolation, the family it was
/// trained on, its snapshot matrix and the largest error seen (training or validation).
func validatedGreedy(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double, mirrored: Bool,
                     maxTerms: Int) throws -> (interpolation: EmpiricalInterpolation, family: TrainingFamily, snapshots: Matrix, error: Double)? {
    var family = family
    for round in 0..<4 {
        let g = family.snapshots(kernel: kernel, scale: scale, mirrored: mirrored)
        guard g.maxAbs > tolerance else { return nil }
        let cap = min(g.rows, g.columns, maxTerms)
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: tolerance, maxTerms: cap, relative: false))
        let trained = eim.errorHistory.last ?? g.maxAbs
        let fresh = family.shellPositions(count: 512, seed: 77 &+ UInt64(round))
        let check = TrainingFamily(family, params: fresh).snapshots(kernel: kernel, scale: scale, mirrored: mirrored)
        let atNodes = check.rows(eim.points)
        var residual = check
        Matrix.gemm(.none, eim.lagrangeFunctions, .none, atNodes, into: &residual, alpha: -1, beta: 1)
        let errors = (0..<fresh.count).map { k in
            residual.storage[(k * residual.rows)..<((k + 1) * residual.rows)].reduce(0) { max($0, Swift.abs($1)) }
        }
        let worst = errors.max() ?? 0
        let missed = errors.indices.filter { errors[$0] > tolerance }.sorted { errors[$0] > errors[$1] }.prefix(128)
        if missed.isEmpty || round == 3 || eim.terms >= cap {
            return (eim, family, g, max(trained, worst))
        }
        family = TrainingFamily(family, params: family.params + missed.map { fresh[$0] })
    }
    return nil
}
