import LinearAlgebra

/// k-medoids clustering on a precomputed dissimilarity matrix D (m×m, symmetric, zero diagonal):
/// the k representatives (medoids) among the items and the partition that minimize the total
/// deviation TD = Σ_o d(o, nearest medoid).
///
/// Seeding by k-medoids++ (the first medoid drawn uniformly, each next one with probability
/// proportional to d(o, nearest medoid)²), then the swap phase of FasterPAM (Schubert and
/// Rousseeuw, "Fast and eager k-medoids clustering", 2021): for each non-medoid candidate x_c,
/// the change of TD of swapping x_c with every medoid at once, in one pass over the items, from
/// each item's nearest and second-nearest medoid:
///
///     ΔTD_i = R_i + Σ_o δ_o(i),   R_i = Σ_{o: n(o)=i} (d_s(o) − d_n(o))  (the loss of removing i)
///     d(o, x_c) < d_n(o):          shared gain d(o,x_c) − d_n(o), and δ_o(n(o)) += d_n(o) − d_s(o)
///     d_n(o) ≤ d(o,x_c) < d_s(o):  δ_o(n(o)) += d(o, x_c) − d_s(o)
///
/// and the best swap is made at once if it lowers TD (eager). Passes repeat until none improves:
/// TD never increases. `restarts` seeds several times and keeps the best partition.
public struct KMedoids: Sendable {
    /// The medoid of each cluster (an item index), by cluster.
    public let medoids: [Int]
    /// The cluster of each item.
    public let labels: [Int]
    /// TD after the seeding and after every swap (non-increasing), of the kept restart.
    public let objectiveHistory: [Double]
    /// The final total deviation Σ_o d(o, medoid of o).
    public var objective: Double { objectiveHistory.last ?? 0 }

    /// Clusters the items of `dissimilarity` into `clusters` groups.
    /// - Throws: `ROMError.invalidOption` for a matrix that is not square and symmetric with a zero
    ///   diagonal and nonnegative entries, or a cluster count outside 1...m; `.notFinite` for NaN entries.
    public init(dissimilarity d: Matrix, clusters k: Int, seed: UInt64 = 1, restarts: Int = 1, maximumPasses: Int = 100) throws {
        try Self.validate(d, k)
        guard restarts >= 1 else { throw ROMError.invalidOption(name: "k-medoids restarts", detail: "at least 1, got \(restarts)") }
        var best: (medoids: [Int], history: [Double])?
        var generator = SplitMix64(seed: seed)
        for _ in 0..<restarts {
            let seeded = Self.seedPlusPlus(d, k, &generator)
            let run = Self.fasterPAMSwaps(d, seeded, maximumPasses: maximumPasses)
            if best == nil || run.history.last! < best!.history.last! { best = run }
        }
        medoids = best!.medoids
        objectiveHistory = best!.history
        labels = Self.assign(d, medoids).labels
    }

    /// The nearest medoid of each item (ties: the lower cluster index; a medoid is in its own
    /// cluster even when another lies at dissimilarity 0) and TD.
    static func assign(_ d: Matrix, _ medoids: [Int]) -> (labels: [Int], objective: Double) {
        let m = d.rows
        var labels = [Int](repeating: 0, count: m), total = 0.0
        for o in 0..<m {
            var bestCluster = 0, bestDistance = Double.infinity
            for (c, medoid) in medoids.enumerated() where d[o, medoid] < bestDistance { (bestCluster, bestDistance) = (c, d[o, medoid]) }
            labels[o] = bestCluster
            total += bestDistance
        }
        for (c, medoid) in medoids.enumerated() { labels[medoid] = c }
        return (labels, total)
    }

    static func validate(_ d: Matrix, _ k: Int) throws {
        guard d.rows == d.columns, d.rows > 0 else {
            throw ROMError.invalidOption(name: "dissimilarity matrix", detail: "expected a nonempty square matrix, got \(d.rows)×\(d.columns)")
        }
        if let bad = d.firstNonFiniteIndex { throw ROMError.notFinite(what: "dissimilarity matrix", index: bad) }
        guard (1...d.rows).contains(k) else {
            throw ROMError.invalidOption(name: "cluster count", detail: "\(k) clusters of \(d.rows) items; expected 1...\(d.rows)")
        }
        for j in 0..<d.rows {
            guard d[j, j] == 0 else { throw ROMError.invalidOption(name: "dissimilarity matrix", detail: "diagonal entry (\(j), \(j)) is \(d[j, j]), expected 0") }
            for i in 0..<j where d[i, j] != d[j, i] || d[i, j] < 0 {
                throw ROMError.invalidOption(name: "dissimilarity matrix", detail: "entries (\(i), \(j)) = \(d[i, j]) and (\(j), \(i)) = \(d[j, i]): expected symmetric and nonnegative")
            }
        }
    }

