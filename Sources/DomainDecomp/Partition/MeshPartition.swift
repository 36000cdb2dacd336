import CMetis
import FEM

/// A partition of a mesh's cells into parts by METIS (k-way on the dual graph: cells are
/// vertices, cells sharing a facet are joined), with optional cell weights.
///
/// Parts are independent of ranks: 16 parts may live on 2 ranks (`RowDistribution` assigns them).
/// Each node is owned by the lowest part among the cells around it, so every node has exactly one
/// owner; the interface nodes of a part are the nodes of its cells that cells of other parts share.
/// METIS runs with a fixed seed, so every rank that partitions the same mesh gets the same parts.
public struct MeshPartition: Sendable {
    /// METIS's default load-imbalance tolerance for k-way partitions (ufactor 30: 1.03).
    public static let metisTolerance = 1.03

    /// The number of parts.
    public let partCount: Int
    /// The part of each cell.
    public let cellParts: [Int]
    /// The owning part of each node (the lowest part among the cells that hold it).
    public let nodeOwners: [Int]
    /// The edge cut of the dual graph: cell pairs sharing a facet that lie in different parts.
    public let edgeCut: Int
    /// The largest part weight over the mean part weight (1 is perfect balance).
    public let imbalance: Double
    /// The cells around each node (CSR: `nodeCellOffsets[i]..<nodeCellOffsets[i+1]` in `nodeCells`).
    let nodeCellOffsets: [Int]
    let nodeCells: [Int]
    /// The mesh's cell connectivity (shared storage) and nodes per cell.
    let connectivity: [Int]
    let nodesPerCell: Int

    /// Partitions the cells of `mesh` into `parts` parts (`METIS_PartMeshDual`; weights: one
    /// positive integer per cell, the work of each cell, or nil for equal work).
    /// - Throws: `PartitionError` for a bad part count or weights, and METIS failures.
    public init(mesh: Mesh, parts: Int, weights: [Int]? = nil, seed: Int = 0) throws {
        let cellCount = mesh.cellCount
        guard parts >= 1 && parts <= cellCount else { throw PartitionError.partCount(parts: parts, cells: cellCount) }
        if let weights {
            guard weights.count == cellCount else { throw PartitionError.weights(detail: "\(weights.count) weights for \(cellCount) cells") }
            if let bad = weights.firstIndex(where: { $0 < 1 }) { throw PartitionError.weights(detail: "weight \(weights[bad]) of cell \(bad) is not positive") }
        }
        var epart = [idx_t](repeating: 0, count: cellCount)
        var objval: idx_t = 0
        if parts > 1 {
            var ne = idx_t(cellCount), nn = idx_t(mesh.nodeCount)
            let k = mesh.nodesPerCell
            var eptr = (0...cellCount).map { idx_t($0 * k) }
            var eind = mesh.cells.map { idx_t($0) }
            var vwgt = weights?.map { idx_t($0) } ?? []
            var ncommon = idx_t(mesh.dimension), nparts = idx_t(parts)
            var npart = [idx_t](repeating: 0, count: mesh.nodeCount)
            var options = [idx_t](repeating: 0, count: Int(METIS_NOPTIONS))
            METIS_SetDefaultOptions(&options)
            options[Int(METIS_OPTION_SEED.rawValue)] = idx_t(seed)
            options[Int(METIS_OPTION_NUMBERING.rawValue)] = 0
            let status = vwgt.withUnsafeMutableBufferPointer { w in
                METIS_PartMeshDual(&ne, &nn, &eptr, &eind, weights == nil ? nil : w.baseAddress, nil, &ncommon, &nparts,
                                   nil, &options, &objval, &epart, &npart)
            }
            guard status == Int32(METIS_OK.rawValue) else { throw PartitionError.metis(function: "METIS_PartMeshDual", status: status) }
        }
        partCount = parts
        cellParts = epart.map(Int.init)
        edgeCut = Int(objval)

        var load = [Int](repeating: 0, count: parts)
        for c in 0..<cellCount { load[cellParts[c]] += weights?[c] ?? 1 }
        let mean = Double(load.reduce(0, +)) / Double(parts)
        imbalance = Double(load.max() ?? 0) / mean

        // Node → cells adjacency, and the owner of each node.
        var offsets = [Int](repeating: 0, count: mesh.nodeCount + 1)
        for node in mesh.cells { offsets[node + 1] += 1 }
        for i in 0..<mesh.nodeCount { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var adjacency = [Int](repeating: 0, count: mesh.cells.count)
        let k = mesh.nodesPerCell
        for c in 0..<cellCount {
            for node in mesh.cells[(k * c)..<(k * c + k)] {
                adjacency[fill[node]] = c
                fill[node] += 1
            }
        }
        nodeCellOffsets = offsets
        connectivity = mesh.cells
        nodesPerCell = k
        nodeCells = adjacency
        var owners = [Int](repeating: Int.max, count: mesh.nodeCount)
        for c in 0..<cellCount {
            for node in mesh.cells[(k * c)..<(k * c + k)] { owners[node] = Swift.min(owners[node], cellParts[c]) }
        }
        nodeOwners = owners.map { $0 == Int.max ? 0 : $0 }
    }

    /// The cells of `part`, ascending.
    public func cells(ofPart part: Int) -> [Int] {
        cellParts.indices.filter { cellParts[$0] == part }
    }

    /// The number of cells in each part.
    public var partSizes: [Int] {
        var sizes = [Int](repeating: 0, count: partCount)
        for p in cellParts { sizes[p] += 1 }
        return sizes
    }

    /// The nodes `part` owns, ascending.
    public func ownedNodes(ofPart part: Int) -> [Int] {
        nodeOwners.indices.filter { nodeOwners[$0] == part }
    }

    /// The nodes of `part`'s cells that cells of another part share, ascending.
    public func interfaceNodes(ofPart part: Int) -> [Int] {
        (0..<nodeOwners.count).filter { node in
            let around = nodeCells[nodeCellOffsets[node]..<nodeCellOffsets[node + 1]]
            return around.contains { cellParts[$0] == part } && around.contains { cellParts[$0] != part }
        }
    }

    /// The cells of the parts in `parts` grown by `overlap` layers: each layer adds every cell
    /// that shares a node with the cells so far. Ascending.
    public func cells(ofParts parts: Range<Int>, overlap: Int = 0) throws -> [Int] {
        guard overlap >= 0 else { throw PartitionError.overlap(overlap) }
        var inside = cellParts.map { parts.contains($0) }
        for _ in 0..<overlap {
            let touched = nodes(of: inside.indices.filter { inside[$0] })
            for node in touched {
                for c in nodeCells[nodeCellOffsets[node]..<nodeCellOffsets[node + 1]] { inside[c] = true }
            }
        }
        return inside.indices.filter { inside[$0] }
    }

    /// The nodes of `cells`, ascending.
    public func nodes(of cells: [Int]) -> [Int] {
        var seen = [Bool](repeating: false, count: nodeOwners.count)
        let k = nodesPerCell
        for c in cells { for node in connectivity[(k * c)..<(k * c + k)] { seen[node] = true } }
        return seen.indices.filter { seen[$0] }
    }
}
