import Foundation
import LinearAlgebra

/// Files independent of the rank count: rank 0 gathers the owned rows into the global numbering
/// and writes one `.npy`; any number of ranks reads it back, each keeping its rows.
extension DistributedMatrix {
    /// Writes the whole matrix in the global numbering as one `.npy` (rank 0 writes; atomic).
    /// Collective.
    public func write(to url: URL) throws {
        if let whole = try gathered(root: 0) { try NPY.write(whole, to: url) }
        try communicator.barrier()
    }

    /// Reads a global `.npy` matrix and keeps the rows of `distribution` (every rank reads the file).
    /// - Throws: the NPY reader's errors; `DistributionError.lengthMismatch` for a row count that
    ///   is not the distribution's.
    public static func read(_ url: URL, distribution: RowDistribution, communicator: Communicator) throws -> DistributedMatrix {
        let whole = try NPY.read(url).matrix()
        guard whole.rows == distribution.globalCount else {
            throw DistributionError.lengthMismatch(what: url.lastPathComponent, expected: distribution.globalCount, found: whole.rows, rank: communicator.rank)
        }
        return try DistributedMatrix(communicator: communicator, distribution: distribution, local: whole.rows(distribution.localRows))
    }
}