    /// k-medoids++: the first medoid uniformly, the next ones ∝ D(o)² (distinct items).
    static func seedPlusPlus(_ d: Matrix, _ k: Int, _ generator: inout SplitMix64) -> [Int] {
        let m = d.rows
        var medoids = [Int(generator.nextUniform() * Double(m)) % m]
        var nearest = d.column(medoids[0])
        while medoids.count < k {
            let weights = nearest.map { $0 * $0 }
            let total = weights.reduce(0, +)
            var next: Int
            if total > 0 {
                var target = generator.nextUniform() * total
                next = weights.lastIndex { $0 > 0 }!
                for (o, w) in weights.enumerated() where w > 0 {
                    if target < w { next = o; break }
                    target -= w
                }
            } else {
                // Every item coincides with a medoid: take the first item not chosen yet.
                next = (0..<m).first { !medoids.contains($0) }!
            }
            medoids.append(next)
            for o in 0..<m { nearest[o] = Swift.min(nearest[o], d[o, next]) }
        }
        return medoids
    }

    /// FasterPAM's eager swap passes from `initial` medoids.
    static func fasterPAMSwaps(_ d: Matrix, _ initial: [Int], maximumPasses: Int) -> (medoids: [Int], history: [Double]) {
        let m = d.rows, k = initial.count
        var medoids = initial
        var isMedoid = [Bool](repeating: false, count: m)
        for i in medoids { isMedoid[i] = true }
        var nearest = [Int](repeating: 0, count: m)
        var dNearest = [Double](repeating: 0, count: m), dSecond = [Double](repeating: 0, count: m)
        var removal = [Double](repeating: 0, count: k), delta = [Double](repeating: 0, count: k)
        func update() {
            for o in 0..<m {
                var (n, dn, ds) = (0, Double.infinity, Double.infinity)
                for (c, medoid) in medoids.enumerated() {
                    let x = d[o, medoid]
                    if x < dn { ds = dn; (n, dn) = (c, x) } else if x < ds { ds = x }
                }
                (nearest[o], dNearest[o], dSecond[o]) = (n, dn, k > 1 ? ds : dn)
            }
            for i in 0..<k { removal[i] = 0 }
            for o in 0..<m { removal[nearest[o]] += dSecond[o] - dNearest[o] }
        }
        update()
        var history = [dNearest.reduce(0, +)]
        guard k < m else { return (medoids, history) }
        // Candidates in cyclic order; stop after a full cycle without a swap.
        var candidate = 0, pass = 0, sinceSwap = 0
        while pass < maximumPasses && sinceSwap < m {
            defer {
                candidate += 1
                sinceSwap += 1
                if candidate == m { candidate = 0; pass += 1 }
            }
            if isMedoid[candidate] { continue }
            for i in 0..<k { delta[i] = removal[i] }
            var shared = 0.0
            d.storage.withUnsafeBufferPointer { ds in
                let column = candidate * m
                for o in 0..<m {
                    let x = ds[column + o]
                    if x < dNearest[o] {
                        shared += x - dNearest[o]
                        delta[nearest[o]] += dNearest[o] - dSecond[o]
                    } else if x < dSecond[o] {
                        delta[nearest[o]] += x - dSecond[o]
                    }
                }
            }
            var bestCluster = 0
            for i in 1..<k where delta[i] < delta[bestCluster] { bestCluster = i }
            let change = delta[bestCluster] + shared
            // A swap must lower TD by more than round-off, or passes could cycle.
            guard change < -1e-12 * Swift.max(history.last!, Double.leastNormalMagnitude) else { continue }
            isMedoid[medoids[bestCluster]] = false
            medoids[bestCluster] = candidate
            isMedoid[candidate] = true
            update()
            history.append(dNearest.reduce(0, +))
            sinceSwap = 0
        }
        return (medoids, history)
    }
}
