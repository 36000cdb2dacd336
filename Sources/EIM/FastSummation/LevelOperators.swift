import LinearAlgebra

/// The far-field operators of one tree level: the interpolation (EIM or Chebyshev), the M2L
/// matrices per offset between well-separated boxes, and the M2M / L2L matrices to the parent
/// level per child position. M2L pairs are grouped by offset (and by thread chunk of the target
/// boxes) so that each group is one dgemm.
struct LevelOperators: @unchecked Sendable {
    /// nil or no terms: no far field at this level (levels 0 and 1, or a kernel negligible there).
    let basis: (any FarFieldBasis)?
    var xCount: Int { basis?.xNodes.count ?? 0 }
    var yCount: Int { basis?.yNodes.count ?? 0 }
    var active: Bool { xCount > 0 && yCount > 0 }
    /// Factor of the raw → multipole and local → raw products (a^−d for a homogeneous kernel).
    let rawAlpha: Double
    /// Factor of the M2L products (a^d for a homogeneous kernel, whose matrices are at unit scale).
    let m2lAlpha: Double
    /// M2L matrix per offset index (xCount × yCount), nil where no pair has that offset; where
    /// `m2lTransposed[o]`, the matrix of the opposite offset (the same storage), applied transposed.
    var m2l: [Matrix?] = []
    /// Whether m2l[o] holds T_{−o} = T_oᵀ (an even kernel with the same nodes on both sides).
    var m2lTransposed: [Bool] = []
    /// With `compressM2L`: the factors (U Σ, Vᵀ) of a truncated SVD of m2l[offset], where the rank
    /// is low enough for two products to cost less than one.
    var m2lFactors: [(left: Matrix, right: Matrix)?] = []
    /// M2M: parent multipole += m2m[octant] · child multipole (parent yCount × this yCount).
    var m2m: [Matrix] = []
    /// L2L: this local += l2l[octant] · parent local (this xCount × parent xCount).
    var l2l: [Matrix] = []
    /// Per thread chunk: the M2L groups (offset index, target and source boxes as level-local indices).
    var batches: [[M2LBatch]] = []

    init(basis: (any FarFieldBasis)?, rawAlpha: Double, m2lAlpha: Double) {
        self.basis = basis
        self.rawAlpha = rawAlpha
        self.m2lAlpha = m2lAlpha
    }
}

/// The V-list pairs of one offset and one chunk of target boxes.
struct M2LBatch: Sendable {
    let offset: Int
    var targets: [Int] = []
    var sources: [Int] = []
}

/// Offsets between boxes of one level: integer vectors with entries in −3...3, indexed 0..<7^d.
enum OffsetIndex {
    static func index(_ o: SIMD3<Int>, dimension: Int) -> Int {
        dimension == 3 ? (o.x + 3) + 7 * ((o.y + 3) + 7 * (o.z + 3)) : (o.x + 3) + 7 * (o.y + 3)
    }
    static func offset(_ i: Int, dimension: Int) -> SIMD3<Int> {
        SIMD3(i % 7 - 3, (i / 7) % 7 - 3, dimension == 3 ? i / 49 - 3 : 0)
    }
    static func count(dimension: Int) -> Int { dimension == 3 ? 343 : 49 }
}

