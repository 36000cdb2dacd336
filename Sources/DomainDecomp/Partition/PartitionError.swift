/// A partition that cannot be made, naming the problem.
public enum PartitionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A part count below 1 or above the cell count.
    case partCount(parts: Int, cells: Int)
    /// Cell weights of the wrong length or not positive.
    case weights(detail: String)
    /// METIS returned an error status.
    case metis(function: String, status: Int32)
    /// Fewer parts than ranks: some rank would hold no rows.
    case fewerPartsThanRanks(parts: Int, ranks: Int)
    /// A part index outside 0..<parts.
    case partOutOfRange(part: Int, parts: Int)
    /// A negative overlap.
    case overlap(Int)
    /// A nodal field whose length is not the node count.
    case fieldLength(name: String, count: Int, nodes: Int)

    public var description: String {
        switch self {
        case let .partCount(parts, cells): return "partition: \(parts) parts for \(cells) cells (need 1 ≤ parts ≤ cells)"
        case let .weights(detail): return "partition: cell weights: \(detail)"
        case let .metis(function, status): return "partition: \(function) returned status \(status) (METIS_ERROR_INPUT = -2, MEMORY = -3, ERROR = -4)"
        case let .fewerPartsThanRanks(parts, ranks): return "partition: \(parts) parts for \(ranks) ranks (need parts ≥ ranks)"
        case let .partOutOfRange(part, parts): return "partition: part \(part) outside 0..<\(parts)"
        case let .overlap(layers): return "partition: overlap of \(layers) layers (need ≥ 0)"
        case let .fieldLength(name, count, nodes): return "partition writer: field \(name) has \(count) values for \(nodes) nodes"
        }
    }
}
