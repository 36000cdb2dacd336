import Foundation

/// Reads Gmsh `.msh` files, versions 2.2 and 4.1, ASCII and binary (little-endian, 8-byte
/// `size_t`), into a `Mesh`.
///
/// The cells are the elements of the highest dimension present (segments, triangles or
/// tetrahedra; second-order elements contribute their vertices); the elements one dimension
/// lower become boundary facets. Tags are the physical groups (the first one of an element or
/// entity; 0 when it has none). Nodes no cell uses are dropped and the others renumbered in the
/// order of their ids; clockwise cells are reoriented.
public enum GmshReader {
    /// Reads the file at `url`.
    public static func read(_ url: URL) throws -> Mesh {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GmshError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try parse([UInt8](data))
    }

    /// Parses the bytes of a `.msh` file.
    public static func parse(_ bytes: [UInt8]) throws -> Mesh {
        var cursor = GmshCursor(bytes)
        try cursor.expect("$MeshFormat")
        let version = cursor.token()
        guard version == "2.2" || version == "4.1" else { throw GmshError.unsupportedVersion(version, line: cursor.line) }
        let fileType = try cursor.int("file type (0 ASCII, 1 binary)")
        let dataSize = try cursor.int("data size")
        guard fileType == 0 || fileType == 1 else { throw GmshError.expected("file type 0 or 1", found: "\(fileType)", line: cursor.line) }
        guard fileType == 0 || dataSize == 8 else { throw GmshError.expected("data size 8", found: "\(dataSize)", line: cursor.line) }
        cursor.skipLine()
        if fileType == 1 {
            cursor.binary = true
            guard try cursor.int32("the endianness marker 1") == 1 else {
                throw GmshError.expectedBinary("the endianness marker 1 (little-endian)", offset: cursor.position - 4)
            }
            cursor.binary = false
        }
        try cursor.expect("$EndMeshFormat")

        var content = GmshContent()
        while !cursor.atEnd {
            let section = cursor.token()
            guard section.hasPrefix("$") else { throw GmshError.expected("a section name ($…)", found: section, line: cursor.line) }
            let name = String(section.dropFirst())
            cursor.skipLine()
            cursor.binary = fileType == 1
            switch (name, version) {
            case ("Entities", "4.1"): try content.readEntities(&cursor)
            case ("Nodes", "2.2"): try content.readNodes22(&cursor)
            case ("Nodes", _): try content.readNodes41(&cursor)
            case ("Elements", "2.2"): try content.readElements22(&cursor)
            case ("Elements", _): try content.readElements41(&cursor)
            default:
                try cursor.skip(past: "$End" + name)
                cursor.binary = false
                continue
            }
            cursor.binary = false
            try cursor.expect("$End" + name)
        }
        return try content.mesh()
    }
}

/// The nodes and elements read so far, and their assembly into a `Mesh`.
struct GmshContent {
    /// Gmsh node id → index in `coordinates`.
    var nodeIndex: [Int: Int] = [:]
    var coordinates: [SIMD3<Double>] = []
    /// (entity dimension, entity tag) → first physical tag (4.1).
    var physical: [SIMD2<Int>: Int] = [:]
    var elements: [(dimension: Int, tag: Int, nodes: [Int], id: Int, line: Int)] = []
    var sawNodes = false, sawElements = false

    /// (dimension, vertex count, node count) of the supported element types.
    static let types: [Int: (dimension: Int, vertices: Int, nodes: Int)] = [
        15: (0, 1, 1), 1: (1, 2, 2), 2: (2, 3, 3), 4: (3, 4, 4), 8: (1, 2, 3), 9: (2, 3, 6), 11: (3, 4, 10),
    ]

    mutating func readEntities(_ c: inout GmshCursor) throws {
        let counts = try (0..<4).map { _ in try c.size("an entity count") }
        for (dimension, count) in counts.enumerated() {
            for _ in 0..<count {
                let tag = try c.int32("an entity tag")
                for _ in 0..<(dimension == 0 ? 3 : 6) { _ = try c.float64("an entity bounding coordinate") }
                let physicalCount = try c.size("a physical tag count")
                var tags = [Int]()
                for _ in 0..<physicalCount { tags.append(try c.int32("a physical tag")) }
                if let first = tags.first { physical[SIMD2(dimension, tag)] = first }
                if dimension > 0 {
                    let bounding = try c.size("a bounding entity count")
                    for _ in 0..<bounding { _ = try c.int32("a bounding entity tag") }
                }
            }
        }
    }

    mutating func addNode(_ id: Int, _ p: SIMD3<Double>) {
        nodeIndex[id] = coordinates.count
        coordinates.append(p)
    }

    mutating func readNodes22(_ c: inout GmshCursor) throws {
        sawNodes = true
        let binary = c.binary
        c.binary = false
        let count = try c.int("the number of nodes")
        if binary { c.skipLine() }
        c.binary = binary
        for _ in 0..<count {
            let id = try c.int32("a node id")
            addNode(id, SIMD3(try c.float64("x"), try c.float64("y"), try c.float64("z")))
        }
    }

