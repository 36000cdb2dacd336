/// A continuous Lagrange space P1 or P2 on a mesh, scalar or vector-valued (`components` copies).
///
/// Scalar nodes are the mesh vertices (ids `0..<mesh.nodeCount`) followed, for P2, by one node per
/// edge (ids `mesh.nodeCount + e`), shared by every cell around the edge. Degrees of freedom are
/// interleaved: dof = `components * node + component`. The local dofs of a cell follow the
/// reference element's node order, component fastest.
public struct FunctionSpace: Sendable {
    /// The mesh.
    public let mesh: Mesh
    /// The reference element (P1 or P2 on the mesh's simplex).
    public let element: ReferenceElement
    /// Number of components (1 for scalar fields, `mesh.dimension` for displacements).
    public let components: Int
    /// Scalar nodes of each cell, `element.count` per cell (vertices, then edges).
    public let cellNodes: [Int]
    /// Vertex pairs of the edges (P2 only; two ids per edge).
    public let edges: [Int]
    /// Edge id of each vertex pair (key `min * nodeCount + max`).
    let edgeIndex: [Int: Int]

    /// A P`order` space with `components` components on `mesh`.
    public init(mesh: Mesh, order: Int = 1, components: Int = 1) {
        precondition(components >= 1, "FunctionSpace: components = \(components)")
        self.mesh = mesh
        self.components = components
        element = ReferenceElement(dimension: mesh.dimension, order: order)
        guard order == 2 else {
            cellNodes = mesh.cells
            edges = []
            edgeIndex = [:]
            return
        }
        let k = mesh.nodesPerCell, n = mesh.nodeCount
        let localEdges = ReferenceElement.edges(dimension: mesh.dimension)
        var index = [Int: Int](minimumCapacity: mesh.cellCount * localEdges.count / 2)
        var edges = [Int](), nodes = [Int]()
        nodes.reserveCapacity(mesh.cellCount * element.count)
        for c in 0..<mesh.cellCount {
            let v = mesh.cells[k * c ..< k * c + k]
            nodes.append(contentsOf: v)
            for (i, j) in localEdges {
                let a = v[v.startIndex + i], b = v[v.startIndex + j]
                let key = Swift.min(a, b) * n + Swift.max(a, b)
                if let e = index[key] {
                    nodes.append(n + e)
                } else {
                    index[key] = edges.count / 2
                    nodes.append(n + edges.count / 2)
                    edges += [Swift.min(a, b), Swift.max(a, b)]
                }
            }
        }
        cellNodes = nodes
        self.edges = edges
        edgeIndex = index
    }

    /// Number of scalar nodes (vertices, plus edges for P2).
    public var nodeCount: Int { mesh.nodeCount + edges.count / 2 }
    /// Number of degrees of freedom.
    public var dofCount: Int { nodeCount * components }
    /// Local dofs per cell.
    public var localDofCount: Int { element.count * components }

    /// The position of scalar node `node` (a vertex, or the midpoint of an edge).
    public func nodePosition(_ node: Int) -> SIMD3<Double> {
        if node < mesh.nodeCount { return mesh.point(node) }
        let e = node - mesh.nodeCount
        return (mesh.point(edges[2 * e]) + mesh.point(edges[2 * e + 1])) / 2
    }

    /// The dofs of `cell`, in local order (node-major, component fastest).
    public func cellDofs(_ cell: Int) -> [Int] {
        let m = element.count
        var dofs = [Int]()
        dofs.reserveCapacity(m * components)
        for a in 0..<m { for c in 0..<components { dofs.append(components * cellNodes[m * cell + a] + c) } }
        return dofs
    }

    /// The dofs of every cell, flat (`localDofCount` per cell).
    public var allCellDofs: [Int] {
        guard components > 1 else { return cellNodes }
        var dofs = [Int]()
        dofs.reserveCapacity(cellNodes.count * components)
        for node in cellNodes { for c in 0..<components { dofs.append(components * node + c) } }
        return dofs
    }

    /// The scalar nodes of boundary facet `facet`: its vertices, then (P2) its edges in the facet
    /// simplex's local edge order.
    public func facetNodes(_ facet: Int) -> [Int] {
        let d = mesh.dimension
        let v = Array(mesh.boundaryFacets[d * facet ..< d * facet + d])
        guard element.order == 2 else { return v }
        let n = mesh.nodeCount
        return v + ReferenceElement.edges(dimension: d - 1).map { (i, j) in
            let key = Swift.min(v[i], v[j]) * n + Swift.max(v[i], v[j])
            guard let e = edgeIndex[key] else { preconditionFailure("FunctionSpace: boundary facet \(facet) is not a facet of any cell") }
            return n + e
        }
    }

    /// The dofs on the boundary facets whose tag is in `tags` (every facet when nil), restricted
    /// to `components` (all when nil); sorted and distinct.
    public func boundaryDofs(tags: Set<Int>? = nil, components selected: [Int]? = nil) -> [Int] {
        var marked = [Bool](repeating: false, count: dofCount)
        let comps = selected ?? Array(0..<components)
        for f in 0..<mesh.facetCount where tags?.contains(mesh.boundaryTags[f]) ?? true {
            for node in facetNodes(f) { for c in comps { marked[components * node + c] = true } }
        }
        return marked.indices.filter { marked[$0] }
    }

    /// The nodal interpolant of a scalar function (component `component` of the dof vector set,
    /// the others zero).
    public func interpolate(_ f: (SIMD3<Double>) -> Double) -> [Double] {
        var u = [Double](repeating: 0, count: dofCount)
        for node in 0..<nodeCount { u[components * node] = f(nodePosition(node)) }
        return u
    }

    /// The nodal interpolant of a vector function (its first `components` entries).
    public func interpolate(vector f: (SIMD3<Double>) -> SIMD3<Double>) -> [Double] {
        var u = [Double](repeating: 0, count: dofCount)
        for node in 0..<nodeCount {
            let value = f(nodePosition(node))
            for c in 0..<components { u[components * node + c] = value[c] }
        }
        return u
    }
}
