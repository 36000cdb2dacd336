import LinearAlgebra

/// A greedy's candidates shared among the ranks of a communicator: rank r evaluates candidates
/// r, r + K, r + 2K, … (round robin, so ranks get similar shares when the cost varies along the
/// training set), and the worst is agreed on by one `Allgather` of (estimate, index) per step.
/// Every rank then extends its surrogate with the same candidate: `ReducedBasisGreedy` with this
/// split selects what the serial greedy selects, with the estimates' cost divided by K.
public struct MPICandidateSplit: CandidateSplit {
    /// The ranks that share the candidates.
    public let communicator: Communicator

    public init(_ communicator: Communicator) { self.communicator = communicator }

    public func share(of count: Int) -> [Int] {
        Array(Swift.stride(from: communicator.rank, to: count, by: communicator.size))
    }

    public func agree(index: Int, estimate: Double) throws -> (index: Int, estimate: Double) {
        let all = try communicator.allgather([estimate, Double(index)])
        return Self.worst(of: all.map { (index: Int($0[1]), estimate: $0[0]) })
    }
}
