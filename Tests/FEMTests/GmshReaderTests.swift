import XCTest
import FEM
import TestSupport

/// Gmsh files written by the test, in both versions and both encodings, and malformed ones.
final class GmshReaderTests: XCTestCase {
    /// Writes the tokens of a `.msh` body as ASCII (space-separated lines) or binary.
    struct Writer {
        let binary: Bool
        var data = Data()
        mutating func text(_ s: String) { data.append(Data(s.utf8)) }
        mutating func int(_ v: Int) { binary ? append(Int32(v)) : text("\(v) ") }
        mutating func size(_ v: Int) { binary ? append(UInt64(v)) : text("\(v) ") }
        mutating func double(_ v: Double) { binary ? append(v.bitPattern) : text("\(v) ") }
        mutating func newline() { if !binary { text("\n") } }
        mutating func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    }

    /// The unit square as two triangles (the second clockwise), four tagged sides and an unused node 5.
    static let nodes: [(Int, Double, Double)] = [(1, 0, 0), (2, 1, 0), (3, 1, 1), (4, 0, 1), (5, 5, 5)]
    static let lines = [[1, 2], [2, 3], [3, 4], [4, 1]]
    static let triangles = [[1, 2, 3], [1, 4, 3]]

    static func version22(binary: Bool) -> Data {
        var w = Writer(binary: binary)
        w.text("$MeshFormat\n2.2 \(binary ? 1 : 0) 8\n")
        if binary { w.append(Int32(1)); w.text("\n") }
        w.text("$EndMeshFormat\n$Nodes\n\(nodes.count)\n")
        for (id, x, y) in nodes { w.int(id); w.double(x); w.double(y); w.double(0); w.newline() }
        w.text(binary ? "\n$EndNodes\n$Elements\n6\n" : "$EndNodes\n$Elements\n6\n")
        if binary { w.int(1); w.int(4); w.int(2) }
        for (k, line) in lines.enumerated() {
            w.int(k + 1); if !binary { w.int(1); w.int(2) }
            w.int(k + 1); w.int(k + 1); for n in line { w.int(n) }; w.newline()
        }
        if binary { w.int(2); w.int(2); w.int(2) }
        for (k, tri) in triangles.enumerated() {
            w.int(k + 5); if !binary { w.int(2); w.int(2) }
            w.int(10); w.int(1); for n in tri { w.int(n) }; w.newline()
        }
        w.text(binary ? "\n$EndElements\n" : "$EndElements\n")
        return w.data
    }

    static func version41(binary: Bool) -> Data {
        var w = Writer(binary: binary)
        w.text("$MeshFormat\n4.1 \(binary ? 1 : 0) 8\n")
        if binary { w.append(Int32(1)); w.text("\n") }
        w.text("$EndMeshFormat\n$PhysicalNames\n1\n2 10 \"plate\"\n$EndPhysicalNames\n$Entities\n")
        w.size(0); w.size(4); w.size(1); w.size(0); w.newline()
        for k in 1...4 {
            w.int(k); for v in [0.0, 0, 0, 1, 1, 0] { w.double(v) }
            w.size(1); w.int(k); w.size(0); w.newline()
        }
        w.int(1); for v in [0.0, 0, 0, 1, 1, 0] { w.double(v) }
        w.size(1); w.int(10); w.size(0); w.newline()
        w.text(binary ? "\n$EndEntities\n$Nodes\n" : "$EndEntities\n$Nodes\n")
        w.size(1); w.size(5); w.size(1); w.size(5); w.newline()
        w.int(2); w.int(1); w.int(0); w.size(5); w.newline()
        for (id, _, _) in nodes { w.size(id); w.newline() }
        for (_, x, y) in nodes { w.double(x); w.double(y); w.double(0); w.newline() }
        w.text(binary ? "\n$EndNodes\n$Elements\n" : "$EndNodes\n$Elements\n")
        w.size(5); w.size(6); w.size(1); w.size(6); w.newline()
        for (k, line) in lines.enumerated() {
            w.int(1); w.int(k + 1); w.int(1); w.size(1); w.newline()
            w.size(k + 1); for n in line { w.size(n) }; w.newline()
        }
        w.int(2); w.int(1); w.int(2); w.size(2); w.newline()
        for (k, tri) in triangles.enumerated() { w.size(k + 5); for n in tri { w.size(n) }; w.newline() }
        w.text(binary ? "\n$EndElements\n" : "$EndElements\n")
        return w.data
    }

    func testAllFourVariantsGiveTheSameMesh() throws {
        let scratch = try scratchFolder()
        defer { scratch.remove() }
        let folder = scratch.url
        for (name, data) in [("v22a", Self.version22(binary: false)), ("v22b", Self.version22(binary: true)),
                             ("v41a", Self.version41(binary: false)), ("v41b", Self.version41(binary: true))] {
            let url = folder.appendingPathComponent("\(name).msh")
            try data.write(to: url)
            let mesh = try GmshReader.read(url)
            XCTAssertEqual(mesh.dimension, 2, name)
            XCTAssertEqual(mesh.nodeCount, 4, "\(name): the unused node is dropped")
            XCTAssertEqual(mesh.cellCount, 2, name)
            XCTAssertEqual(mesh.regions, [10, 10], name)
            XCTAssertEqual(mesh.boundaryTags, [1, 2, 3, 4], name)
            XCTAssertEqual(mesh.boundaryFacets, [0, 1, 1, 2, 2, 3, 3, 0], name)
            XCTAssertEqual(mesh.cells, [0, 1, 2, 0, 2, 3], "\(name): the clockwise triangle is reoriented")
            XCTAssertEqual((0..<2).map(mesh.measure).reduce(0, +), 1, accuracy: 1e-15, name)
        }
    }

    func testMalformedFilesAreErrorsWithLineNumbers() {
        func parse(_ text: String) -> GmshError? {
            do { _ = try GmshReader.parse(Array(text.utf8)); return nil } catch { return error as? GmshError }
        }
        let head = "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n"
        XCTAssertEqual(parse(head + "$Nodes\n2\n1 0 0 0\n2 0 abc 0\n$EndNodes\n"),
                       .expected("y (a number)", found: "abc", line: 7))
        XCTAssertEqual(parse(head + "$Nodes\n1\n1 0 0 0\n$EndNodes\n$Elements\n1\n1 2 0 1 2 3\n$EndElements\n"),
                       .unknownNode(2, element: 1, line: 10))
        XCTAssertEqual(parse(head + "$Nodes\n1\n1 0 0 0\n$EndNodes\n$Elements\n1\n1 5 0 1 1 1 1 1 1 1 1\n$EndElements\n"),
                       .unsupportedElementType(5, line: 10))
        XCTAssertEqual(parse("$MeshFormat\n3.0 0 8\n$EndMeshFormat\n"), .unsupportedVersion("3.0", line: 2))
        XCTAssertEqual(parse(head + "$Nodes\n1\n1 0 0 0\n$EndNode\n"), .expected("$EndNodes", found: "$EndNode", line: 7))
        XCTAssertEqual(parse(head), .missingSection("$Nodes"))
        let truncated = Self.version41(binary: true).prefix(300)
        if case .expectedBinary(_, let offset)? = parse(String(decoding: truncated, as: UTF8.self)) ?? nil {
            XCTAssertGreaterThan(offset, 100)
        } else if let error = try? GmshReader.parse(Array(truncated)) {
            XCTFail("a truncated binary file parsed: \(error)")
        }
        XCTAssertTrue("\(GmshError.expected("x", found: "y", line: 3))".contains("line 3"))
    }
}
