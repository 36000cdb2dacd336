import LinearAlgebra

/// Parameter-parallel snapshot generation, the cheapest way to use a cluster for the offline
/// stage: training parameter i is solved on rank i mod K (each rank runs its own serial truth
/// solver), and every solution is then dealt out by rows (`MPI_Scatterv` from the rank that
/// solved it) into the distributed snapshot matrix, in the parameter order, so the matrix is the
/// same whatever the rank count.
public enum ParameterParallelSnapshots {
    /// The training indices rank `rank` of `ranks` solves.
    public static func indices(count: Int, rank: Int, ranks: Int) -> [Int] {
        Array(stride(from: rank, to: count, by: ranks))
    }

    /// Solves the `count` training parameters over the ranks (`solve(i)` returns the global
    /// solution of parameter i) and gathers them by rows. Collective. Returns the snapshots and
    /// the seconds this rank spent in `solve`.
    /// - Throws: `solve`'s errors; `DistributionError.lengthMismatch` for a solution of the wrong length.
    public static func generate(count: Int, distribution: RowDistribution, communicator: Communicator,
                                solve: (Int) throws -> [Double]) throws -> (snapshots: DistributedMatrix, solveSeconds: Double) {
        let ranks = communicator.size, me = communicator.rank
        var solved = [Int: [Double]](), seconds = 0.0
        for i in indices(count: count, rank: me, ranks: ranks) {
            let u = try Stopwatch.accumulate(into: &seconds) { try solve(i) }
            guard u.count == distribution.globalCount else {
                throw DistributionError.lengthMismatch(what: "solution of training parameter \(i)", expected: distribution.globalCount,
                                                       found: u.count, rank: me)
            }
            solved[i] = u
        }
        let rowsOfRanks = try communicator.allgather(distribution.localRows)
        var snapshots = DistributedMatrix(communicator: communicator, distribution: distribution)
        for i in 0..<count {
            let owner = i % ranks
            var chunks = [[Double]]()
            if owner == me, let u = solved[i] {
                chunks = u.withUnsafeBufferPointer { values in rowsOfRanks.map { rows in rows.map { values[$0] } } }
            }
            try snapshots.append(localColumn: try communicator.scatter(chunks, root: owner))
            solved[i] = nil
        }
        return (snapshots, seconds)
    }
}
