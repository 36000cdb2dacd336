/// Why a `FieldView` cannot be drawn: each case names the vertex, triangle or value at fault.
public enum FieldViewError: Error, Equatable, CustomStringConvertible {
    /// No vertex or no triangle.
    case emptyMesh(vertices: Int, triangles: Int)
    /// The coordinate array is not a list of (x, y) pairs.
    case coordinateCount(Int)
    /// The triangle array is not a list of vertex triples.
    case triangleListLength(Int)
    /// A triangle refers to a vertex that does not exist.
    case triangleIndexOutOfRange(triangle: Int, index: Int, vertexCount: Int)
    /// A coordinate is NaN or infinite.
    case nonFiniteCoordinate(vertex: Int)
    /// The values are neither one per vertex nor one per triangle as declared.
    case valueCount(expected: Int, got: Int, location: String)
    /// A value is NaN or infinite.
    case nonFiniteValue(index: Int, location: String)
    /// An explicit colour range that is empty, reversed or not finite (or not positive on a log scale).
    case invalidRange(lower: Double, upper: Double)
    /// The mesh's bounding box has zero width or height.
    case degenerateMesh

    /// A sentence naming the problem.
    public var description: String {
        switch self {
        case let .emptyMesh(vertices, triangles):
            return "field view: empty mesh (\(vertices) vertices, \(triangles) triangles)"
        case .coordinateCount(let n):
            return "field view: \(n) coordinates are not (x, y) pairs (2D meshes only; draw a 3D field from its .vtu)"
        case .triangleListLength(let n):
            return "field view: \(n) triangle indices are not a multiple of 3"
        case let .triangleIndexOutOfRange(triangle, index, vertexCount):
            return "field view: triangle \(triangle) refers to vertex \(index), out of range 0..<\(vertexCount)"
        case .nonFiniteCoordinate(let vertex):
            return "field view: coordinate of vertex \(vertex) is not finite"
        case let .valueCount(expected, got, location):
            return "field view: \(got) values for \(expected) \(location)"
        case let .nonFiniteValue(index, location):
            return "field view: value at \(location) \(index) is not finite (NaN or infinite)"
        case let .invalidRange(lower, upper):
            return "field view: colour range [\(lower), \(upper)] is empty, reversed, not finite or not positive on a log scale"
        case .degenerateMesh:
            return "field view: the mesh's bounding box has zero width or height"
        }
    }
}
