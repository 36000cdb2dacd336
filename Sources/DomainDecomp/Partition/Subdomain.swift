import FEM

/// The cells of some parts, grown by L layers of overlap, as a mesh of their own with the map
/// between its local node numbers and the global ones.
public struct Subdomain: Sendable {
    /// The subdomain's mesh (local node numbers, cell regions kept).
    public let mesh: Mesh
    /// The global cell of each local cell, ascending.
    public let globalCells: [Int]
    /// The global node of each local node, ascending (local → global).
    public let globalNodes: [Int]
    /// The local number of a global node, or nil when the node is not in the subdomain.
    public func localNode(_ global: Int) -> Int? {
        var lo = 0, hi = globalNodes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if globalNodes[mid] < global { lo = mid + 1 } else { hi = mid }
        }
        return lo < globalNodes.count && globalNodes[lo] == global ? lo : nil
    }

    /// Restricts a global nodal vector to the subdomain's nodes.
    public func restrict(_ global: [Double]) -> [Double] { globalNodes.map { global[$0] } }
}

extension MeshPartition {
    /// The subdomain of the parts in `parts` of `mesh` (the mesh this partition was made from)
    /// with `overlap` layers of cells around it.
    /// - Throws: `PartitionError` for parts or overlap out of range; `MeshError` cannot occur for
    ///   cells of a valid mesh.
    public func subdomain(of mesh: Mesh, parts: Range<Int>, overlap: Int = 0) throws -> Subdomain {
        guard parts.lowerBound >= 0, parts.upperBound <= partCount, !parts.isEmpty else {
            throw PartitionError.partOutOfRange(part: parts.isEmpty ? parts.lowerBound : parts.upperBound - 1, parts: partCount)
        }
        let cells = try self.cells(ofParts: parts, overlap: overlap)
        let nodes = self.nodes(of: cells)
        var local = [Int](repeating: -1, count: mesh.nodeCount)
        for (i, node) in nodes.enumerated() { local[node] = i }
        let d = mesh.dimension, k = mesh.nodesPerCell
        var coordinates = [Double]()
        coordinates.reserveCapacity(nodes.count * d)
        for node in nodes { coordinates.append(contentsOf: mesh.coordinates[(d * node)..<(d * node + d)]) }
        var connectivity = [Int]()
        connectivity.reserveCapacity(cells.count * k)
        for c in cells { for node in mesh.cells[(k * c)..<(k * c + k)] { connectivity.append(local[node]) } }
        let subMesh = try Mesh(dimension: d, coordinates: coordinates, cells: connectivity, regions: cells.map { mesh.regions[$0] })
        return Subdomain(mesh: subMesh, globalCells: cells, globalNodes: nodes)
    }

    /// The subdomain of one part.
    public func subdomain(of mesh: Mesh, part: Int, overlap: Int = 0) throws -> Subdomain {
        try subdomain(of: mesh, parts: part..<(part + 1), overlap: overlap)
    }
}
