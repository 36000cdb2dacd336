import LinearAlgebra

/// LinearAlgebra's `Reduction` over MPI: partial sums over the rows a rank holds are completed by
/// one `MPI_Allreduce` (in place). An `InnerProduct` carrying it makes the serial `POD`,
/// Gram–Schmidt and norms of ROM run on row-distributed vectors (docs/architecture.md, "Seams").
///
/// `sumOverParts` cannot throw (the seam is not throwing): a failed Allreduce ends every rank
/// with `MPI_Abort` and a message naming the rank, which is what a lost collective must do.
public struct MPIReduction: Reduction {
    /// The ranks whose rows are summed.
    public let communicator: Communicator

    /// The reduction over the ranks of `communicator`.
    public init(_ communicator: Communicator) { self.communicator = communicator }

    /// True for a communicator of one rank.
    public var isSerial: Bool { communicator.size == 1 }

    /// Sums `values` over the ranks, in place.
    public func sumOverParts(_ values: UnsafeMutableBufferPointer<Double>) {
        do { try communicator.allreduce(values, .sum) } catch { communicator.abort(message: "\(error)") }
    }
}
