import LinearAlgebra

/// The two-level additive Schwarz preconditioner (Toselli & Widlund 2005, ch. 3; the coarse
/// space of Nicolaides 1987):
///
///     M⁻¹ = Σ_p R_pᵀ A_p⁻¹ R_p + R_0ᵀ A_0⁻¹ R_0,
///
/// where R_p restricts to the dofs of subdomain p (a METIS part grown by δ layers of cells),
/// A_p = R_p A R_pᵀ is factored once by CHOLMOD, and R_0ᵀ = Z has one column per subdomain,
/// z_p = R_pᵀ D_p R_p 1 with the multiplicity partition of unity D_p (1 over the number of
/// subdomains holding a dof: Σ_p z_p = 1; Dolean, Jolivet & Nataf 2015, §4.2), so
/// A_0 = Zᵀ A Z is P×P. Without
/// the coarse level the CG iteration count grows with the number of parts (like P^{1/d}: the
/// information crosses one subdomain per iteration); with it, it stays nearly flat.
///
/// Parts are dealt over the ranks of the communicator: each rank factors and applies only its
/// own subdomains, and one `MPI_Allreduce` of the n-vector per application sums their
/// contributions (the vectors and A itself are held whole on every rank in this version: the
/// work that is split is the factorizations and the subdomain solves). The coarse problem is
/// tiny and solved on every rank.
public final class TwoLevelSchwarz: LinearOperator, @unchecked Sendable {
    /// The order of A.
    public let rows: Int
    /// The order of A.
    public var columns: Int { rows }
    /// Whether the coarse level is used.
    public let usesCoarseSpace: Bool
    /// The dofs of each subdomain this rank factors.
    public let localSubdomains: [[Int]]
    private let factors: [CholeskyFactorization]
    private let communicator: Communicator
    /// The coarse basis by rows: the subdomains holding dof i and the weight 1/multiplicity(i).
    private let coarseParts: [[Int]]
    private let coarseWeights: [Double]
    private let coarse: DenseCholesky?
    private let partCount: Int

    /// The preconditioner of the SPD matrix `a` for `partCount` subdomains: `subdomainDofs(p)`
    /// gives the dofs of subdomain p (with its overlap; together they cover every dof).
    /// - Throws: `LinearAlgebraError` when a subdomain matrix or the coarse matrix is not SPD;
    ///   `PartitionError` from `subdomainDofs`.
    public init(matrix a: SparseMatrix, partCount: Int, coarseSpace: Bool, communicator: Communicator,
                subdomainDofs: (Int) throws -> [Int]) throws {
        rows = a.rows
        usesCoarseSpace = coarseSpace
        self.communicator = communicator
        self.partCount = partCount
        let mine = RowDistribution.parts(ofRank: communicator.rank, ranks: communicator.size, parts: partCount)
        var subdomains = [[Int]](), factors = [CholeskyFactorization]()
        var holders = [[Int]](repeating: [], count: a.rows)
        for p in 0..<partCount {
            let dofs = try subdomainDofs(p)
            if coarseSpace { for i in dofs { holders[i].append(p) } }
            guard mine.contains(p), !dofs.isEmpty else { continue }
            subdomains.append(dofs)
            factors.append(try CholeskyFactorization(a.submatrix(rows: dofs, columns: dofs)))
        }
        localSubdomains = subdomains
        self.factors = factors
        coarseParts = holders
        coarseWeights = holders.map { $0.isEmpty ? 0 : 1 / Double($0.count) }
        if coarseSpace {
            // A_0 = Zᵀ A Z, entry by entry of A: z_ip a_ij z_jq added to (p, q).
            var e = Matrix(rows: partCount, columns: partCount)
            for i in 0..<a.rows {
                for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                    let j = a.columnIndices[k], value = a.values[k] * coarseWeights[i] * coarseWeights[j]
                    for p in holders[i] { for q in holders[j] { e[p, q] += value } }
                }
            }
            coarse = try DenseCholesky(e)
        } else {
            coarse = nil
        }
    }

    /// The preconditioner of a FEM matrix on the free dofs of `mesh`'s nodes: subdomain p is the
    /// part grown by `overlap` layers of cells; `freeIndex[node]` is the node's dof or −1.
    public convenience init(matrix a: SparseMatrix, partition: MeshPartition, freeIndex: [Int], overlap: Int, coarseSpace: Bool,
                            communicator: Communicator) throws {
        try self.init(matrix: a, partCount: partition.partCount, coarseSpace: coarseSpace, communicator: communicator) { p in
            partition.nodes(of: try partition.cells(ofParts: p..<(p + 1), overlap: overlap)).compactMap { freeIndex[$0] >= 0 ? freeIndex[$0] : nil }
        }
    }

    /// y = M⁻¹ x: the local subdomain solves, one Allreduce, the coarse correction.
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<rows { y[i] = 0 }
        do {
            for (dofs, factor) in zip(localSubdomains, factors) {
                let local = try factor.solve(dofs.map { x[$0] })
                for (k, i) in dofs.enumerated() { y[i] += local[k] }
            }
        } catch {
            communicator.abort(message: "TwoLevelSchwarz: a subdomain solve failed: \(error)")
        }
        MPIReduction(communicator).sumOverParts(y)
        guard let coarse else { return }
        var c = Matrix(rows: partCount, columns: 1)
        for i in 0..<rows { for p in coarseParts[i] { c[p, 0] += coarseWeights[i] * x[i] } }
        do {
            let w = try coarse.solve(c)
            for i in 0..<rows { for p in coarseParts[i] { y[i] += coarseWeights[i] * w[p, 0] } }
        } catch {
            communicator.abort(message: "TwoLevelSchwarz: the coarse solve failed: \(error)")
        }
    }
}
