import Foundation
import LinearAlgebra

/// Fast summation f(x_i) = Σ_j σ_j K(x_i − y_j) for a translation-invariant kernel, to a relative
/// accuracy ε, in O(N) (the EIFMM of Casenave 2014, or the black-box FMM of Fong & Darve 2009).
///
/// The setup (adaptive tree, interaction lists, far-field interpolation per level, translation
/// operators) is done once; `evaluate` then serves any number of charge vectors. As a
/// `LinearOperator` it is the dense kernel matrix [K(x_i − y_j)] applied matrix-free.
///
///     let sum = try FastSummation(kernel: LaplaceKernel3D(), sources: points, dimension: 3,
///                                 options: FastSummationOptions(tolerance: 1e-6))
///     let potential = try sum.evaluate(charges: sigma)
public struct FastSummation: LinearOperator, @unchecked Sendable {
    /// The kernel summed.
    public let kernel: any Kernel
    /// 2 or 3.
    public let dimension: Int
    /// The options of the setup.
    public let options: FastSummationOptions
    let tree: SummationTree
    let lists: InteractionLists
    var levels: [LevelOperators]
    let points: TreePoints
    let workspace: Workspace
    /// Leaf boxes holding targets.
    let leaves: [Int]

    /// Number of targets (rows of the kernel matrix).
    public var rows: Int { tree.targetOrder.count }
    /// Number of sources (columns).
    public var columns: Int { tree.sourceOrder.count }
    /// Deepest level of the tree (the root is level 0).
    public var depth: Int { tree.depth }
    /// Number of boxes of the tree.
    public var boxCount: Int { tree.boxCount }
    /// Interpolation points per level 0…depth (target side; 0 where the level has no far field).
    public var interpolationPoints: [Int] { levels.map(\.xCount) }
    /// M2L matrices applied in factored form (`compressM2L`), per level.
    public var compressedM2LCounts: [Int] { levels.map { $0.m2lFactors.filter { $0 != nil }.count } }
    /// The far-field interpolation error measured on the training family, per level (0 when none).
    public var estimatedInterpolationErrors: [Double] { levels.map { $0.basis?.estimatedError ?? 0 } }

