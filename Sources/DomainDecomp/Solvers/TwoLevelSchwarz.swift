import FEM
import LinearAlgebra

/// The two-level Schwarz preconditioner (Toselli & Widlund 2005, ch. 3), in its additive form
///
///     M⁻¹ = Σ_p R_pᵀ A_p⁻¹ R_p + Z E⁻¹ Zᵀ,   E = Zᵀ A Z,
///
/// where R_p restricts to the dofs of subdomain p (a METIS part grown by δ layers of cells),
/// A_p = R_p A R_pᵀ is factored once by CHOLMOD, and the columns of Z (the coarse space,
/// `CoarseSpace`) are z = R_pᵀ D_p v for a few local vectors v per subdomain, D_p the
/// multiplicity partition of unity (1 over the number of subdomains holding a dof:
/// Σ_p R_pᵀ D_p R_p = I; Dolean, Jolivet & Nataf 2015, §4.2). Nicolaides (1987) takes v = 1;
/// GenEO (`GenEO.swift`) the low eigenvectors of the subdomain's Neumann matrix against
/// D_p A_p D_p. Without the coarse level the CG iteration count grows with the number of parts
/// (like P^{1/d}: the information crosses one subdomain per iteration) and with coefficient
/// jumps; Nicolaides removes the growth only where subdomains float; GenEO bounds the count
/// independently of both. That is the `SchwarzForm.additive` form; `SchwarzForm.balanced`, the
/// default, weights the subdomain solves by D_p^{1/2} and combines them with the coarse level as
/// (I − Q A) M₁⁻¹ (I − A Q) + Q, Q = Z E⁻¹ Zᵀ, which keeps λ_max(M⁻¹A) from growing with the
/// number of subdomains overlapping at a point (`SchwarzForm.swift`; on 3D Poisson from 4 to 16
/// parts: 17 → 19 iterations with Nicolaides, against 24 → 32 additive).
///
/// Parts are dealt over the ranks of the communicator: each rank factors and applies only its
/// own subdomains (and solves their GenEO eigenproblems), and one `MPI_Allreduce` of the
/// n-vector per application sums their contributions (the vectors and A itself are held whole
/// on every rank in this version: the work that is split is the factorizations, the local
/// eigenproblems and the subdomain solves). The coarse vectors are gathered on every rank once,
/// E is assembled by one Allreduce, and the small coarse problem is solved on every rank.
public final class TwoLevelSchwarz: LinearOperator, @unchecked Sendable {
    /// The order of A.
    public let rows: Int
    /// The order of A.
    public var columns: Int { rows }
    /// The coarse space.
    public let coarseSpace: CoarseSpace
    /// The weighting of the subdomain solves and their combination with the coarse level.
    public let schwarzForm: SchwarzForm
    /// The dofs of each subdomain this rank factors.
    public let localSubdomains: [[Int]]
    /// The number of coarse vectors of each subdomain (all parts, on every rank).
    public let coarseVectorsPerSubdomain: [Int]
    /// The dimension of the coarse space (the order of E).
    public var coarseDimension: Int { coarse?.basis.dimension ?? 0 }
    private let factors: [CholeskyFactorization]
    /// D_p^{1/2} on the dofs of each local subdomain (`balanced`), or empty (`additive`).
    private let solveWeights: [[Double]]
    private let matrix: SparseMatrix
    private let communicator: Communicator
    private let coarse: (basis: CoarseBasis, factor: DenseCholesky)?

