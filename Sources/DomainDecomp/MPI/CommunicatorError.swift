/// A failure of a distributed stage, naming the rank and the call.
public enum CommunicatorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An MPI call returned an error code.
    case mpi(call: String, code: Int32, rank: Int)
    /// Buffers of different lengths where one length is needed on every rank.
    case lengthMismatch(call: String, expected: Int, found: Int, rank: Int)
    /// A rank argument outside 0..<size.
    case rankOutOfRange(call: String, rank: Int, size: Int)
    /// An error a rank raised on purpose (a test of the abort path), or a user's failure.
    case failed(rank: Int, detail: String)

    public var description: String {
        switch self {
        case let .mpi(call, code, rank): return "rank \(rank): \(call) failed with MPI error code \(code)"
        case let .lengthMismatch(call, expected, found, rank):
            return "rank \(rank): \(call) expected a buffer of \(expected) values, got \(found)"
        case let .rankOutOfRange(call, rank, size): return "\(call): rank \(rank) outside 0..<\(size)"
        case let .failed(rank, detail): return "rank \(rank): \(detail)"
        }
    }
}
