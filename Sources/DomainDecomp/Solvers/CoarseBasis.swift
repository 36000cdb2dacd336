import LinearAlgebra

/// Z = R_0ᵀ of a two-level Schwarz preconditioner, by subdomain blocks: subdomain p contributes
/// the columns W_p = D_p V_p (n_p × k_p) on its dofs, zero elsewhere (Nicolaides: V_p = 1;
/// GenEO: the kept eigenvectors). Every rank holds all blocks (the vectors are replicated in this
/// version of `TwoLevelSchwarz`), so Zᵀx and Z w need no communication.
struct CoarseBasis: Sendable {
    struct Block: Sendable {
        /// The subdomain's global dofs.
        let dofs: [Int]
        /// D_p V_p, one column per coarse vector.
        let columns: Matrix
        /// The index of its first column in Z.
        let offset: Int
    }

    let blocks: [Block]
    /// The number of columns of Z.
    let dimension: Int

    /// The blocks of subdomains 0, 1, … in order (`columns[p]` has `dofs[p].count` rows).
    init(dofs: [[Int]], columns: [Matrix]) {
        var offset = 0, blocks = [Block]()
        for (d, c) in zip(dofs, columns) {
            blocks.append(Block(dofs: d, columns: c, offset: offset))
            offset += c.columns
        }
        self.blocks = blocks
        dimension = offset
    }

    /// Zᵀ x.
    func restrict(_ x: UnsafeBufferPointer<Double>) -> [Double] {
        var c = [Double](repeating: 0, count: dimension)
        for block in blocks where block.columns.columns > 0 {
            let local = block.columns.applyTransposed(block.dofs.map { x[$0] })
            for (k, value) in local.enumerated() { c[block.offset + k] = value }
        }
        return c
    }

    /// y += Z w.
    func prolongAdd(_ w: [Double], into y: UnsafeMutableBufferPointer<Double>) {
        for block in blocks where block.columns.columns > 0 {
            let local = block.columns * Array(w[block.offset..<(block.offset + block.columns.columns)])
            for (k, i) in block.dofs.enumerated() { y[i] += local[k] }
        }
    }

    /// E = Zᵀ A Z: each rank forms the columns of its subdomains' blocks (`owned`), A z then every
    /// block's W_qᵀ (A z), and one Allreduce of the dimension² entries completes E on every rank.
    /// Each entry is computed by one rank only, so E does not depend on the rank count.
    func galerkinMatrix(_ a: SparseMatrix, owned: Range<Int>, communicator: Communicator) throws -> Matrix {
        var e = Matrix(rows: dimension, columns: dimension)
        var z = [Double](repeating: 0, count: a.rows)
        for p in owned {
            let block = blocks[p]
            for j in 0..<block.columns.columns {
                for i in z.indices { z[i] = 0 }
                for (k, i) in block.dofs.enumerated() { z[i] = block.columns[k, j] }
                let az = a.apply(z)
                for other in blocks where other.columns.columns > 0 {
                    let local = other.columns.applyTransposed(other.dofs.map { az[$0] })
                    for (k, value) in local.enumerated() { e[other.offset + k, block.offset + j] = value }
                }
            }
        }
        try e.storage.withUnsafeMutableBufferPointer { try communicator.allreduce($0, .sum) }
        return e
    }
}