    /// The preconditioner of the SPD matrix `a` for `partCount` subdomains: `subdomainDofs(p)`
    /// gives the dofs of subdomain p (with its overlap; together they cover every dof), and
    /// `neumannMatrix(p)`, which GenEO needs, its Neumann matrix on those dofs in that order (the
    /// form assembled on the subdomain's cells only); it is called for this rank's parts only.
    /// `schwarzForm` chooses the additive or the balanced combination (`SchwarzForm`; default balanced).
    /// - Throws: `SchwarzError` for a bad coarse-space option, missing or misshapen Neumann
    ///   matrices; `LinearAlgebraError` when a subdomain matrix or E is not SPD;
    ///   `PartitionError` from `subdomainDofs`; `CommunicatorError` from the collectives.
    public init(matrix a: SparseMatrix, partCount: Int, coarseSpace: CoarseSpace, schwarzForm: SchwarzForm = .balanced, communicator: Communicator,
                subdomainDofs: (Int) throws -> [Int], neumannMatrix: ((Int) throws -> SparseMatrix)? = nil) throws {
        if case let .geneo(threshold, count) = coarseSpace {
            guard threshold > 0, threshold.isFinite else { throw SchwarzError.coarseSpace(detail: "GenEO threshold \(threshold) (need 0 < τ < ∞)") }
            guard count >= 1 else { throw SchwarzError.coarseSpace(detail: "GenEO keeps at most \(count) vectors per subdomain (need ≥ 1)") }
            guard neumannMatrix != nil else { throw SchwarzError.neumannMatricesMissing }
        }
        rows = a.rows
        self.coarseSpace = coarseSpace
        self.schwarzForm = schwarzForm
        matrix = a
        self.communicator = communicator
        let mine = RowDistribution.parts(ofRank: communicator.rank, ranks: communicator.size, parts: partCount)
        let allDofs = try (0..<partCount).map(subdomainDofs)
        var multiplicity = [Int](repeating: 0, count: a.rows)
        for dofs in allDofs { for i in dofs { multiplicity[i] += 1 } }
        func weights(_ dofs: [Int]) -> [Double] { dofs.map { 1 / Double(multiplicity[$0]) } }

        var subdomains = [[Int]](), factors = [CholeskyFactorization](), localVectors = [Matrix](), solveWeights = [[Double]]()
        for p in mine where !allDofs[p].isEmpty {
            let dofs = allDofs[p], dirichlet = a.submatrix(rows: dofs, columns: dofs)
            subdomains.append(dofs)
            if schwarzForm == .balanced { solveWeights.append(weights(dofs).map { $0.squareRoot() }) }
            factors.append(try CholeskyFactorization(dirichlet))
            if case let .geneo(threshold, count) = coarseSpace, let neumannMatrix {
                localVectors.append(try GenEO.coarseVectors(neumann: try neumannMatrix(p), dirichlet: dirichlet, weights: weights(dofs), form: schwarzForm,
                                                            threshold: threshold, maxPerSubdomain: count, part: p).vectors)
            }
        }
        localSubdomains = subdomains
        self.factors = factors
        self.solveWeights = solveWeights

        let columns: [Matrix]
        switch coarseSpace {
        case .none:
            columns = allDofs.map { Matrix(rows: $0.count, columns: 0) }
        case .nicolaides:
            columns = allDofs.map { Matrix(rows: $0.count, columns: 1, storage: weights($0)) }
        case .geneo:
            columns = try Self.gather(localVectors, dofs: allDofs, mine: mine, communicator: communicator)
        }
        coarseVectorsPerSubdomain = columns.map(\.columns)
        guard coarseSpace != .none else {
            coarse = nil
            return
        }
        let basis = CoarseBasis(dofs: allDofs, columns: columns)
        coarse = (basis, try DenseCholesky(try basis.galerkinMatrix(a, owned: mine, communicator: communicator)))
    }

    /// Every rank's GenEO vectors on every rank, in part order (one Allgatherv of the counts and
    /// one of the values). A rank's parts with no dofs contribute no block of their own.
    private static func gather(_ local: [Matrix], dofs: [[Int]], mine: Range<Int>, communicator: Communicator) throws -> [Matrix] {
        let counts = try communicator.allgather(local.map(\.columns))
        let values = try communicator.allgather(local.flatMap(\.storage))
        var columns = [Matrix]()
        for rank in 0..<communicator.size {
            var offset = 0, next = 0
            for p in RowDistribution.parts(ofRank: rank, ranks: communicator.size, parts: dofs.count) {
                let n = dofs[p].count
                guard n > 0 else {
                    columns.append(Matrix(rows: 0, columns: 0))
                    continue
                }
                let k = counts[rank][next]
                columns.append(Matrix(rows: n, columns: k, storage: Array(values[rank][offset..<(offset + n * k)])))
                offset += n * k
                next += 1
            }
        }
        return columns
    }

