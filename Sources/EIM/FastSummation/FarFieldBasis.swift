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
    /// Whether the source side is the target side (Y = X and ℓ̃ = ℓ: an even kernel): then a
    /// level's M2M matrices are its L2L matrices transposed.
    var sourceSideIsTargetSide: Bool { get }
    /// ℓ_i(p), the target-side Lagrange functions at a unit-coordinate point.
    func lagrangeX(_ p: SIMD3<Double>) -> [Double]
    /// ℓ̃_j(p), the source-side Lagrange functions.
    func lagrangeY(_ p: SIMD3<Double>) -> [Double]
    /// ℓ_i at many points: row k holds ℓ(points[k])ᵀ (the L2L matrix of a child's nodes).
    func lagrangeX(at points: [SIMD3<Double>]) -> Matrix
    /// ℓ̃_j at many points: row k holds ℓ̃(points[k])ᵀ (the transposed M2M matrix).
    func lagrangeY(at points: [SIMD3<Double>]) -> Matrix
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

extension FarFieldBasis {
    /// Point by point.
    func lagrangeX(at points: [SIMD3<Double>]) -> Matrix { rowsOf(points.map(lagrangeX), columns: xNodes.count) }
    /// Point by point.
    func lagrangeY(at points: [SIMD3<Double>]) -> Matrix { rowsOf(points.map(lagrangeY), columns: yNodes.count) }
}

