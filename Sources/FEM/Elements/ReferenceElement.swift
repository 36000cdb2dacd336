/// Lagrange elements P1 and P2 on the reference simplex {x ≥ 0, Σx ≤ 1} of dimension 0 to 3.
///
/// Local numbering: the vertices first (vertex 0 at the origin, vertex i at the unit vector
/// eᵢ), then, for P2, one node at the midpoint of each edge in the order of `edges` — which is
/// VTK's order for quadratic triangles and tetrahedra, so P2 cells are written as they are.
/// Dimension 0 (the boundary "facets" of a 1D mesh) is a point with one basis function equal to 1.
public struct ReferenceElement: Sendable, Equatable {
    /// Dimension of the simplex (0 to 3).
    public let dimension: Int
    /// Polynomial degree (1 or 2).
    public let order: Int

    /// A P`order` element on the `dimension`-simplex.
    public init(dimension: Int, order: Int) {
        precondition((0...3).contains(dimension), "ReferenceElement: dimension \(dimension) outside 0...3")
        precondition(order == 1 || order == 2, "ReferenceElement: order \(order) is not 1 or 2")
        self.dimension = dimension
        self.order = order
    }

    /// The local vertex pairs of the edges of the `dimension`-simplex, in local edge order.
    public static func edges(dimension: Int) -> [(Int, Int)] {
        switch dimension {
        case 0: return []
        case 1: return [(0, 1)]
        case 2: return [(0, 1), (1, 2), (0, 2)]
        default: return [(0, 1), (1, 2), (0, 2), (0, 3), (1, 3), (2, 3)]
        }
    }

    /// Number of vertices (`dimension + 1`).
    public var vertexCount: Int { dimension + 1 }

    /// Number of basis functions (local dofs per component).
    public var count: Int { order == 1 ? vertexCount : vertexCount + Self.edges(dimension: dimension).count }

    /// The Lagrange nodes (reference coordinates, padded to three components).
    public var nodes: [SIMD3<Double>] {
        var vertices = [SIMD3<Double>.zero]
        for a in 0..<dimension { var e = SIMD3<Double>.zero; e[a] = 1; vertices.append(e) }
        guard order == 2 else { return vertices }
        return vertices + Self.edges(dimension: dimension).map { (vertices[$0.0] + vertices[$0.1]) / 2 }
    }

    /// Barycentric coordinates λ₀…λ_d of a reference point.
    func barycentric(_ x: SIMD3<Double>) -> SIMD4<Double> {
        var l = SIMD4<Double>.zero
        var sum = 0.0
        for a in 0..<dimension { l[a + 1] = x[a]; sum += x[a] }
        l[0] = 1 - sum
        return l
    }

    /// Gradient of λᵢ on the reference simplex.
    func barycentricGradient(_ i: Int) -> SIMD3<Double> {
        var g = SIMD3<Double>.zero
        if i == 0 { for a in 0..<dimension { g[a] = -1 } } else { g[i - 1] = 1 }
        return g
    }

    /// The basis functions at the reference point `x`.
    public func values(at x: SIMD3<Double>) -> [Double] {
        let l = barycentric(x)
        var v = (0..<vertexCount).map { order == 1 ? l[$0] : l[$0] * (2 * l[$0] - 1) }
        if order == 2 { v += Self.edges(dimension: dimension).map { 4 * l[$0.0] * l[$0.1] } }
        return v
    }

    /// The reference gradients of the basis functions at `x` (zero beyond `dimension`).
    public func gradients(at x: SIMD3<Double>) -> [SIMD3<Double>] {
        let l = barycentric(x)
        var g = (0..<vertexCount).map { order == 1 ? barycentricGradient($0) : (4 * l[$0] - 1) * barycentricGradient($0) }
        if order == 2 {
            g += Self.edges(dimension: dimension).map { (i, j) in
                4 * (l[j] * barycentricGradient(i) + l[i] * barycentricGradient(j))
            }
        }
        return g
    }
}