    mutating func readNodes41(_ c: inout GmshCursor) throws {
        sawNodes = true
        let blocks = try c.size("the number of node blocks")
        _ = try c.size("the number of nodes"); _ = try c.size("the minimum node tag"); _ = try c.size("the maximum node tag")
        for _ in 0..<blocks {
            _ = try c.int32("the entity dimension"); _ = try c.int32("the entity tag")
            let parametric = try c.int32("the parametric flag")
            guard parametric == 0 else { throw GmshError.expected("parametric flag 0", found: "\(parametric)", line: c.line) }
            let count = try c.size("the number of nodes in the block")
            let ids = try (0..<count).map { _ in try c.size("a node tag") }
            for id in ids { addNode(id, SIMD3(try c.float64("x"), try c.float64("y"), try c.float64("z"))) }
        }
    }

    mutating func readElements22(_ c: inout GmshCursor) throws {
        sawElements = true
        let binary = c.binary
        c.binary = false
        let count = try c.int("the number of elements")
        c.binary = binary
        if binary {
            c.skipLine()
            var read = 0
            while read < count {
                let type = try c.int32("an element type"), following = try c.int32("an element count"), tagCount = try c.int32("a tag count")
                guard let shape = Self.types[type] else { throw GmshError.unsupportedElementType(type, line: c.line) }
                for _ in 0..<following {
                    let id = try c.int32("an element id")
                    let tags = try (0..<tagCount).map { _ in try c.int32("an element tag") }
                    let nodes = try (0..<shape.nodes).map { _ in try c.int32("a node id") }
                    elements.append((shape.dimension, tags.first ?? 0, Array(nodes.prefix(shape.vertices)), id, c.line))
                }
                read += following
            }
            return
        }
        for _ in 0..<count {
            let id = try c.int("an element id"), type = try c.int("an element type")
            guard let shape = Self.types[type] else { throw GmshError.unsupportedElementType(type, line: c.line) }
            let tagCount = try c.int("the number of tags")
            let tags = try (0..<tagCount).map { _ in try c.int("an element tag") }
            let nodes = try (0..<shape.nodes).map { _ in try c.int("a node id") }
            elements.append((shape.dimension, tags.first ?? 0, Array(nodes.prefix(shape.vertices)), id, c.line))
        }
    }

    mutating func readElements41(_ c: inout GmshCursor) throws {
        sawElements = true
        let blocks = try c.size("the number of element blocks")
        _ = try c.size("the number of elements"); _ = try c.size("the minimum element tag"); _ = try c.size("the maximum element tag")
        for _ in 0..<blocks {
            let dimension = try c.int32("the entity dimension"), entity = try c.int32("the entity tag")
            let type = try c.int32("an element type")
            guard let shape = Self.types[type] else { throw GmshError.unsupportedElementType(type, line: c.line) }
            let count = try c.size("the number of elements in the block")
            let tag = physical[SIMD2(dimension, entity)] ?? 0
            for _ in 0..<count {
                let id = try c.size("an element tag")
                let nodes = try (0..<shape.nodes).map { _ in try c.size("a node tag") }
                elements.append((shape.dimension, tag, Array(nodes.prefix(shape.vertices)), id, c.line))
            }
        }
    }

    /// The mesh of the highest-dimensional elements, with the next lower ones as boundary facets.
    func mesh() throws -> Mesh {
        guard sawNodes else { throw GmshError.missingSection("$Nodes") }
        guard sawElements else { throw GmshError.missingSection("$Elements") }
        guard let d = elements.map(\.dimension).max(), d >= 1 else { throw GmshError.invalidMesh(.empty) }
        var used = [Int: Int]()   // file-order index of a used node → new id (assigned in id order below)
        for element in elements where element.dimension == d {
            for node in element.nodes {
                guard let index = nodeIndex[node] else { throw GmshError.unknownNode(node, element: element.id, line: element.line) }
                used[index] = 0
            }
        }
        let order = nodeIndex.filter { used[$0.value] != nil }.sorted { $0.key < $1.key }
        for (new, entry) in order.enumerated() { used[entry.value] = new }
        var x = [Double](), cells = [Int](), regions = [Int](), facets = [Int](), tags = [Int]()
        for entry in order { for a in 0..<d { x.append(coordinates[entry.value][a]) } }
        for element in elements {
            if element.dimension == d {
                cells += element.nodes.map { used[nodeIndex[$0]!]! }
                regions.append(element.tag)
            } else if element.dimension == d - 1 {
                var facet = [Int]()
                for node in element.nodes {
                    guard let index = nodeIndex[node] else { throw GmshError.unknownNode(node, element: element.id, line: element.line) }
                    guard let new = used[index] else { break }
                    facet.append(new)
                }
                if facet.count == d { facets += facet; tags.append(element.tag) }
            }
        }
        do {
            return try Mesh(dimension: d, coordinates: x, cells: cells, regions: regions, boundaryFacets: facets,
                            boundaryTags: tags, orientation: .reorient)
        } catch let error as MeshError {
            throw GmshError.invalidMesh(error)
        }
    }
}
