import LinearAlgebra

/// The partitions of a snapshot set that local reduced bases are built on.
public enum ClusteringMethod: String, Sendable, Codable, CaseIterable {
    /// k-medoids under the sine dissimilarity (Daniel et al. 2022): clusters of nearly collinear
    /// snapshots, whatever their amplitude.
    case sineKMedoids = "sine-k-medoids"
    /// k-medoids under the distance ‖u − v‖_M.
    case euclideanKMedoids = "euclidean-k-medoids"
    /// Lloyd's k-means in ‖·‖_M (Amsallem, Zahr, Farhat 2012).
    case kMeans = "k-means"

    /// The dissimilarity the method measures with (k-means: the Euclidean distance).
    public var dissimilarity: SnapshotDissimilarity { self == .sineKMedoids ? .sine : .euclidean }
}

/// A partition of m snapshots into k clusters, each with a representative snapshot (its medoid,
/// or for k-means the member nearest its centroid), computed from their Gram matrix.
public struct SnapshotClustering: Sendable {
    /// How the partition was made.
    public let method: ClusteringMethod
    /// The cluster of each snapshot.
    public let labels: [Int]
    /// The representative snapshot of each cluster.
    public let representatives: [Int]
    /// D_ij under the method's dissimilarity (m×m): what overlaps and the criterion measure with.
    public let dissimilarity: Matrix
    /// The objective after each step of the method (TD for k-medoids, the within-cluster sum of
    /// squares for k-means), non-increasing.
    public let objectiveHistory: [Double]

    /// Clusters the snapshots whose Gram matrix G = SᵀMS is `gram`.
    /// - Parameters:
    ///   - restarts: k-medoids seedings tried, the best kept.
    /// - Throws: what `SnapshotDissimilarity.matrix(gram:)`, `KMedoids` and `KMeans` throw.
    public init(gram: Matrix, clusters k: Int, method: ClusteringMethod, seed: UInt64 = 1, restarts: Int = 4) throws {
        self.method = method
        dissimilarity = try method.dissimilarity.matrix(gram: gram)
        switch method {
        case .sineKMedoids, .euclideanKMedoids:
            let medoids = try KMedoids(dissimilarity: dissimilarity, clusters: k, seed: seed, restarts: restarts)
            labels = medoids.labels
            representatives = medoids.medoids
            objectiveHistory = medoids.objectiveHistory
        case .kMeans:
            let means = try KMeans(gram: gram, clusters: k, seed: seed)
            let found = means.labels
            let centroidDistances = KMeans.distances(gram, found, (0..<k).map { c in found.filter { $0 == c }.count })
            representatives = (0..<k).map { c in
                found.indices.filter { found[$0] == c }.min { centroidDistances[$0, c] < centroidDistances[$1, c] }!
            }
            labels = found
            objectiveHistory = means.objectiveHistory
        }
    }

    /// The number of clusters k.
    public var clusterCount: Int { representatives.count }

    /// The snapshots of cluster `c`, ascending.
    public func members(of c: Int) -> [Int] { labels.indices.filter { labels[$0] == c } }

    /// The members of cluster `c` and, with `overlap` ω > 0, the ⌈ω |C|⌉ other snapshots nearest
    /// its representative (the cluster grows into its neighbours, so a query near a border finds
    /// the nearby solutions in its basis too).
    public func membersWithOverlap(of c: Int, overlap: Double) throws -> [Int] {
        guard overlap >= 0, overlap.isFinite else { throw ROMError.invalidOption(name: "overlap", detail: "a fraction ≥ 0, got \(overlap)") }
        let members = self.members(of: c)
        let extra = Swift.min(Int((overlap * Double(members.count)).rounded(.up)), labels.count - members.count)
        guard extra > 0 else { return members }
        let r = representatives[c]
        let others = labels.indices.filter { labels[$0] != c }.sorted { dissimilarity[$0, r] < dissimilarity[$1, r] }
        return (members + others.prefix(extra)).sorted()
    }
}