/// The matrix whose row k is rows[k].
func rowsOf(_ rows: [[Double]], columns: Int) -> Matrix {
    var m = Matrix(rows: rows.count, columns: columns)
    for (k, row) in rows.enumerated() { for i in 0..<columns { m[k, i] = row[i] } }
    return m
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

    /// Snapshot matrix G[i, k] = K(scale (x_i − s_k)) (mirror: K(scale (s_k − x_i))), columns in parallel
    /// (`KernelMatrix`: from per-axis factors for a Gaussian).
    func snapshots(kernel: any Kernel, scale: Double, mirrored: Bool) -> Matrix {
        let n = samples.count
        // Every entry is written by the thread of its column: the pages are first touched (and
        // zeroed by the kernel) on both cores, in huge pages, not by one serial fill of zeros.
        let values = KernelMatrix(kernel: kernel, scale: scale, x: samples, y: params, mirrored: mirrored)
        let storage = [Double](hugePagesUninitializedCount: n * params.count) { all in
            let box = UncheckedSendable(all)
            Parallelism.forEachChunk(of: params.count) { range in
                values.fill(columns: range, into: box.value.baseAddress! + range.lowerBound * n, ld: n)
            }
        }
        return Matrix(rows: n, columns: params.count, storage: storage)
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

/// How `validatedGreedy` takes in the validation positions that miss the tolerance.
enum ValidationRestart {
    /// The greedy runs again from no terms on the enlarged family. The kernel-column form
    /// (`EIMFarField`) needs it: continuing adds terms whose kernel columns worsen cond F, and the
    /// sums lose digits (1/r, N = 1e5, ε = 1e-6: 3.2e-8 from scratch, 3.4e-7 continued).
    case fromScratch
    /// The greedy continues from its terms (`EIMGreedy.appendTrainingResiduals`): the grid form
    /// (`EIMGridFarField`), whose Λ = Q B⁻¹ does not invert a kernel matrix.
    case continuing
}

/// The EIM greedy on the training family, checked at 512 fresh random source positions of the
/// interaction shell: those where the interpolant misses the tolerance (a kernel steep across the
/// box along one axis, between the family's positions every half box width) join the family, worst
/// first, 128 at most, and the greedy runs again (`restart`), at most 4 times. The check is one
/// triangular solve and one product (`interpolationErrors`). Returns the interpolation, the family
/// it was trained on and the largest error seen (training or validation).
///
/// `underResolvedAbove`: when the first greedy takes more terms than this, the sample grid
/// under-resolves the kernel (`FastSummationOptions.refineTrainingAbove`) and the training stops
/// there, before the validation rounds, each as costly as the first, whose result would be thrown
/// away (the Gaussian h = 0.1 at N = 1e5, ε = 1e-3: 1.4 s of a 8.8 s set-up).
func validatedGreedy(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double, mirrored: Bool,
                     maxTerms: Int, restart: ValidationRestart, underResolvedAbove: Int = .max) throws -> FarFieldTraining {
    var family = family
    let n = family.samples.count
    let options = EIMOptions(tolerance: tolerance, maxTerms: maxTerms, relative: false)
    func start(_ g: consuming Matrix, columns: Int) throws -> EIMGreedy<FarFieldResidualStore> {
        let store = FarFieldResidualStore(snapshots: try SnapshotResidualStore(snapshots: g, norm: .linf, relative: false, stabilized: false))
        return EIMGreedy(store: store, pointCount: n, parameterCount: columns, options: options)
    }
    let g = family.snapshots(kernel: kernel, scale: scale, mirrored: mirrored)
    guard g.maxAbs > tolerance else { return .negligible }
    // The family's unscaled values, for a restart (the store overwrites its own copy).
    var values = restart == .fromScratch ? g : Matrix(rows: 0, columns: 0)
    var greedy = try start(restart == .fromScratch ? g.freshCopy() : g, columns: family.params.count)
    var reason = try greedy.run()
    if greedy.state.terms > underResolvedAbove { return .underResolved }
    let rounds = 4
    for round in 0..<rounds {
        let trained = greedy.state.errors.last ?? 0
        let fresh = family.shellPositions(count: 512, seed: 77 &+ UInt64(round))
        let check = TrainingFamily(family, params: fresh).snapshots(kernel: kernel, scale: scale, mirrored: mirrored)
        let (errors, residuals) = interpolationErrors(check, state: greedy.state)
        let worst = errors.max() ?? 0
        let missed = errors.indices.filter { errors[$0] > tolerance }.sorted { errors[$0] > errors[$1] }.prefix(128)
        let cap = min(n, greedy.state.parameterCount, maxTerms)
        if missed.isEmpty || round == rounds - 1 || greedy.state.terms >= cap {
            return .trained(try EmpiricalInterpolation(greedy: greedy.state, stopReason: reason), family: family, error: max(trained, worst))
        }
        family = TrainingFamily(family, params: family.params + missed.map { fresh[$0] })
        switch restart {
        case .fromScratch:
            values = values.appendingColumns(Array(missed), of: check)
            // After the last restart no values are needed: the store then takes them without a copy.
            let lastRestart = round == rounds - 2
            let grown = lastRestart ? values : values.freshCopy()
            if lastRestart { values = Matrix(rows: 0, columns: 0) }
            greedy = try .restarted(previous: greedy.state, snapshots: grown, options: options)
        case .continuing:
            // The missed positions' residuals against the current terms are the check's own.
            try greedy.appendTrainingResiduals(Matrix(rows: n, columns: 0).appendingColumns(Array(missed), of: residuals))
        }
        reason = try greedy.run()
    }
    return .negligible  // not reached: the last round returns
}

extension Matrix {
    /// These columns, then columns `indices` of `other` (same row count), copied once into new
    /// storage: in huge pages, column blocks copied by both threads (a training family's values
    /// are hundreds of megabytes; a serial copy into fresh 4 KB pages spent most of its time in
    /// page faults, on one core).
    func appendingColumns(_ indices: [Int], of other: Matrix) -> Matrix {
        precondition(other.rows == rows && indices.allSatisfy { $0 >= 0 && $0 < other.columns })
        let n = rows, own = columns, total = own + indices.count
        let storage = [Double](hugePagesUninitializedCount: total * n) { buffer in
            let out = UncheckedSendable(buffer)
            self.storage.withUnsafeBufferPointer { mine in
                other.storage.withUnsafeBufferPointer { theirs in
                    let sources = UncheckedSendable((mine, theirs))
                    Parallelism.forEachChunk(of: total) { range in
                        let (mine, theirs) = sources.value
                        for c in range {
                            let source = c < own ? mine.baseAddress! + c * n : theirs.baseAddress! + indices[c - own] * n
                            (out.value.baseAddress! + c * n).initialize(from: source, count: n)
                        }
                    }
                }
            }
        }
        return Matrix(rows: n, columns: total, storage: storage)
    }

    /// A copy in new storage of its own (`appendingColumns` of nothing): what a residual store
    /// takes over while the caller keeps the original, instead of the serial copy-on-write copy.
    func freshCopy() -> Matrix { appendingColumns([], of: self) }
}

/// What `validatedGreedy` gives.
enum FarFieldTraining {
    /// The interpolation, the family it was trained on, the largest error seen (training or validation).
    case trained(EmpiricalInterpolation, family: TrainingFamily, error: Double)
    /// The family is below the tolerance everywhere: no terms.
    case negligible
    /// The first greedy took more terms than `underResolvedAbove`.
    case underResolved
}

/// max_i |g_j(x_i) − (I g_j)(x_i)| for each column g_j of `g` (n × c), with the greedy's current
/// interpolant I = Q B⁻¹ (·)[points]: one triangular solve and one product, no Lagrange matrix;
/// and the residuals g − I g themselves.
func interpolationErrors(_ g: Matrix, state: GreedyState) -> (errors: [Double], residuals: Matrix) {
    let n = g.rows, c = g.columns, m = state.terms
    var residual = g.freshCopy()
    if m > 0 && c > 0 {
        var coefficients = g.rows(state.points)
        // Column blocks on the threads: each column's solve and product are the same operations
        // whatever the block, so the errors do not depend on the split.
        let parts = Swift.min(Parallelism.threadCount, Swift.max(1, c / 64))
        coefficients.storage.withUnsafeMutableBufferPointer { cp in
            state.interpolationMatrix.withUnsafeBufferPointer { b in
                state.basis.withUnsafeBufferPointer { q in
                    residual.storage.withUnsafeMutableBufferPointer { r in
                        let box = UncheckedSendable((cp, b, q, r))
                        Parallelism.forEachChunk(of: c, chunks: parts) { columns in
                            let (cp, b, q, r) = box.value
                            let block = cp.baseAddress! + columns.lowerBound * m
                            BLAS.trsm(left: true, lower: true, unitDiagonal: true, m: m, n: columns.count, a: b.baseAddress!,
                                      lda: state.capacity, b: block, ldb: m)
                            BLAS.gemm(m: n, n: columns.count, k: m, alpha: -1, a: q.baseAddress!, b: UnsafePointer(block), beta: 1,
                                      c: r.baseAddress! + columns.lowerBound * n)
                        }
                    }
                }
            }
        }
    }
    let errors = residual.storage.withUnsafeBufferPointer { r in
        (0..<c).map { BLAS.maxAbs(UnsafeBufferPointer(rebasing: r[($0 * n)..<(($0 + 1) * n)])) }
    }
    return (errors, residual)
}
