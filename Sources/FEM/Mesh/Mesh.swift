import Foundation

/// A conforming simplex mesh in 1, 2 or 3 dimensions: segments, triangles or tetrahedra.
///
/// Arrays are flat and row-major: node `i` has coordinates `coordinates[d*i ..< d*i + d]`, cell `c`
/// has nodes `cells[(d+1)*c ..< (d+1)*c + d + 1]`, boundary facet `f` has nodes
/// `boundaryFacets[d*f ..< d*f + d]` (a point in 1D, a segment in 2D, a triangle in 3D). Every cell
/// carries a region tag (a material, a thermal block) and every boundary facet a tag (a side, a
/// Gmsh physical group). `init` validates: finite coordinates, node ids in range, cells with
/// positive measure (counter-clockwise triangles, positively oriented tetrahedra).
public struct Mesh: Sendable, Equatable {
    /// What `init` does with a cell of negative orientation.
    public enum Orientation: Sendable {
        /// Throw `MeshError.invertedCell`.
        case validate
        /// Swap its last two nodes (readers of files whose cells may be clockwise).
        case reorient
    }

    /// Spatial dimension (1, 2 or 3) and dimension of the cells.
    public let dimension: Int
    /// Node coordinates, `dimension` per node.
    public let coordinates: [Double]
    /// Cell connectivity, `dimension + 1` node ids per cell.
    public let cells: [Int]
    /// Region tag of each cell.
    public var regions: [Int]
    /// Boundary facet connectivity, `dimension` node ids per facet.
    public let boundaryFacets: [Int]
    /// Tag of each boundary facet.
    public let boundaryTags: [Int]

    /// Builds and validates a mesh.
    /// - Throws: `MeshError` naming the node, cell or facet at fault.
    public init(dimension: Int, coordinates: [Double], cells: [Int], regions: [Int]? = nil,
                boundaryFacets: [Int] = [], boundaryTags: [Int]? = nil, orientation: Orientation = .validate) throws {
        guard (1...3).contains(dimension) else { throw MeshError.unsupportedDimension(dimension) }
        guard coordinates.count % dimension == 0 else {
            throw MeshError.coordinateCount(count: coordinates.count, dimension: dimension)
        }
        let k = dimension + 1
        guard cells.count % k == 0 else { throw MeshError.connectivityCount(count: cells.count, nodesPerCell: k) }
        guard !cells.isEmpty else { throw MeshError.empty }
        let nodeCount = coordinates.count / dimension
        if let bad = coordinates.firstIndex(where: { !$0.isFinite }) { throw MeshError.nonFiniteCoordinate(node: bad / dimension) }
        if let bad = cells.firstIndex(where: { $0 < 0 || $0 >= nodeCount }) {
            throw MeshError.nodeOutOfRange(cell: bad / k, node: cells[bad], nodeCount: nodeCount)
        }
        guard boundaryFacets.count % dimension == 0 else {
            throw MeshError.connectivityCount(count: boundaryFacets.count, nodesPerCell: dimension)
        }
        if let bad = boundaryFacets.firstIndex(where: { $0 < 0 || $0 >= nodeCount }) {
            throw MeshError.facetNodeOutOfRange(facet: bad / dimension, node: boundaryFacets[bad], nodeCount: nodeCount)
        }
        let cellCount = cells.count / k, facetCount = boundaryFacets.count / dimension
        let regions = regions ?? [Int](repeating: 0, count: cellCount)
        let tags = boundaryTags ?? [Int](repeating: 0, count: facetCount)
        guard regions.count == cellCount else { throw MeshError.tagCount(what: "region", count: regions.count, expected: cellCount) }
        guard tags.count == facetCount else { throw MeshError.tagCount(what: "boundary", count: tags.count, expected: facetCount) }

        var cells = cells
        let scale = Self.lengthScale(coordinates, dimension)
        for c in 0..<cellCount {
            let det = Self.determinant(dimension, coordinates, cells, c)
            // A repeated node gives a zero determinant, so this also catches repeated ids.
            if abs(det) <= 1e-13 * Swift.max(pow(scale, Double(dimension)), .leastNormalMagnitude) {
                throw MeshError.degenerateCell(cell: c, measure: abs(det) / Self.factorial(dimension))
            }
            if det < 0 {
                guard orientation == .reorient else { throw MeshError.invertedCell(cell: c, determinant: det) }
                cells.swapAt(k * c + k - 2, k * c + k - 1)
            }
        }
        self.dimension = dimension
        self.coordinates = coordinates
        self.cells = cells
        self.regions = regions
        self.boundaryFacets = boundaryFacets
        self.boundaryTags = tags
    }

    /// Number of nodes.
    public var nodeCount: Int { coordinates.count / dimension }
    /// Number of cells.
    public var cellCount: Int { cells.count / (dimension + 1) }
    /// Number of boundary facets.
    public var facetCount: Int { boundaryFacets.count / dimension }
    /// Nodes per cell (`dimension + 1`).
    public var nodesPerCell: Int { dimension + 1 }