    /// Sets up the summation over `sources` (and `targets`, the sources themselves when nil).
    ///
    /// In 2D the z coordinates are ignored. Throws on a dimension other than 2 or 3, ε ≤ 0, a NaN or
    /// infinite coordinate, or an option out of range.
    public init(kernel: any Kernel, sources: [SIMD3<Double>], targets: [SIMD3<Double>]? = nil, dimension: Int,
                options: FastSummationOptions = FastSummationOptions()) throws {
        guard dimension == 2 || dimension == 3 else { throw FastSummationError.unsupportedDimension(dimension) }
        guard options.tolerance > 0, options.tolerance.isFinite else { throw FastSummationError.nonPositiveTolerance(options.tolerance) }
        let leafSize = options.effectiveLeafSize(dimension: dimension)
        guard leafSize >= 1 else { throw FastSummationError.invalidOption("the leaf size must be at least 1, got \(leafSize)") }
        guard options.threads >= 1 else { throw FastSummationError.invalidOption("the thread count must be at least 1, got \(options.threads)") }
        guard options.safetyFactor >= 1, options.safetyFactor.isFinite else {
            throw FastSummationError.invalidOption("the safety factor must be at least 1, got \(options.safetyFactor)")
        }
        for (name, n) in [("grid EIM points per axis", options.gridEIMMaxPointsPerAxis.twoD),
                          ("grid EIM points per axis", options.gridEIMMaxPointsPerAxis.threeD),
                          ("Chebyshev points per axis", options.chebyshevMaxPointsPerAxis.twoD),
                          ("Chebyshev points per axis", options.chebyshevMaxPointsPerAxis.threeD)] where n < 2 {
            throw FastSummationError.invalidOption("the largest \(name) must be at least 2, got \(n)")
        }
        guard options.refineTrainingAbove > 0, options.refineTrainingAbove <= 1 else {
            throw FastSummationError.invalidOption("refineTrainingAbove must lie in (0, 1], got \(options.refineTrainingAbove)")
        }
        guard !sources.isEmpty else { throw FastSummationError.noSources }
        let flatten: (SIMD3<Double>) -> SIMD3<Double> = { dimension == 2 ? SIMD3($0.x, $0.y, 0) : $0 }
        let src = sources.map(flatten), tgt = targets?.map(flatten)
        for (set, pts) in [("source", src), ("target", tgt ?? [])] {
            if let i = pts.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
                throw FastSummationError.nonFiniteCoordinate(set: set, index: i)
            }
        }
        self.kernel = kernel
        self.dimension = dimension
        self.options = options
        tree = SummationTree(dimension: dimension, sources: src, targets: tgt, leafSize: leafSize, maxLevel: options.maxLevel)
        lists = InteractionLists(tree: tree)
        points = TreePoints(tree: tree, sources: src, targets: tgt)
        levels = try Self.farField(kernel: kernel, tree: tree, options: options,
                                   meanKernel: Self.meanKernel(kernel, sources: src, targets: tgt ?? src))
        try Self.buildTranslations(&levels, tree: tree, lists: lists, kernel: kernel, threads: options.threads,
                               compression: options.compressM2L ? options.tolerance / options.safetyFactor : nil)
        workspace = Workspace(tree: tree, levels: levels, threads: options.threads)
        let t = tree
        leaves = (0..<t.boxCount).filter { t.isLeaf($0) && t.tgtEnd[$0] > t.tgtStart[$0] }
    }

    /// The mean of |K(x_i − y_j)| over 2000 seeded random pairs of distinct points: the size of a
    /// sum per unit of charge. A far-field error τ per pair is a relative error τ / mean |K| of the
    /// sums (for charges of one sign); for a localized kernel (a Gaussian of width 0.2 in the unit
    /// cube: mean 0.03, largest value 1) that is what sets the interpolation tolerance.
    static func meanKernel(_ kernel: any Kernel, sources: [SIMD3<Double>], targets: [SIMD3<Double>]) -> Double {
        var rng = SplitMix64(seed: 12345)
        var total = 0.0, count = 0
        for _ in 0..<2000 {
            let x = targets[Int(rng.next() % UInt64(targets.count))], y = sources[Int(rng.next() % UInt64(sources.count))]
            guard x != y else { continue }
            let value = abs(kernel(x - y))
            if value.isFinite { total += value; count += 1 }
        }
        return count > 0 ? total / Double(count) : 0
    }

    /// The interpolation of every level 2…depth at tolerance ε / safety, relative to the smaller of
    /// the kernel's size at that level and its mean over the point pairs (`meanKernel`), divided by
    /// the number of far-field levels; levels
    /// where the kernel is below 1e-3 of its largest size over the levels get no far field (a
    /// Gaussian negligible at coarse levels). A homogeneous kernel has one interpolation for all
    /// levels, relative to its size at unit scale.
    static func farField(kernel: any Kernel, tree: SummationTree, options: FastSummationOptions,
                         meanKernel: Double) throws -> [LevelOperators] {
        let d = tree.dimension, depth = tree.depth
        var levels = (0...max(depth, 0)).map { _ in LevelOperators(basis: nil, rawAlpha: 1, m2lAlpha: 1) }
        guard depth >= 2 else { return levels }
        let family = TrainingFamily(dimension: d)
        let refined = TrainingFamily(dimension: d, refined: true)
        let tau = options.tolerance / options.safetyFactor
        let maxN = d == 3 ? options.chebyshevMaxPointsPerAxis.threeD : options.chebyshevMaxPointsPerAxis.twoD
        // `relative`: the tolerance relative to the kernel's size at the level, which decides
        // whether the kernel-column form of the EIM is accurate enough.
        func build(scale: Double, tolerance: Double, relative: Double) throws -> any FarFieldBasis {
            // n is chosen on the refined sample grid (18 per axis in 3D): with n above 10 the default
            // grid sits too sparsely between the Chebyshev points to see their error.
            let gridMaxN = d == 3 ? options.gridEIMMaxPointsPerAxis.threeD : options.gridEIMMaxPointsPerAxis.twoD
            switch options.method {
            case .eim where relative < options.gridEIMBelow:
                return try EIMGridFarField(kernel: kernel, family: refined, scale: scale, tolerance: tolerance, maxN: gridMaxN)
            case .eim:
                // When the greedy takes more of the grid than `refineTrainingAbove`, the grid under-resolves
                // the kernel between its points (a Gaussian with h below the box width), as soon as the first
                // greedy shows it (`validatedGreedy`'s `underResolvedAbove`). The level is then the grid form
                // on the refined family: its greedy continues on the validation's misses where the
                // kernel-column form restarts from no terms, and it runs on the Chebyshev grid of the order
                // the kernel needs (the Gaussian h = 0.1, N = 1e5, ε = 1e-3: set-up 6.7 s → 2.5 s, the error
                // 2.005e-6 → 2.002e-6).
                let limit = Int(options.refineTrainingAbove * Double(family.samples.count))
                if let coarse = try EIMFarField(kernel: kernel, family: family, scale: scale, tolerance: tolerance, underResolvedAbove: limit),
                   coarse.xNodes.count <= limit {
                    return coarse
                }
                return try EIMGridFarField(kernel: kernel, family: refined, scale: scale, tolerance: tolerance, maxN: gridMaxN)
            case .chebyshev: return ChebyshevFarField(kernel: kernel, family: family, scale: scale, tolerance: tolerance, maxN: maxN)
            }
        }
        if let degree = kernel.homogeneityDegree {
            let size = family.sizeEstimate(kernel: kernel, scale: 1)
            let basis = try build(scale: 1, tolerance: tau * size, relative: tau)
            for l in 2...depth {
                let a = tree.width(level: l)
                levels[l] = LevelOperators(basis: basis, rawAlpha: pow(a, -degree), m2lAlpha: pow(a, degree))
            }
            return levels
        }
        let sizes = (2...depth).map { family.sizeEstimate(kernel: kernel, scale: tree.width(level: $0)) }
        let largest = sizes.max() ?? 0
        var off = false
        for l in (2...depth).reversed() {
            let size = sizes[l - 2]
            if off || size <= tau * 1e-3 * largest { off = true; continue }
            // Each level adds its own interpolation error to the sums (a clustered 2D set has ten
            // levels): the levels share the tolerance.
            let reference = min(max(size, 1e-3 * largest), meanKernel > 0 ? meanKernel : .infinity)
            let tolerance = tau * reference / Double(depth - 1)
            let basis = try build(scale: tree.width(level: l), tolerance: tolerance, relative: tolerance / size)
            if basis.xNodes.isEmpty { off = true; continue }
            levels[l] = LevelOperators(basis: basis, rawAlpha: 1, m2lAlpha: 1)
        }
        return levels
    }

    /// M2L matrices, their batches (V lists grouped by offset and thread chunk), M2M and L2L.
    static func buildTranslations(_ levels: inout [LevelOperators], tree: SummationTree, lists: InteractionLists,
                                  kernel: any Kernel, threads: Int, compression: Double?) throws {
        let d = tree.dimension, count = OffsetIndex.count(dimension: d)
        guard tree.depth >= 2 else { return }
        var unitM2L: [Matrix?]? = nil
        var unitTransposed: [Bool] = []
        var unitFactors: [(left: Matrix, right: Matrix)?] = []
        for l in 2...tree.depth where levels[l].active {
            let first = tree.levelStart[l], boxes = tree.levelStart[l + 1] - first
            var used = [Bool](repeating: false, count: count)
            var batches = [[M2LBatch]](repeating: [], count: threads)
            for chunk in 0..<threads {
                var groups = (0..<count).map { M2LBatch(offset: $0) }
                for b in (first + boxes * chunk / threads)..<(first + boxes * (chunk + 1) / threads) {
                    for s in lists.v[b] where tree.srcEnd[s] > tree.srcStart[s] {
                        let o = OffsetIndex.index(tree.coords[s] &- tree.coords[b], dimension: d)
                        groups[o].targets.append(b - first)
                        groups[o].sources.append(s - first)
                        used[o] = true
                    }
                }
                batches[chunk] = groups.filter { !$0.targets.isEmpty }
            }
            levels[l].batches = batches
            if kernel.homogeneityDegree != nil {
                if unitM2L == nil {
                    var all = levels[l]
                    let separated = (0..<count).map { i -> Bool in
                        let o = OffsetIndex.offset(i, dimension: d)
                        return Swift.max(Swift.abs(o.x), Swift.abs(o.y), Swift.abs(o.z)) >= 2
                    }
                    all.buildM2L(kernel: kernel, used: separated, dimension: d, scale: 1)
                    if let compression { try all.compressM2L(relativeTolerance: compression) }
                    unitM2L = all.m2l
                    unitTransposed = all.m2lTransposed
                    unitFactors = all.m2lFactors
                }
                levels[l].m2l = unitM2L!
                levels[l].m2lTransposed = unitTransposed
                levels[l].m2lFactors = unitFactors
            } else {
                levels[l].buildM2L(kernel: kernel, used: used, dimension: d, scale: tree.width(level: l))
                if let compression { try levels[l].compressM2L(relativeTolerance: compression) }
            }
        }
        for l in stride(from: tree.depth, to: 2, by: -1) where levels[l].active && levels[l - 1].active {
            if kernel.homogeneityDegree != nil, l < tree.depth, levels[l + 1].active {
                levels[l].m2m = levels[l + 1].m2m
                levels[l].l2l = levels[l + 1].l2l
            } else {
                let parent = levels[l - 1]
                levels[l].buildTranslations(parent: parent, dimension: d)
            }
        }
    }
}

extension TrainingFamily {
    /// max |K| over the far region seen from the box corners and center (cheap size of the family).
    func sizeEstimate(kernel: any Kernel, scale: Double) -> Double {
        var probes: [SIMD3<Double>] = [.zero]
        for c in 0..<(dimension == 3 ? 8 : 4) {
            probes.append(SIMD3(c & 1 == 0 ? -0.5 : 0.5, (c >> 1) & 1 == 0 ? -0.5 : 0.5, dimension == 3 ? ((c >> 2) & 1 == 0 ? -0.5 : 0.5) : 0))
        }
        var largest = 0.0
        for s in params { for x in probes { largest = max(largest, abs(kernel(scale * (x - s)))) } }
        return largest
    }
}
