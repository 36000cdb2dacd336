import Foundation
import LinearAlgebra
import ROM

/// POD of a row-distributed snapshot matrix, equal to the serial `POD` of the gathered snapshots
/// (to round-off: the sums run in another order), with modes under one sign convention
/// (`ModeSigns`) so that the file of K ranks is the file of 1 rank.
///
/// - Method of snapshots (Sirovich 1987): each rank forms its part of the correlation matrix
///   C = Σ_r S_rᵀ M_r S_r, one `MPI_Allreduce` of k² values completes it, every rank solves the
///   same k×k eigenproblem and forms its rows of the modes S V Σ⁻¹, reorthonormalized by Cholesky
///   QR (each round one more Allreduce of k² values). This is the serial `POD` itself, run on the
///   local rows with a `DistributedInnerProduct`: no second copy of the algorithm.
/// - TSQR (Demmel, Grigori, Hoemmen, Langou 2012), Euclidean product: each rank factors its owned
///   rows S_r = Q_r R_r (LAPACK `dgeqp3`, the pivoting undone in R_r), rank 0 gathers the K small
///   R_r (one level of the reduction tree), takes the SVD of the stack [R_1; …; R_K] = U Σ Vᵀ and
///   returns each rank its block U_r; the rank's modes are Q_r U_r. It resolves singular values
///   below √ε σ₁, where the method of snapshots stops.
public struct DistributedPOD: Sendable {
    /// How the distributed POD is computed.
    public enum Method: String, Sendable, CaseIterable {
        /// Correlation matrix and its eigenpairs (any inner product).
        case snapshots
        /// Tall-skinny QR, then the SVD of the stacked R factors (Euclidean only).
        case tsqr
    }

    /// The kept modes, M-orthonormal, on the snapshots' rows.
    public let modes: DistributedMatrix
    /// The singular values the method resolved, decreasing.
    public let singularValues: [Double]
    /// The method used.
    public let method: Method
    /// max |ΦᵀMΦ − I| of the kept modes (computed distributed).
    public let orthogonalityError: Double

    /// The POD of `snapshots` in `innerProduct` (nil: Euclidean). Collective.
    /// - Throws: `DistributionError.unsupported` for TSQR with a weighted product; what the serial
    ///   POD throws (empty or non-finite snapshots, a bad truncation); MPI failures.
    public init(snapshots: DistributedMatrix, innerProduct: DistributedInnerProduct? = nil, truncation: POD.Truncation,
                method: Method = .snapshots) throws {
        let comm = snapshots.communicator, distribution = snapshots.distribution
        let product = innerProduct ?? .euclidean(distribution: distribution, communicator: comm)
        var local: Matrix
        switch method {
        case .snapshots:
            let pod = try POD(snapshots: snapshots.local, innerProduct: product.innerProduct, truncation: truncation, method: .snapshots)
            local = pod.modes
            singularValues = pod.singularValues
        case .tsqr:
            guard innerProduct == nil else { throw DistributionError.unsupported(detail: "TSQR needs the Euclidean product; use the method of snapshots for a weighted one") }
            (local, singularValues) = try Self.tsqr(snapshots, truncation)
        }
        try ModeSigns.normalize(&local, distribution: distribution, communicator: comm)
        let gram = product.innerProduct.gram(local)
        var deviation = 0.0
        for j in 0..<gram.columns { for i in 0..<gram.rows { deviation = Swift.max(deviation, abs(gram[i, j] - (i == j ? 1 : 0))) } }
        orthogonalityError = deviation
        modes = try DistributedMatrix(communicator: comm, distribution: distribution, local: local)
        self.method = method
    }

    /// Applies the distributed POD's sign convention to modes held whole by one process (a serial
    /// POD's), so they compare entry by entry with gathered distributed modes.
    public static func normalizeSigns(_ modes: inout Matrix) throws {
        let whole = try RowDistribution(globalCount: modes.rows, ownedRows: Array(0..<modes.rows))
        try ModeSigns.normalize(&modes, distribution: whole, communicator: .single)
    }

    /// The number of modes the serial POD's `truncation` keeps of `sigma` (the POD of diag(σ),
    /// whose singular values are σ: one rule for the serial and the distributed POD).
    static func keptCount(_ sigma: [Double], _ truncation: POD.Truncation) throws -> Int {
        guard !sigma.isEmpty else { return 0 }
        return try POD(snapshots: Matrix.diagonal(sigma), truncation: truncation, method: .svd).modes.columns
    }

    private static func tsqr(_ s: DistributedMatrix, _ truncation: POD.Truncation) throws -> (Matrix, [Double]) {
        let comm = s.communicator, k = s.columns, distribution = s.distribution
        guard k > 0 else { throw ROMError.empty(what: "snapshot matrix") }
        let a = s.owned
        if let index = a.firstNonFiniteIndex { throw ROMError.notFinite(what: "snapshot matrix (rank \(comm.rank))", index: index) }
        let qr = try PivotedQR(a)
        var r = Matrix(rows: qr.r.rows, columns: k)
        for j in 0..<k { for i in 0..<r.rows { r[i, qr.permutation[j]] = qr.r[i, j] } }
        // One level of the reduction tree: the stacked R factors on rank 0.
        let blocks = try comm.gather(r.storage, root: 0)
        let heights = try comm.allgather([r.rows]).map { $0[0] }
        var uBlocks = [[Double]](), sigma = [Double](), kept = 0, v = [Double]()
        if comm.isRoot {
            let total = heights.reduce(0, +)
            var stack = Matrix(rows: total, columns: k)
            var offset = 0
            for (rank, block) in blocks.enumerated() {
                let h = heights[rank]
                for j in 0..<k { for i in 0..<h { stack[offset + i, j] = block[i + j * h] } }
                offset += h
            }
            let svd = try ThinSVD(stack)
            sigma = svd.singularValues
            kept = try keptCount(sigma, truncation)
            offset = 0
            for h in heights {
                var block = [Double](repeating: 0, count: h * kept)
                for j in 0..<kept { for i in 0..<h { block[i + j * h] = svd.u[offset + i, j] } }
                uBlocks.append(block)
                offset += h
            }
            v = svd.vt.transposed.columns(0..<kept).storage
        }
        sigma = try comm.broadcast(sigma, root: 0)
        kept = try comm.broadcast([kept], root: 0)[0]
        let u = Matrix(rows: r.rows, columns: kept, storage: try comm.scatter(uBlocks, root: 0))
        var local = Matrix(rows: distribution.localCount, columns: kept)
        let ownedModes = qr.q * u
        for j in 0..<kept { for i in 0..<distribution.ownedCount { local[i, j] = ownedModes[i, j] } }
        v = try comm.broadcast(v, root: 0)
        if distribution.localCount > distribution.ownedCount {
            // Ghost rows: S_ghost V Σ⁻¹, the same modes on the copies.
            var vScaled = Matrix(rows: k, columns: kept, storage: v)
            for j in 0..<kept { for i in 0..<k { vScaled[i, j] /= sigma[j] } }
            let ghosts = s.local.rows(Array(distribution.ownedCount..<distribution.localCount)) * vScaled
            for j in 0..<kept { for i in 0..<ghosts.rows { local[distribution.ownedCount + i, j] = ghosts[i, j] } }
        }
        return (local, sigma)
    }
}
