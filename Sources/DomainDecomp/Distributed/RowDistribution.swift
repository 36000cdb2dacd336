/// Which rows of a global vector this rank holds: the rows it owns (each global row has exactly
/// one owner) and ghost rows it holds a copy of (owned by another rank; the interface nodes of its
/// subdomain). Local row i is global row `localRows[i]`: owned rows first, ascending, then ghosts.
///
/// Inner products count owned rows once (`DistributedInnerProduct`); files are written in the
/// global numbering, from the owned rows, so they do not depend on how rows were split.
public struct RowDistribution: Sendable, Equatable {
    /// The length of a global vector.
    public let globalCount: Int
    /// The global row of each local row: owned rows (ascending), then ghost rows (ascending).
    public let localRows: [Int]
    /// How many of `localRows` are owned.
    public let ownedCount: Int

    /// A distribution from the owned and ghost global rows of this rank.
    /// - Throws: `DistributionError` for rows out of range, repeated, or owned and ghost at once.
    public init(globalCount: Int, ownedRows: [Int], ghostRows: [Int] = []) throws {
        let owned = ownedRows.sorted(), ghosts = ghostRows.sorted()
        var seen = Set<Int>()
        for row in owned + ghosts {
            guard (0..<globalCount).contains(row) else { throw DistributionError.rowOutOfRange(row: row, count: globalCount) }
            guard seen.insert(row).inserted else { throw DistributionError.repeatedRow(row) }
        }
        self.globalCount = globalCount
        localRows = owned + ghosts
        ownedCount = owned.count
    }

    /// The number of local rows (owned and ghost).
    public var localCount: Int { localRows.count }
    /// The owned global rows, ascending.
    public var ownedRows: ArraySlice<Int> { localRows[0..<ownedCount] }

    /// The parts rank `rank` of `ranks` holds when `parts` parts are dealt in contiguous blocks
    /// (parts and ranks are independent: 16 parts on 2 ranks are 0..<8 and 8..<16).
    public static func parts(ofRank rank: Int, ranks: Int, parts: Int) -> Range<Int> {
        (rank * parts / ranks)..<((rank + 1) * parts / ranks)
    }

    /// The rows of the mesh nodes rank `rank` of `ranks` holds: it owns the nodes its parts own
    /// and holds as ghosts the other nodes of its parts' cells.
    /// - Throws: `PartitionError.fewerPartsThanRanks` when some rank would hold nothing.
    public init(partition: MeshPartition, rank: Int, ranks: Int) throws {
        guard partition.partCount >= ranks else { throw PartitionError.fewerPartsThanRanks(parts: partition.partCount, ranks: ranks) }
        let mine = Self.parts(ofRank: rank, ranks: ranks, parts: partition.partCount)
        let nodes = partition.nodes(of: try partition.cells(ofParts: mine))
        let owned = nodes.filter { mine.contains(partition.nodeOwners[$0]) }
        let ghosts = nodes.filter { !mine.contains(partition.nodeOwners[$0]) }
        try self.init(globalCount: partition.nodeOwners.count, ownedRows: owned, ghostRows: ghosts)
    }

    /// Contiguous blocks of rows without ghosts (data that is not on a mesh).
    public static func blocks(globalCount: Int, rank: Int, ranks: Int) throws -> RowDistribution {
        let range = (rank * globalCount / ranks)..<((rank + 1) * globalCount / ranks)
        return try RowDistribution(globalCount: globalCount, ownedRows: Array(range))
    }

    /// The local rows of a global vector.
    public func restrict(_ global: [Double]) -> [Double] { localRows.map { global[$0] } }
}

/// A row distribution that does not fit its data.
public enum DistributionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A global row outside 0..<count.
    case rowOutOfRange(row: Int, count: Int)
    /// A row listed twice.
    case repeatedRow(Int)
    /// A vector or matrix whose length is not the distribution's.
    case lengthMismatch(what: String, expected: Int, found: Int, rank: Int)
    /// The owned rows of all ranks do not cover every global row exactly once.
    case notACover(detail: String)
    /// A method that needs the Euclidean product was given another one.
    case unsupported(detail: String)

    public var description: String {
        switch self {
        case let .rowOutOfRange(row, count): return "row distribution: row \(row) outside 0..<\(count)"
        case let .repeatedRow(row): return "row distribution: row \(row) listed twice"
        case let .lengthMismatch(what, expected, found, rank): return "rank \(rank): \(what): expected \(expected) rows, got \(found)"
        case let .notACover(detail): return "row distribution: the owned rows are not a cover of the global rows: \(detail)"
        case let .unsupported(detail): return "distributed POD: \(detail)"
        }
    }
}
