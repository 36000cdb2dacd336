/// What is wrong with a mesh handed to `Mesh.init` (or built by a reader): each case names the
/// cell, node or facet at fault.
public enum MeshError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The spatial dimension is not 1, 2 or 3.
    case unsupportedDimension(Int)
    /// The coordinate array does not hold `dimension` numbers per node.
    case coordinateCount(count: Int, dimension: Int)
    /// A coordinate of `node` is NaN or infinite.
    case nonFiniteCoordinate(node: Int)
    /// The connectivity array does not hold `dimension + 1` node ids per cell.
    case connectivityCount(count: Int, nodesPerCell: Int)
    /// `cell` refers to `node`, which is not in `0..<nodeCount`.
    case nodeOutOfRange(cell: Int, node: Int, nodeCount: Int)
    /// `facet` refers to `node`, which is not in `0..<nodeCount`.
    case facetNodeOutOfRange(facet: Int, node: Int, nodeCount: Int)
    /// `cell` lists the same node twice, or has zero measure.
    case degenerateCell(cell: Int, measure: Double)
    /// `cell` has negative orientation (its Jacobian determinant is negative).
    case invertedCell(cell: Int, determinant: Double)
    /// The region tags or facet tags do not have one entry per cell or per facet.
    case tagCount(what: String, count: Int, expected: Int)
    /// The mesh has no cells.
    case empty

    public var description: String {
        switch self {
        case .unsupportedDimension(let d): return "mesh: dimension \(d) is not supported (1, 2 or 3)"
        case .coordinateCount(let c, let d): return "mesh: \(c) coordinates is not a multiple of the dimension \(d)"
        case .nonFiniteCoordinate(let n): return "mesh: node \(n) has a NaN or infinite coordinate"
        case .connectivityCount(let c, let k): return "mesh: \(c) connectivity entries is not a multiple of \(k) nodes per cell"
        case .nodeOutOfRange(let c, let n, let count): return "mesh: cell \(c) refers to node \(n), outside 0..<\(count)"
        case .facetNodeOutOfRange(let f, let n, let count): return "mesh: boundary facet \(f) refers to node \(n), outside 0..<\(count)"
        case .degenerateCell(let c, let m): return "mesh: cell \(c) is degenerate (measure \(m))"
        case .invertedCell(let c, let d): return "mesh: cell \(c) is inverted (Jacobian determinant \(d) < 0)"
        case .tagCount(let what, let c, let e): return "mesh: \(c) \(what) tags, expected \(e)"
        case .empty: return "mesh: no cells"
        }
    }
}