    /// The preconditioner of a FEM matrix on the free dofs of `mesh`'s nodes (P1): subdomain p is
    /// the part grown by `overlap` layers of cells; `freeIndex[node]` is the node's dof or −1.
    /// GenEO needs `mesh` (the one `partition` was made from) and `form` (the bilinear form
    /// that assembled `a` before the Dirichlet rows were removed): each rank assembles `form`
    /// on the cells of its subdomains for their Neumann matrices.
    public convenience init(matrix a: SparseMatrix, partition: MeshPartition, freeIndex: [Int], overlap: Int, coarseSpace: CoarseSpace,
                            schwarzForm: SchwarzForm = .balanced, mesh: Mesh? = nil, form: BilinearForm? = nil, communicator: Communicator) throws {
        var neumann: ((Int) throws -> SparseMatrix)?
        if let mesh, let form {
            neumann = { p in
                let sub = try partition.subdomain(of: mesh, part: p, overlap: overlap)
                let local = Assembler(space: FunctionSpace(mesh: sub.mesh, order: 1)).assemble(form)
                let free = sub.globalNodes.indices.filter { freeIndex[sub.globalNodes[$0]] >= 0 }
                return local.submatrix(rows: free, columns: free)
            }
        }
        try self.init(matrix: a, partCount: partition.partCount, coarseSpace: coarseSpace, schwarzForm: schwarzForm, communicator: communicator, subdomainDofs: { p in
            partition.nodes(of: try partition.cells(ofParts: p..<(p + 1), overlap: overlap)).compactMap { freeIndex[$0] >= 0 ? freeIndex[$0] : nil }
        }, neumannMatrix: neumann)
    }

    /// y = M⁻¹ x: the local subdomain solves, one Allreduce, the coarse correction (`additive`:
    /// added; `balanced`: q = Q x, y = M₁⁻¹(x − A q), then y − Q A y + q).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        guard let coarse else { return oneLevel(x, into: y) }
        do {
            let q = try coarse.factor.solve(coarse.basis.restrict(x))
            switch schwarzForm {
            case .additive:
                oneLevel(x, into: y)
                coarse.basis.prolongAdd(q, into: y)
            case .balanced:
                var residual = [Double](repeating: 0, count: rows), product = [Double](repeating: 0, count: rows)
                residual.withUnsafeMutableBufferPointer { r in
                    for i in 0..<rows { r[i] = 0 }
                    coarse.basis.prolongAdd(q, into: r)
                    product.withUnsafeMutableBufferPointer { matrix.apply(UnsafeBufferPointer(r), into: $0) }
                    for i in 0..<rows { r[i] = x[i] - product[i] }
                }
                residual.withUnsafeBufferPointer { oneLevel($0, into: y) }
                product.withUnsafeMutableBufferPointer { matrix.apply(UnsafeBufferPointer(y), into: $0) }
                let correction = try coarse.factor.solve(product.withUnsafeBufferPointer { coarse.basis.restrict($0) })
                coarse.basis.prolongAdd(q.enumerated().map { $1 - correction[$0] }, into: y)
            }
        } catch {
            communicator.abort(message: "TwoLevelSchwarz: the coarse solve failed: \(error)")
        }
    }

    /// y = M₁⁻¹ x = Σ_p R_pᵀ W_p A_p⁻¹ W_p R_p x (W_p = I, or D_p^{1/2} for `balanced`) over this
    /// rank's subdomains, then one Allreduce over the ranks.
    private func oneLevel(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<rows { y[i] = 0 }
        do {
            for (s, (dofs, factor)) in zip(localSubdomains, factors).enumerated() {
                if solveWeights.isEmpty {
                    let local = try factor.solve(dofs.map { x[$0] })
                    for (k, i) in dofs.enumerated() { y[i] += local[k] }
                } else {
                    let w = solveWeights[s]
                    let local = try factor.solve(dofs.enumerated().map { w[$0] * x[$1] })
                    for (k, i) in dofs.enumerated() { y[i] += w[k] * local[k] }
                }
            }
        } catch {
            communicator.abort(message: "TwoLevelSchwarz: a subdomain solve failed: \(error)")
        }
        MPIReduction(communicator).sumOverParts(y)
    }
}
