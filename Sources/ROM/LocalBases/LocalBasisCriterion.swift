import LinearAlgebra

/// An a priori efficiency criterion for local reduced bases, in the spirit of Daniel, Casenave,
/// Akkari, Ketata, Ryckelynck ("Physics-informed cluster analysis and a priori efficiency
/// criterion for the construction of local reduced-order bases", 2021): from the training
/// snapshots alone, say whether k local bases of N modes each beat one global basis of N modes
/// (the same online cost), and choose k. The formula is our reconstruction (docs/local-bases.md):
///
/// 1. Normalize the snapshots in M (Ĝ_ij = G_ij / √(G_ii G_jj)), so every solution counts by its
///    shape, as in the normalized Kolmogorov widths of the 2022 paper.
/// 2. Partition them into k clusters; split each cluster C alternately into a fitting half F and
///    a checking half H. The POD of F (eigenpairs (λ_i, u_i) of Ĝ_FF, the N largest) gives the
///    projection error of each checked snapshot h, from Gram entries only:
///
///        e(h)² = 1 − Σ_{i ≤ N} (u_iᵀ Ĝ_{F,h})² / λ_i .
///
/// 3. E(k, N) = max over clusters of the root mean square of e over H: the error a new solution
///    of the worst cluster should expect from its local basis. Local bases pay iff E(k, N) < E(1, N).
/// 4. k* = the smallest k whose E(k, N) is within `tolerance` (relative) of min_k E(k, N), or below
///    `resolvedError` (the round-off floor of the Gram route). Too many
///    clusters leave F fewer snapshots than N and E rises again: the held-out half measures that.
public struct LocalBasisCriterion: Sendable {
    /// E(k, N) for one k.
    public struct Evaluation: Sendable {
        /// k.
        public let clusters: Int
        /// E(k, N) = max over clusters of the held-out RMS projection error.
        public let error: Double
        /// The held-out RMS projection error of each cluster.
        public let clusterErrors: [Double]
    }

    /// E(k, N) for k = 1 … maximum.
    public let evaluations: [Evaluation]
    /// k*: the number of clusters chosen.
    public let chosenClusters: Int

    /// Evaluates the criterion for 1 … `maximumClusters` clusters made by `method`.
    /// - Throws: `ROMError.invalidOption` for a basis size below 1 or a cluster count outside
    ///   1...m, a snapshot of zero norm, and what the clustering throws.
    public init(gram: Matrix, basisSize n: Int, maximumClusters: Int, method: ClusteringMethod = .sineKMedoids,
                seed: UInt64 = 1, tolerance: Double = 0.05) throws {
        guard n >= 1 else { throw ROMError.invalidOption(name: "basis size", detail: "at least 1, got \(n)") }
        guard (1...Swift.max(gram.rows, 1)).contains(maximumClusters) else {
            throw ROMError.invalidOption(name: "maximum cluster count", detail: "\(maximumClusters) for \(gram.rows) snapshots")
        }
        let normalized = try Self.normalized(gram)
        var evaluations: [Evaluation] = []
        for k in 1...maximumClusters {
            let clustering = try SnapshotClustering(gram: gram, clusters: k, method: method, seed: seed)
            let errors = try (0..<k).map { try Self.heldOutError(normalized, members: clustering.members(of: $0), basisSize: n) }
            evaluations.append(Evaluation(clusters: k, error: errors.max() ?? 0, clusterErrors: errors))
        }
        self.evaluations = evaluations
        let best = evaluations.map(\.error).min() ?? 0
        let threshold = Swift.max(best * (1 + tolerance), Self.resolvedError)
        chosenClusters = evaluations.first { $0.error <= threshold }?.clusters ?? 1
    }

    /// Errors below this are equal: e² = 1 − ‖P h‖² from Gram entries resolves e down to about
    /// √ε ≈ 1.5e-8, so exact bases give E of order 1e-8, not 0.
    public static let resolvedError = 1e-6

    /// Whether k local bases beat the global one: E(k, N) < E(1, N).
    public func localBeatsGlobal(clusters k: Int) -> Bool {
        guard k >= 1, k <= evaluations.count else { return false }
        return evaluations[k - 1].error < evaluations[0].error
    }

    /// Ĝ_ij = G_ij / √(G_ii G_jj).
    static func normalized(_ g: Matrix) throws -> Matrix {
        guard g.rows == g.columns else { throw ROMError.dimensionMismatch(what: "Gram matrix columns", expected: g.rows, found: g.columns) }
        if let zero = (0..<g.rows).first(where: { !(g[$0, $0] > 0) }) {
            throw ROMError.invalidOption(name: "efficiency criterion", detail: "snapshot \(zero) has norm zero")
        }
        let scale = (0..<g.rows).map { 1 / g[$0, $0].squareRoot() }
        var result = g
        for j in 0..<g.columns { for i in 0..<g.rows { result[i, j] = g[i, j] * scale[i] * scale[j] } }
        return result
    }

    /// The RMS projection error of the odd-position members onto the N-mode POD of the even ones
    /// (a one-member cluster is its own basis: error 0), normalized Gram `g`.
    static func heldOutError(_ g: Matrix, members: [Int], basisSize n: Int) throws -> Double {
        let fit = members.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let check = members.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        guard !check.isEmpty else { return 0 }
        var gff = Matrix(rows: fit.count, columns: fit.count)
        for (b, j) in fit.enumerated() { for (a, i) in fit.enumerated() { gff[a, b] = g[i, j] } }
        let eigen = try SymmetricEigen(gff)
        let f = fit.count
        let largest = Swift.max(eigen.values.last ?? 0, 0)
        // Descending eigenpairs above round-off, at most N.
        let kept = (0..<f).reversed().filter { eigen.values[$0] > largest * Double(f) * Double.ulpOfOne }.prefix(n)
        var sum = 0.0
        for h in check {
            var projected = 0.0
            for i in kept {
                var c = 0.0
                for (a, j) in fit.enumerated() { c += eigen.vectors[a, i] * g[j, h] }
                projected += c * c / eigen.values[i]
            }
            sum += Swift.max(1 - projected, 0)
        }
        return (sum / Double(check.count)).squareRoot()
    }
}