extension LevelOperators {
    /// The M2L matrices of the offsets used at this level: T_o[i, j] = K(a (X_i − Y_j − o)) (at unit
    /// scale for a homogeneous kernel), built in parallel. For an even kernel with the same nodes on
    /// both sides T_{−o} = T_oᵀ: only one of each pair of opposite offsets is evaluated.
    mutating func buildM2L(kernel: any Kernel, used: [Bool], dimension: Int, scale: Double) {
        guard let basis, active else { return }
        let x = basis.xNodes, y = basis.yNodes
        let mirror = { (i: Int) in OffsetIndex.index(0 &- OffsetIndex.offset(i, dimension: dimension), dimension: dimension) }
        let symmetric = kernel.isEven && x == y
        let indices = used.indices.filter { used[$0] && !(symmetric && used[mirror($0)] && mirror($0) < $0) }
        var result = [Matrix?](repeating: nil, count: used.count)
        // From per-axis factor tables for a Gaussian: the nodes are points of a tensor grid.
        let entries = KernelMatrix(kernel: kernel, scale: scale, x: x, y: y)
        let built = UncheckedSendable(UnsafeMutableBufferPointer<Matrix?>.allocate(capacity: indices.count))
        built.value.initialize(repeating: nil)
        Parallelism.forEachChunk(of: indices.count) { range in
            for c in range {
                let o = OffsetIndex.offset(indices[c], dimension: dimension)
                let shift = SIMD3<Double>(Double(o.x), Double(o.y), Double(o.z))
                // Written once, without a fill of zeros first, into huge pages: at ε = 1e-9 these are
                // gigabytes of first touches.
                let storage = [Double](hugePagesUninitializedCount: x.count * y.count) { tp in
                    entries.fill(columns: 0..<y.count, shift: shift, into: tp.baseAddress!, ld: x.count)
                }
                built.value[c] = Matrix(rows: x.count, columns: y.count, storage: storage)
            }
        }
        for (c, i) in indices.enumerated() { result[i] = built.value[c] }
        // The opposite offsets share the evaluated matrix (no copy: half the memory, which at ε = 1e-9
        // is gigabytes of first touches) and are applied transposed.
        var transposed = [Bool](repeating: false, count: used.count)
        for i in used.indices where used[i] && result[i] == nil { result[i] = result[mirror(i)]; transposed[i] = true }
        // Release the matrices the buffer holds before freeing it (a plain deallocate leaked every
        // M2L matrix: gigabytes per setup at 1e-9 in 3D).
        _ = built.value.deinitialize()
        built.value.deallocate()
        m2l = result
        m2lTransposed = transposed
    }

    /// T_o itself (a copy when it is stored as T_{−o}), nil where no pair has offset o.
    func m2lMatrix(_ o: Int) -> Matrix? {
        guard let t = m2l[o] else { return nil }
        return o < m2lTransposed.count && m2lTransposed[o] ? t.transposed : t
    }

    /// Truncated SVDs of the M2L matrices: singular values at most `relativeTolerance` times the
    /// largest are dropped; kept only where rank r satisfies r (p + q) < p q.
    mutating func compressM2L(relativeTolerance: Double) throws {
        let p = xCount, q = yCount
        var factors = [(left: Matrix, right: Matrix)?](repeating: nil, count: m2l.count)
        for o in m2l.indices {
            guard let t = m2lMatrix(o) else { continue }
            let svd = try ThinSVD(t)
            let largest = svd.singularValues.first ?? 0
            let r = svd.singularValues.filter { $0 > relativeTolerance * largest }.count
            guard r > 0, r * (p + q) < p * q else { continue }
            var left = svd.u.columns(0..<r)
            for j in 0..<r { for i in 0..<p { left[i, j] *= svd.singularValues[j] } }
            factors[o] = (left, svd.vt.rows(Array(0..<r)))
        }
        m2lFactors = factors
    }

    /// M2M and L2L matrices between this level (child) and its parent's operators.
    mutating func buildTranslations(parent: LevelOperators, dimension: Int) {
        guard let basis, let pb = parent.basis, active, parent.active else { return }
        m2m = []
        l2l = []
        for o in 0..<(dimension == 3 ? 8 : 4) {
            let shift = SIMD3<Double>(o & 1 == 0 ? -0.25 : 0.25, (o >> 1) & 1 == 0 ? -0.25 : 0.25,
                                      dimension == 3 ? ((o >> 2) & 1 == 0 ? -0.25 : 0.25) : 0)
            // up[:, k] = ℓ̃_parent(Y_k / 2 + shift), down[k, :] = ℓ_parent(X_k / 2 + shift)ᵀ: the same
            // matrix transposed when both levels' source side is their target side.
            let down = pb.lagrangeX(at: basis.xNodes.map { $0 / 2 + shift })
            let shared = basis.sourceSideIsTargetSide && pb.sourceSideIsTargetSide
            m2m.append(shared ? down.transposed : pb.lagrangeY(at: basis.yNodes.map { $0 / 2 + shift }).transposed)
            l2l.append(down)
        }
    }
}