    /// Coordinates of `node`, padded with zeros to three components.
    public func point(_ node: Int) -> SIMD3<Double> {
        var p = SIMD3<Double>.zero
        for a in 0..<dimension { p[a] = coordinates[dimension * node + a] }
        return p
    }

    /// The nodes of `cell`.
    public func cellNodes(_ cell: Int) -> ArraySlice<Int> {
        cells[nodesPerCell * cell ..< nodesPerCell * (cell + 1)]
    }

    /// The centroid of `cell`.
    public func centroid(_ cell: Int) -> SIMD3<Double> {
        cellNodes(cell).reduce(SIMD3<Double>.zero) { $0 + point($1) } / Double(nodesPerCell)
    }

    /// The measure (length, area, volume) of `cell`.
    public func measure(_ cell: Int) -> Double {
        abs(Self.determinant(dimension, coordinates, cells, cell)) / Self.factorial(dimension)
    }

    /// The set of distinct boundary tags.
    public var boundaryTagSet: Set<Int> { Set(boundaryTags) }

    /// The same mesh with each cell's region set to `tag(centroid)` (e.g. the B×B thermal blocks).
    public func taggingRegions(_ tag: (SIMD3<Double>) -> Int) -> Mesh {
        var copy = self
        copy.regions = (0..<cellCount).map { tag(centroid($0)) }
        return copy
    }

    /// The same mesh with each boundary facet's tag set to `tag(midpoint, current tag)` (e.g. a
    /// lined part of a duct's wall).
    public func taggingFacets(_ tag: (SIMD3<Double>, Int) -> Int) -> Mesh {
        let d = dimension
        let tags = (0..<facetCount).map { f -> Int in
            var midpoint = SIMD3<Double>()
            for node in boundaryFacets[(f * d)..<((f + 1) * d)] { midpoint += point(node) }
            return tag(midpoint / Double(d), boundaryTags[f])
        }
        // swiftlint:disable:next force_try
        return try! Mesh(dimension: dimension, coordinates: coordinates, cells: cells, regions: regions,
                         boundaryFacets: boundaryFacets, boundaryTags: tags)
    }

    /// The same mesh with its boundary facets replaced by every exterior facet (a facet of exactly
    /// one cell), all tagged `tag`, oriented as in their cell.
    public func withExteriorFacets(tag: Int = 0) -> Mesh {
        let facets = exteriorFacets()
        // swiftlint:disable:next force_try
        return try! Mesh(dimension: dimension, coordinates: coordinates, cells: cells, regions: regions,
                         boundaryFacets: facets, boundaryTags: [Int](repeating: tag, count: facets.count / dimension))
    }

    /// The facets that belong to exactly one cell (`dimension` node ids each).
    public func exteriorFacets() -> [Int] {
        let k = nodesPerCell, d = dimension
        var count = [FacetKey: Int]()
        var first = [FacetKey: [Int]]()
        count.reserveCapacity(cellCount * k)
        for c in 0..<cellCount {
            let nodes = Array(cellNodes(c))
            for omit in 0..<k {
                var facet = nodes
                facet.remove(at: omit)
                let key = FacetKey(facet)
                count[key, default: 0] += 1
                if first[key] == nil { first[key] = facet }
            }
        }
        var result = [Int]()
        result.reserveCapacity(d * count.count / 4)
        let keys = count.filter { $0.value == 1 }.map(\.key).sorted { ($0.a, $0.b, $0.c) < ($1.a, $1.b, $1.c) }
        for key in keys { result.append(contentsOf: first[key]!) }
        return result
    }

    static func factorial(_ d: Int) -> Double { d == 3 ? 6 : Double(d) }

    static func lengthScale(_ x: [Double], _ d: Int) -> Double {
        var scale = 0.0
        for a in 0..<d {
            var lo = Double.infinity, hi = -Double.infinity
            for i in stride(from: a, to: x.count, by: d) { lo = Swift.min(lo, x[i]); hi = Swift.max(hi, x[i]) }
            scale = Swift.max(scale, hi - lo)
        }
        return scale
    }

    /// det of the Jacobian of `cell`'s affine map (d! times the signed measure).
    static func determinant(_ d: Int, _ x: [Double], _ cells: [Int], _ cell: Int) -> Double {
        let k = d + 1
        let n0 = cells[k * cell]
        func e(_ v: Int, _ a: Int) -> Double { x[d * cells[k * cell + v] + a] - x[d * n0 + a] }
        switch d {
        case 1: return e(1, 0)
        case 2: return e(1, 0) * e(2, 1) - e(2, 0) * e(1, 1)
        default:
            return e(1, 0) * (e(2, 1) * e(3, 2) - e(3, 1) * e(2, 2))
                - e(2, 0) * (e(1, 1) * e(3, 2) - e(3, 1) * e(1, 2))
                + e(3, 0) * (e(1, 1) * e(2, 2) - e(2, 1) * e(1, 2))
        }
    }
}

/// A facet identified by its sorted node ids.
struct FacetKey: Hashable {
    let a: Int, b: Int, c: Int
    init(_ facet: [Int]) {
        let s = facet.sorted()
        a = s[0]
        b = s.count > 1 ? s[1] : -1
        c = s.count > 2 ? s[2] : -1
    }
}
