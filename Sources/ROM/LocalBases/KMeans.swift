import LinearAlgebra

/// Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii 2007), the classical
/// clustering of local reduced-order bases (Amsallem, Zahr, Farhat 2012), run on the Gram matrix
/// G = SᵀMS alone: a centroid is c = S w with w the members' indicator over the cluster's size, so
///
///     ‖s_o − c‖²_M = G_oo − 2 (G w)_o + wᵀ G w,
///
/// one BLAS product G W (m×k) per iteration, never a truth-sized vector.
public struct KMeans: Sendable {
    /// The cluster of each snapshot.
    public let labels: [Int]
    /// The within-cluster sum of squares Σ_o ‖s_o − c(o)‖²_M after each assignment (non-increasing).
    public let objectiveHistory: [Double]
    /// The final within-cluster sum of squares.
    public var objective: Double { objectiveHistory.last ?? 0 }

    /// Clusters the snapshots whose Gram matrix is `gram` into `clusters` groups.
    /// - Throws: `ROMError.dimensionMismatch` for a Gram matrix that is not square, `.notFinite`,
    ///   `.invalidOption` for a cluster count outside 1...m.
    public init(gram g: Matrix, clusters k: Int, seed: UInt64 = 1, maximumIterations: Int = 100) throws {
        guard g.rows == g.columns else { throw ROMError.dimensionMismatch(what: "Gram matrix columns", expected: g.rows, found: g.columns) }
        if let bad = g.firstNonFiniteIndex { throw ROMError.notFinite(what: "Gram matrix", index: bad) }
        let m = g.rows
        guard m > 0, (1...m).contains(k) else {
            throw ROMError.invalidOption(name: "cluster count", detail: "\(k) clusters of \(m) snapshots; expected 1...\(m)")
        }
        func squaredDistance(_ i: Int, _ j: Int) -> Double { Swift.max(g[i, i] + g[j, j] - 2 * g[i, j], 0) }
        // k-means++: the first centre uniformly, the next ones ∝ D(o)².
        var generator = SplitMix64(seed: seed)
        var centres = [Int(generator.nextUniform() * Double(m)) % m]
        var nearest = (0..<m).map { squaredDistance($0, centres[0]) }
        while centres.count < k {
            let total = nearest.reduce(0, +)
            var next = (0..<m).first { !centres.contains($0) }!
            if total > 0 {
                var target = generator.nextUniform() * total
                for (o, w) in nearest.enumerated() where w > 0 {
                    next = o
                    if target < w { break }
                    target -= w
                }
            }
            centres.append(next)
            for o in 0..<m { nearest[o] = Swift.min(nearest[o], squaredDistance(o, next)) }
        }
        var labels = (0..<m).map { o in (0..<k).min { squaredDistance(o, centres[$0]) < squaredDistance(o, centres[$1]) }! }
        var history: [Double] = []
        var counts = Self.repairEmptyClusters(g, &labels, k)
        for _ in 0..<maximumIterations {
            let d = Self.distances(g, labels, counts)
            history.append((0..<m).reduce(0) { $0 + d[$1, labels[$1]] })
            var changed = false
            for o in 0..<m {
                var best = labels[o]
                for c in 0..<k where d[o, c] < d[o, best] - 1e-14 * Swift.max(g[o, o], Double.leastNormalMagnitude) { best = c }
                if best != labels[o] { labels[o] = best; changed = true }
            }
            counts = Self.repairEmptyClusters(g, &labels, k)
            if !changed { break }
        }
        self.labels = labels
        objectiveHistory = history
    }

    /// Gives every empty cluster the snapshot farthest from its centroid (taken from a cluster
    /// of two or more), and returns the cluster sizes, all positive.
    static func repairEmptyClusters(_ g: Matrix, _ labels: inout [Int], _ k: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: k)
        for c in labels { counts[c] += 1 }
        while let empty = counts.firstIndex(of: 0) {
            var filled = counts
            for c in filled.indices where filled[c] == 0 { filled[c] = 1 }  // weights of empty clusters stay unused
            let d = distances(g, labels, filled)
            let far = labels.indices.filter { counts[labels[$0]] > 1 }.max { d[$0, labels[$0]] < d[$1, labels[$1]] }!
            counts[labels[far]] -= 1
            labels[far] = empty
            counts[empty] = 1
        }
        return counts
    }

    /// ‖s_o − c_c‖²_M for every snapshot o and cluster c (clusters nonempty).
    static func distances(_ g: Matrix, _ labels: [Int], _ counts: [Int]) -> Matrix {
        let m = g.rows, k = counts.count
        var w = Matrix(rows: m, columns: k)
        for (o, c) in labels.enumerated() { w[o, c] = 1 / Double(counts[c]) }
        let gw = g * w
        var d = Matrix(rows: m, columns: k)
        for c in 0..<k {
            var norm = 0.0
            for o in 0..<m { norm += w[o, c] * gw[o, c] }
            for o in 0..<m { d[o, c] = Swift.max(g[o, o] - 2 * gw[o, c] + norm, 0) }
        }
        return d
    }
}
