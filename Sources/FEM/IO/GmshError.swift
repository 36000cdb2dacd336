/// Where in a `.msh` file something was read: a line of an ASCII part, or a byte offset of a
/// binary one.
public enum GmshPlace: Equatable, Sendable, CustomStringConvertible {
    /// Line `n` (1-based) of the file.
    case line(Int)
    /// Byte offset `n` (0-based) of the file.
    case byte(Int)

    public var description: String {
        switch self {
        case .line(let n): return "line \(n)"
        case .byte(let n): return "byte \(n)"
        }
    }
}

/// What is wrong with a Gmsh `.msh` file: each case names the line (ASCII) or byte offset
/// (binary) where reading stopped and what was expected there. Errors thrown by
/// `GmshReader.read(_:)` (and by `parse(_:file:)` given a file name) are wrapped in `inFile`, so
/// their description names the file too.
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
    /// A count declared at `at` (of `what`) is negative.
    case negativeCount(what: String, count: Int, at: GmshPlace)
    /// A count declared at `at` asks for more data than the file holds: `count` items of at
    /// least `bytesEach` bytes, where `remaining` bytes are left. Checked before anything is
    /// allocated, so a small file cannot ask for terabytes.
    case countExceedsFile(what: String, count: Int, bytesEach: Int, remaining: Int, at: GmshPlace)
    /// An ASCII data line holds `found` fields where its layout (`layout`) needs `expected`.
    case fieldCount(layout: String, expected: Int, found: Int, line: Int)
    /// Node `id` is defined twice, at `first` and at `second`.
    case duplicateNode(Int, first: GmshPlace, second: GmshPlace)
    /// Node `id` (defined at `at`) has a NaN or infinite coordinate.
    case nonFiniteCoordinate(node: Int, at: GmshPlace)
    /// A mesh of `dimension`-dimensional cells does not lie in the coordinate plane (or line) the
    /// reader keeps: node `node` (defined at `at`) has coordinate `axis` = `value`, where node
    /// `reference` has `expected`. The reader would otherwise drop that coordinate silently.
    case notPlanar(dimension: Int, node: Int, at: GmshPlace, axis: String, value: Double, reference: Int, expected: Double)
    /// A cell the mesh checks refused (degenerate or otherwise invalid): Gmsh element `element`, read at `at`.
    case invalidElement(MeshError, element: Int, at: GmshPlace)
    /// The section header at `at` declares `declared` (Gmsh 4.1's total count or tag range of its
    /// nodes or elements), where its blocks hold `found`.
    case declarationMismatch(declared: String, found: String, at: GmshPlace)
    /// `error`, in the file `file`.
    indirect case inFile(String, GmshError)

    /// The file named by the error, if any.
    public var file: String? {
        switch self {
        case .inFile(let file, _): return file
        case .unreadable(let path, _): return path
        default: return nil
        }
    }

    /// The error without its file (`self` for an error with none).
    public var withoutFile: GmshError {
        if case .inFile(_, let error) = self { return error.withoutFile }
        return self
    }

    /// The message without the `gmsh:` prefix.
    private var detail: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .expected(let what, let found, let line): return "line \(line): expected \(what), found '\(found)'"
        case .expectedBinary(let what, let offset): return "byte \(offset): expected \(what)"
        case .unsupportedVersion(let v, let line): return "line \(line): version \(v) is not supported (2.2 or 4.1)"
        case .unsupportedElementType(let t, let line): return "line \(line): element type \(t) is not a supported simplex"
        case .unknownNode(let node, let element, let line): return "line \(line): element \(element) refers to undefined node \(node)"
        case .missingSection(let name): return "missing section \(name)"
        case .invalidMesh(let error): return "\(error)"
        case .negativeCount(let what, let count, let at): return "\(at): \(what) is \(count), a negative count"
        case .countExceedsFile(let what, let count, let each, let remaining, let at):
            return "\(at): \(what) is \(count), which needs at least \(each) bytes each, but only \(remaining) bytes remain in the file"
        case .fieldCount(let layout, let expected, let found, let line):
            return "line \(line): \(found) fields where \(expected) were expected (\(layout))"
        case .duplicateNode(let id, let first, let second): return "\(second): node \(id) is defined a second time (first at \(first))"
        case .nonFiniteCoordinate(let node, let at): return "\(at): node \(node) has a NaN or infinite coordinate"
        case .notPlanar(let d, let node, let at, let axis, let value, let reference, let expected):
            let shape = d == 2 ? "a plane z = constant" : "a line y = constant, z = constant"
            return "\(at): the mesh of \(d)D cells is not planar: node \(node) has \(axis) = \(value) where node \(reference) has \(axis) = \(expected) "
                + "(a \(d)D mesh must lie in \(shape); its \(axis) would be dropped)"
        case .invalidElement(let error, let element, let at): return "\(at): element \(element): \(error)"
        case .declarationMismatch(let declared, let found, let at):
            return "\(at): the section header declares \(declared), its blocks hold \(found)"
        case .inFile(let file, let error): return "\(file): \(error.detail)"
        }
    }

    public var description: String { "gmsh: " + detail }
}
