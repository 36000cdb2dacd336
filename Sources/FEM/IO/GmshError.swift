/// What is wrong with a Gmsh `.msh` file: each case names the line (ASCII) or byte offset
/// (binary) where reading stopped and what was expected there.
public enum GmshError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// At `line`, `expected` was expected but `found` was read.
    case expected(String, found: String, line: Int)
    /// At byte `offset` of a binary section, `expected` was expected (the file ended or held garbage).
    case expectedBinary(String, offset: Int)
    /// The `$MeshFormat` version is neither 2.2 nor 4.1.
    case unsupportedVersion(String, line: Int)
    /// An element type this reader does not know (only simplices and points are supported).
    case unsupportedElementType(Int, line: Int)
    /// An element refers to a node id that `$Nodes` does not define.
    case unknownNode(Int, element: Int, line: Int)
    /// A required section is missing.
    case missingSection(String)
    /// The mesh assembled from the file is invalid.
    case invalidMesh(MeshError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "gmsh: cannot read \(path): \(reason)"
        case .expected(let what, let found, let line): return "gmsh: line \(line): expected \(what), found '\(found)'"
        case .expectedBinary(let what, let offset): return "gmsh: byte \(offset): expected \(what)"
        case .unsupportedVersion(let v, let line): return "gmsh: line \(line): version \(v) is not supported (2.2 or 4.1)"
        case .unsupportedElementType(let t, let line): return "gmsh: line \(line): element type \(t) is not a supported simplex"
        case .unknownNode(let node, let element, let line): return "gmsh: line \(line): element \(element) refers to undefined node \(node)"
        case .missingSection(let name): return "gmsh: missing section \(name)"
        case .invalidMesh(let error): return "gmsh: \(error)"
        }
    }
}
