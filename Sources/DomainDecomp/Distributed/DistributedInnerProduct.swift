import FEM
import LinearAlgebra
import ROM

/// An inner product (x, y)_M of row-distributed vectors: each rank holds a local square matrix
/// M_r over its local rows with Σ_r (embedded M_r) = M, so (x, y)_M = Σ_r x_rᵀ M_r y_r is one
/// local product and one `MPI_Allreduce`. It is ROM's `InnerProduct` with the local matrix and an
/// `MPIReduction`: the serial POD and Gram–Schmidt run on local rows through it unchanged.
///
/// M_r is what FEM assembles over the cells of the rank's parts (the "subassembled" matrix: no
/// communication to build); the Euclidean product is the 0/1 diagonal of the owned rows, so ghost
/// copies count once.
public struct DistributedInnerProduct: Sendable {
    /// The local matrix with the MPI reduction.
    public let innerProduct: InnerProduct

    /// The product of the local matrices `local` (order `distribution.localCount`, in the local
    /// row order) whose sum over ranks is M.
    public init(local: SparseMatrix, distribution: RowDistribution, communicator: Communicator) throws {
        guard local.rows == distribution.localCount, local.columns == distribution.localCount else {
            throw DistributionError.lengthMismatch(what: "local inner-product matrix", expected: distribution.localCount,
                                                   found: local.rows, rank: communicator.rank)
        }
        innerProduct = InnerProduct(matrix: local, reduction: MPIReduction(communicator))
    }

    /// The Euclidean product: owned rows count once, ghost rows not at all.
    public static func euclidean(distribution: RowDistribution, communicator: Communicator) -> DistributedInnerProduct {
        if distribution.ownedCount == distribution.localCount {
            return DistributedInnerProduct(innerProduct: InnerProduct(matrix: nil, reduction: MPIReduction(communicator)))
        }
        var builder = SparseBuilder<Double>(rows: distribution.localCount, columns: distribution.localCount)
        for i in 0..<distribution.ownedCount { builder.add(i, i, 1) }
        return DistributedInnerProduct(innerProduct: InnerProduct(matrix: builder.build(), reduction: MPIReduction(communicator)))
    }

    /// Splits a global M that every rank holds (small problems, tests): entry (i, j) goes to the
    /// lowest rank that holds both rows i and j (one always does when M couples only nodes of a
    /// common cell). Collective (the ranks' rows are gathered once).
    public static func splitting(_ m: SparseMatrix, distribution: RowDistribution, communicator: Communicator) throws
        -> DistributedInnerProduct {
        guard m.rows == distribution.globalCount, m.columns == distribution.globalCount else {
            throw DistributionError.lengthMismatch(what: "global inner-product matrix", expected: distribution.globalCount,
                                                   found: m.rows, rank: communicator.rank)
        }
        let everyone = try communicator.allgather(distribution.localRows)
        var lowestHolder = [[Int]](repeating: [], count: m.rows)   // the ranks holding each row, ascending
        for (r, rows) in everyone.enumerated() { for row in rows { lowestHolder[row].append(r) } }
        var local = [Int](repeating: -1, count: m.rows)
        for (i, row) in distribution.localRows.enumerated() { local[row] = i }
        var builder = SparseBuilder<Double>(rows: distribution.localCount, columns: distribution.localCount)
        let me = communicator.rank
        for (li, i) in distribution.localRows.enumerated() {
            for e in m.rowPointers[i]..<m.rowPointers[i + 1] {
                let j = m.columnIndices[e]
                guard local[j] >= 0 else { continue }
                let first = lowestHolder[i].first { lowestHolder[j].contains($0) }
                if first == me { builder.add(li, local[j], m.values[e]) }
            }
        }
        return try DistributedInnerProduct(local: builder.build(), distribution: distribution, communicator: communicator)
    }

    private init(innerProduct: InnerProduct) { self.innerProduct = innerProduct }
}

extension DistributedInnerProduct {
    /// The product of a FEM bilinear form (P1 on `mesh`) assembled by each rank over the cells of
    /// its parts only (no overlap): the subassembled matrices sum to the global one, and building
    /// them needs no communication.
    public static func subassembled(_ form: BilinearForm, mesh: Mesh, partition: MeshPartition, distribution: RowDistribution,
                                    communicator: Communicator) throws -> DistributedInnerProduct {
        let mine = RowDistribution.parts(ofRank: communicator.rank, ranks: communicator.size, parts: partition.partCount)
        let sub = try partition.subdomain(of: mesh, parts: mine)
        let m = Assembler(space: FunctionSpace(mesh: sub.mesh, order: 1)).assemble(form)
        var order = [Int]()
        order.reserveCapacity(distribution.localCount)
        for row in distribution.localRows {
            guard let local = sub.localNode(row) else {
                throw DistributionError.lengthMismatch(what: "subdomain nodes vs local rows", expected: distribution.localCount,
                                                       found: sub.globalNodes.count, rank: communicator.rank)
            }
            order.append(local)
        }
        return try DistributedInnerProduct(local: m.submatrix(rows: order, columns: order), distribution: distribution, communicator: communicator)
    }
}
