import LinearAlgebra

/// A matrix whose rows are split over the ranks of a communicator (the libROM way): each rank
/// holds the rows of its `RowDistribution` (owned, then ghost copies) of every column. Snapshots
/// stream in one at a time (`append`), so they need never sit on one rank together.
public struct DistributedMatrix: Sendable {
    /// The ranks the rows are split over.
    public let communicator: Communicator
    /// Which rows this rank holds.
    public let distribution: RowDistribution
    /// This rank's rows, `distribution.localCount` × columns.
    public private(set) var local: Matrix

    /// An empty matrix (no columns yet).
    public init(communicator: Communicator, distribution: RowDistribution) {
        self.communicator = communicator
        self.distribution = distribution
        local = Matrix(rows: distribution.localCount, columns: 0)
    }

    /// A matrix from this rank's rows.
    /// - Throws: `DistributionError.lengthMismatch` when `local` has the wrong row count.
    public init(communicator: Communicator, distribution: RowDistribution, local: Matrix) throws {
        guard local.rows == distribution.localCount else {
            throw DistributionError.lengthMismatch(what: "local block", expected: distribution.localCount, found: local.rows, rank: communicator.rank)
        }
        self.communicator = communicator
        self.distribution = distribution
        self.local = local
    }

    /// The number of columns.
    public var columns: Int { local.columns }

    /// The owned rows only, `ownedCount` × columns.
    public var owned: Matrix {
        if distribution.ownedCount == distribution.localCount { return local }
        return local.rows(Array(0..<distribution.ownedCount))
    }

    /// Appends one column given by its local rows (streaming intake; not a collective).
    public mutating func append(localColumn: [Double]) throws {
        guard localColumn.count == distribution.localCount else {
            throw DistributionError.lengthMismatch(what: "snapshot (local rows)", expected: distribution.localCount,
                                                   found: localColumn.count, rank: communicator.rank)
        }
        local.appendColumn(localColumn)
    }

    /// Appends one column given whole (every rank keeps its rows; not a collective).
    public mutating func append(globalColumn: [Double]) throws {
        guard globalColumn.count == distribution.globalCount else {
            throw DistributionError.lengthMismatch(what: "snapshot (global)", expected: distribution.globalCount,
                                                   found: globalColumn.count, rank: communicator.rank)
        }
        local.appendColumn(distribution.restrict(globalColumn))
    }

    /// The whole matrix in the global numbering on `root` (nil elsewhere), from the owned rows of
    /// every rank: what 1 rank and K ranks write is the same file. Collective.
    /// - Throws: `DistributionError.notACover` when the owned rows miss or repeat a global row.
    public func gathered(root: Int = 0) throws -> Matrix? {
        let rowsPerRank = try communicator.gather(Array(distribution.ownedRows), root: root)
        let values = try communicator.gather(owned.storage, root: root)
        guard communicator.rank == root else { return nil }
        let n = distribution.globalCount, k = columns
        var result = Matrix(rows: n, columns: k)
        var covered = [Bool](repeating: false, count: n)
        for (r, rows) in rowsPerRank.enumerated() {
            let block = values[r], m = rows.count
            for (i, row) in rows.enumerated() {
                guard !covered[row] else { throw DistributionError.notACover(detail: "row \(row) owned twice (again by rank \(r))") }
                covered[row] = true
                for j in 0..<k { result[row, j] = block[i + j * m] }
            }
        }
        if let missing = covered.firstIndex(of: false) { throw DistributionError.notACover(detail: "row \(missing) owned by no rank") }
        return result
    }
}
