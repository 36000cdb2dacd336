import Foundation

/// Reads Gmsh `.msh` files, versions 2.2 and 4.1, ASCII and binary (little-endian, 8-byte
/// `size_t`), into a `Mesh`.
///
/// The cells are the elements of the highest dimension present (segments, triangles or
/// tetrahedra; second-order elements contribute their vertices); the elements one dimension
/// lower become boundary facets. Tags are the physical groups (the first one of an element or
/// entity; 0 when it has none). Nodes no cell uses are dropped and the others renumbered in the
/// order of their ids; clockwise cells are reoriented.
///
/// Hostile input is refused with a `GmshError` naming the file, the line or byte offset and the
/// problem, never a trap: every declared count is checked against the bytes left before anything
/// is allocated; ASCII data lines are read line by line and must hold exactly their fields; a
/// node id defined twice, a NaN or infinite coordinate, and a 1D or 2D mesh whose dropped
/// coordinates (y, z or z) vary are errors (docs/reliability.md lists every check).
public enum GmshReader {
    /// Reads the file at `url`; its errors name the file (`GmshError.inFile`).
    public static func read(_ url: URL) throws -> Mesh {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GmshError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try parse([UInt8](data), file: url.path)
    }

    /// Parses the bytes of a `.msh` file; given `file` (the name to report), its errors are
    /// wrapped in `GmshError.inFile(file, …)`.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Mesh {
        do { return try parse(bytes) } catch let error as GmshError {
            throw GmshError.inFile(file, error)
        }
    }

    /// Parses the bytes of a `.msh` file (errors name the line or byte, not a file).
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
    /// Where each node's id was read (parallel to `coordinates`).
    var nodePlaces: [GmshPlace] = []
    /// (entity dimension, entity tag) → first physical tag (4.1).
    var physical: [SIMD2<Int>: Int] = [:]
    var elements: [(dimension: Int, tag: Int, nodes: [Int], id: Int, place: GmshPlace)] = []
    var sawNodes = false, sawElements = false

    /// (dimension, vertex count, node count) of the supported element types.
    static let types: [Int: (dimension: Int, vertices: Int, nodes: Int)] = [
        15: (0, 1, 1), 1: (1, 2, 2), 2: (2, 3, 3), 4: (3, 4, 4), 8: (1, 2, 3), 9: (2, 3, 6), 11: (3, 4, 10),
    ]

    // MARK: ASCII fields

    /// The fields of the next ASCII data line, which must number `count` (or at least `minimum`).
    static func dataLine(_ c: inout GmshCursor, _ layout: String, count: Int? = nil, minimum: Int = 0) throws -> (fields: [String], line: Int) {
        let (fields, line) = c.lineFields()
        if let first = fields.first, first.hasPrefix("$") {
            throw GmshError.expected("\(layout) (the section declares more)", found: first, line: line)
        }
        if let count, fields.count != count { throw GmshError.fieldCount(layout: layout, expected: count, found: fields.count, line: line) }
        guard fields.count >= minimum else { throw GmshError.fieldCount(layout: layout, expected: minimum, found: fields.count, line: line) }
        return (fields, line)
    }

    static func integer(_ field: String, _ what: String, line: Int) throws -> Int {
        guard let value = Int(field) else { throw GmshError.expected(what + " (an integer)", found: field, line: line) }
        return value
    }

    static func number(_ field: String, _ what: String, line: Int) throws -> Double {
        guard let value = Double(field) else { throw GmshError.expected(what + " (a number)", found: field, line: line) }
        return value
    }

    static func point(_ f: [String], from k: Int, line: Int) throws -> SIMD3<Double> {
        SIMD3(try number(f[k], "x", line: line), try number(f[k + 1], "y", line: line), try number(f[k + 2], "z", line: line))
    }

    // MARK: Sections

    mutating func readEntities(_ c: inout GmshCursor) throws {
        let names = ["point", "curve", "surface", "volume"]
        let counts = try c.onOneLine("the entity counts: points curves surfaces volumes") { c in
            try (0..<4).map { d in
                try c.count("the number of \(names[d]) entities", bytesEach: c.binary ? (d == 0 ? 36 : 68) : (d == 0 ? 10 : 18))
            }
        }
        for (dimension, count) in counts.enumerated() {
            for _ in 0..<count {
                try c.onOneLine("a \(names[dimension]) entity: tag, bounding box, physical tags\(dimension > 0 ? ", bounding entities" : "")") { c in
                    try readEntity(&c, dimension: dimension, names: names)
                }
            }
        }
    }

    /// One entity of `$Entities`: its first physical tag is kept.
    mutating func readEntity(_ c: inout GmshCursor, dimension: Int, names: [String]) throws {
        let tag = try c.int32("an entity tag")
        for _ in 0..<(dimension == 0 ? 3 : 6) { _ = try c.float64("an entity bounding coordinate") }
        let physicalCount = try c.count("the number of physical tags of \(names[dimension]) \(tag)", bytesEach: c.binary ? 4 : 2)
        var tags = [Int]()
        for _ in 0..<physicalCount { tags.append(try c.int32("a physical tag")) }
        if let first = tags.first { physical[SIMD2(dimension, tag)] = first }
        if dimension > 0 {
            let bounding = try c.count("the number of bounding entities of \(names[dimension]) \(tag)", bytesEach: c.binary ? 4 : 2)
            for _ in 0..<bounding { _ = try c.int32("a bounding entity tag") }
        }
    }

    /// Records node `id` read at `at` (its coordinates at `coordinatesAt`): defined once, finite.
    mutating func addNode(_ id: Int, _ p: SIMD3<Double>, at: GmshPlace, coordinatesAt: GmshPlace? = nil) throws {
        if let previous = nodeIndex[id] { throw GmshError.duplicateNode(id, first: nodePlaces[previous], second: at) }
        guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { throw GmshError.nonFiniteCoordinate(node: id, at: coordinatesAt ?? at) }
        nodeIndex[id] = coordinates.count
        coordinates.append(p)
        nodePlaces.append(at)
    }

    mutating func readNodes22(_ c: inout GmshCursor) throws {
        sawNodes = true
        let binary = c.binary
        c.binary = false
        // A node is at least "i x y z" (4 fields of 2 bytes) in ASCII, an Int32 and 3 doubles in binary.
        let count = try c.onOneLine("the number of nodes") { c in try c.count("the number of nodes", bytesEach: binary ? 28 : 8) }
        guard binary else {
            for _ in 0..<count {
                let (f, line) = try Self.dataLine(&c, "a node: id x y z", count: 4)
                try addNode(try Self.integer(f[0], "a node id", line: line), try Self.point(f, from: 1, line: line), at: .line(line))
            }
            return
        }
        c.skipLine()
        c.binary = true
        for _ in 0..<count {
            let at = c.place
            let id = try c.int32("a node id")
            try addNode(id, SIMD3(try c.float64("x"), try c.float64("y"), try c.float64("z")), at: at)
        }
    }

    mutating func readNodes41(_ c: inout GmshCursor) throws {
        sawNodes = true
        // A block header is 4 fields (ASCII) or 3 Int32 and a size_t (binary).
        let header = c.place
        let (blocks, declared, minimumTag, maximumTag) = try c.onOneLine("blocks, nodes, minimum and maximum node tags") { c in
            let blocks = try c.count("the number of node blocks", bytesEach: c.binary ? 20 : 8)
            return (blocks, try c.size("the number of nodes"), try c.size("the minimum node tag"), try c.size("the maximum node tag"))
        }
        var tags = GmshDeclaredTotals()
        for _ in 0..<blocks {
            let count = try c.onOneLine("a node block: entity dimension, entity tag, parametric flag, nodes") { c in
                _ = try c.int32("the entity dimension"); _ = try c.int32("the entity tag")
                let at = c.place
                let parametric = try c.int32("the parametric flag")
                guard parametric == 0 else {
                    if case .byte(let offset) = at { throw GmshError.expectedBinary("parametric flag 0, found \(parametric)", offset: offset) }
                    throw GmshError.expected("parametric flag 0", found: "\(parametric)", line: c.line)
                }
                // A node is a tag line and an "x y z" line (8 bytes at least), or a size_t and 3 doubles.
                return try c.count("the number of nodes in the block", bytesEach: c.binary ? 32 : 8)
            }
            if c.binary {
                var ids = [(id: Int, at: GmshPlace)]()
                ids.reserveCapacity(count)
                for _ in 0..<count { let at = c.place; ids.append((try c.size("a node tag"), at)); tags.add(ids[ids.count - 1].id) }
                for (id, at) in ids {
                    let coordinatesAt = c.place
                    try addNode(id, SIMD3(try c.float64("x"), try c.float64("y"), try c.float64("z")), at: at, coordinatesAt: coordinatesAt)
                }
            } else {
                var ids = [(id: Int, line: Int)]()
                ids.reserveCapacity(count)
                for _ in 0..<count {
                    let (f, line) = try Self.dataLine(&c, "a node tag", count: 1)
                    ids.append((try Self.integer(f[0], "a node tag", line: line), line))
                    tags.add(ids[ids.count - 1].id)
                }
                for (id, idLine) in ids {
                    let (f, line) = try Self.dataLine(&c, "the coordinates of node \(id): x y z", count: 3)
                    try addNode(id, try Self.point(f, from: 0, line: line), at: .line(idLine), coordinatesAt: .line(line))
                }
            }
        }
        try tags.check("nodes", declared: declared, minimum: minimumTag, maximum: maximumTag, at: header)
    }

    mutating func readElements22(_ c: inout GmshCursor) throws {
        sawElements = true
        let binary = c.binary
        c.binary = false
        // An element is at least "i t 0 n" (4 fields of 2 bytes) in ASCII, 2 Int32 in binary.
        let count = try c.onOneLine("the number of elements") { c in try c.count("the number of elements", bytesEach: 8) }
        guard binary else {
            for _ in 0..<count {
                let layout = "an element: id type tag-count tags… nodes…"
                let (f, line) = try Self.dataLine(&c, layout, minimum: 3)
                let id = try Self.integer(f[0], "an element id", line: line), type = try Self.integer(f[1], "an element type", line: line)
                guard let shape = Self.types[type] else { throw GmshError.unsupportedElementType(type, line: line) }
                let tagCount = try Self.integer(f[2], "the number of tags", line: line)
                guard tagCount >= 0 else { throw GmshError.negativeCount(what: "the number of tags of element \(id)", count: tagCount, at: .line(line)) }
                guard tagCount <= f.count, f.count == 3 + tagCount + shape.nodes else {
                    throw GmshError.fieldCount(layout: "element \(id) of type \(type): id, type, tag count, \(tagCount) tags, \(shape.nodes) nodes",
                                               expected: tagCount <= f.count ? 3 + tagCount + shape.nodes : tagCount, found: f.count, line: line)
                }
                let tags = try f[3..<3 + tagCount].map { try Self.integer($0, "an element tag", line: line) }
                let nodes = try f[(3 + tagCount)...].map { try Self.integer($0, "a node id", line: line) }
                elements.append((shape.dimension, tags.first ?? 0, Array(nodes.prefix(shape.vertices)), id, .line(line)))
            }
            return
        }
        c.skipLine()
        c.binary = true
        var read = 0
        while read < count {
            let header = c.position
            let type = try c.int32("an element type"), following = try c.int32("an element count"), tagCount = try c.int32("a tag count")
            guard let shape = Self.types[type] else { throw GmshError.expectedBinary("a supported element type, found \(type)", offset: header) }
            try c.check(tagCount, "the tag count of an element block", bytesEach: 4, at: .byte(header + 8))
            try c.check(following, "the element count of a block", bytesEach: 4 * (1 + tagCount + shape.nodes), at: .byte(header + 4))
            guard following <= count - read else {
                throw GmshError.expectedBinary("a block of at most \(count - read) elements (what $Elements declares), found \(following)", offset: header + 4)
            }
            for _ in 0..<following {
                let at = c.place
                let id = try c.int32("an element id")
                var tag = 0
                for k in 0..<tagCount { let t = try c.int32("an element tag"); if k == 0 { tag = t } }
                var nodes = [Int]()
                for _ in 0..<shape.nodes { nodes.append(try c.int32("a node id")) }
                elements.append((shape.dimension, tag, Array(nodes.prefix(shape.vertices)), id, at))
            }
            read += following
        }
    }

    mutating func readElements41(_ c: inout GmshCursor) throws {
        sawElements = true
        // A block header is 4 fields (ASCII) or 3 Int32 and a size_t (binary).
        let header = c.place
        let (blocks, declared, minimumTag, maximumTag) = try c.onOneLine("blocks, elements, minimum and maximum element tags") { c in
            let blocks = try c.count("the number of element blocks", bytesEach: c.binary ? 20 : 8)
            return (blocks, try c.size("the number of elements"), try c.size("the minimum element tag"), try c.size("the maximum element tag"))
        }
        var tags = GmshDeclaredTotals()
        for _ in 0..<blocks {
            let (dimension, entity, type, shape, count) = try c.onOneLine("an element block: entity dimension, entity tag, type, elements") { c in
                let dimension = try c.int32("the entity dimension"), entity = try c.int32("the entity tag")
                let typeAt = c.position
                let type = try c.int32("an element type")
                guard let shape = Self.types[type] else {
                    if c.binary { throw GmshError.expectedBinary("a supported element type, found \(type)", offset: typeAt) }
                    throw GmshError.unsupportedElementType(type, line: c.line)
                }
                // An element is its tag and its nodes: a field of 2 bytes each (ASCII) or a size_t each.
                let count = try c.count("the number of elements in the block", bytesEach: (c.binary ? 8 : 2) * (1 + shape.nodes))
                return (dimension, entity, type, shape, count)
            }
            let tag = physical[SIMD2(dimension, entity)] ?? 0
            for _ in 0..<count {
                if c.binary {
                    let at = c.place
                    let id = try c.size("an element tag")
                    tags.add(id)
                    var nodes = [Int]()
                    for _ in 0..<shape.nodes { nodes.append(try c.size("a node tag")) }
                    elements.append((shape.dimension, tag, Array(nodes.prefix(shape.vertices)), id, at))
                } else {
                    let (f, line) = try Self.dataLine(&c, "an element of type \(type): tag and \(shape.nodes) nodes", count: 1 + shape.nodes)
                    let id = try Self.integer(f[0], "an element tag", line: line)
                    tags.add(id)
                    let nodes = try f.dropFirst().map { try Self.integer($0, "a node tag", line: line) }
                    elements.append((shape.dimension, tag, Array(nodes.prefix(shape.vertices)), id, .line(line)))
                }
            }
        }
        try tags.check("elements", declared: declared, minimum: minimumTag, maximum: maximumTag, at: header)
    }

    // MARK: Assembly

    /// The error for an element referring to a node `$Nodes` does not define.
    static func unknownNode(_ node: Int, element: Int, at place: GmshPlace) -> GmshError {
        switch place {
        case .line(let line): return .unknownNode(node, element: element, line: line)
        case .byte(let offset): return .expectedBinary("a node defined in $Nodes (element \(element) refers to undefined node \(node))", offset: offset)
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
                guard let index = nodeIndex[node] else { throw Self.unknownNode(node, element: element.id, at: element.place) }
                used[index] = 0
            }
        }
        let order = nodeIndex.filter { used[$0.value] != nil }.sorted { $0.key < $1.key }
        for (new, entry) in order.enumerated() { used[entry.value] = new }
        try checkPlanar(order, dimension: d)
        var x = [Double](), cells = [Int](), regions = [Int](), facets = [Int](), tags = [Int]()
        var cellElements = [Int]()   // cell → index in `elements`
        for entry in order { for a in 0..<d { x.append(coordinates[entry.value][a]) } }
        for (e, element) in elements.enumerated() {
            if element.dimension == d {
                cells += element.nodes.map { used[nodeIndex[$0]!]! }
                regions.append(element.tag)
                cellElements.append(e)
            } else if element.dimension == d - 1 {
                var facet = [Int]()
                for node in element.nodes {
                    guard let index = nodeIndex[node] else { throw Self.unknownNode(node, element: element.id, at: element.place) }
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
            switch error {
            case .degenerateCell(let cell, _), .invertedCell(let cell, _):
                let element = elements[cellElements[cell]]
                throw GmshError.invalidElement(error, element: element.id, at: element.place)
            default:
                throw GmshError.invalidMesh(error)
            }
        }
    }

    /// Throws unless the coordinates a `dimension`-dimensional mesh drops (z in 2D, y and z in 1D)
    /// are the same at every used node, to 1e-12 of the largest coordinate.
    func checkPlanar(_ order: [(key: Int, value: Int)], dimension d: Int) throws {
        guard d < 3, let first = order.first else { return }
        let scale = order.reduce(0.0) { max($0, { p in max(abs(p.x), abs(p.y), abs(p.z)) }(coordinates[$1.value])) }
        let reference = coordinates[first.value]
        for entry in order {
            let p = coordinates[entry.value]
            for a in d..<3 where abs(p[a] - reference[a]) > 1e-12 * scale {
                throw GmshError.notPlanar(dimension: d, node: entry.key, at: nodePlaces[entry.value], axis: a == 1 ? "y" : "z",
                                          value: p[a], reference: first.key, expected: reference[a])
            }
        }
    }
}
