import XCTest
import FEM
import TestSupport

/// Malformed `.msh` files of each class of issue 11, written by the test: each must be refused
/// with a `GmshError` whose message names the file, the line or byte, and the problem.
final class GmshHostileInputTests: XCTestCase {
    typealias Writer = GmshReaderTests.Writer

    let head22 = "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n"
    let head41 = "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n"
    /// Three nodes and one triangle, after `head22` ($Nodes at line 4, $Elements at line 9).
    let triangle22 = "$Nodes\n3\n1 0 0 0\n2 1 0 0\n3 0 1 0\n$EndNodes\n$Elements\n1\n1 2 0 1 2 3\n$EndElements\n"

    /// Writes `data` to a file of a fresh folder, reads it and returns the error's message,
    /// after checking that it names the file and contains every one of `parts`.
    @discardableResult
    func refused(_ data: Data, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) throws -> GmshError? {
        let folder = try scratchFolder()
        defer { folder.remove() }
        let url = folder.file("hostile.msh")
        try data.write(to: url)
        do {
            _ = try GmshReader.read(url)
            XCTFail("the file was accepted", file: file, line: line)
            return nil
        } catch let error as GmshError {
            let message = "\(error)"
            XCTAssertEqual(error.file, url.path, file: file, line: line)
            XCTAssertTrue(message.contains(url.path), "no file in: \(message)", file: file, line: line)
            for part in parts { XCTAssertTrue(message.contains(part), "'\(part)' not in: \(message)", file: file, line: line) }
            return error.withoutFile
        }
    }

    func refused(_ text: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        try refused(Data(text.utf8), parts, file: file, line: line)
    }

    // MARK: Declared counts larger than the file

    func testCountsAreCheckedAgainstTheBytesLeftBeforeAllocating() throws {
        // 2.2 ASCII: a trillion nodes declared in a file of 100 bytes.
        try refused(head22 + "$Nodes\n1000000000000\n1 0 0 0\n$EndNodes\n",
                    ["line 5", "the number of nodes is 1000000000000", "bytes remain"])
        // 2.2 ASCII: an element count that overflows count × bytes.
        try refused(head22 + "$Nodes\n1\n1 0 0 0\n$EndNodes\n$Elements\n\(Int.max)\n1 15 0 1\n$EndElements\n",
                    ["line 9", "the number of elements is \(Int.max)"])
        // 2.2 ASCII: the tags per element.
        try refused(head22 + "$Nodes\n3\n1 0 0 0\n2 1 0 0\n3 0 1 0\n$EndNodes\n$Elements\n1\n1 2 99999999999 1 2 3\n$EndElements\n",
                    ["line 12", "99999999999 tags", "6 fields"])
        // 4.1 ASCII: the entity counts, the node blocks, the nodes of a block, the elements of a block.
        try refused(head41 + "$Entities\n0 0 500000000000 0\n$EndEntities\n", ["line 5", "the number of surface entities is 500000000000"])
        try refused(head41 + "$Nodes\n4000000000 3 1 3\n$EndNodes\n", ["line 5", "the number of node blocks is 4000000000"])
        try refused(head41 + "$Nodes\n1 3 1 3\n2 1 0 300000000000\n1\n$EndNodes\n", ["line 6", "the number of nodes in the block is 300000000000"])
        try refused(head41 + "$Nodes\n1 1 1 1\n2 1 0 1\n1\n0 0 0\n$EndNodes\n$Elements\n1 1 1 1\n2 1 2 77777777777\n1 1 1 1\n$EndElements\n",
                    ["line 12", "the number of elements in the block is 77777777777"])

        // 2.2 binary: an element block of 2³¹ − 1 elements, then one with 2³¹ − 1 tags.
        for (following, tags, what) in [(Int(Int32.max), 0, "the element count of a block"), (1, Int(Int32.max), "the tag count of an element block")] {
            var w = Writer(binary: true)
            w.text("$MeshFormat\n2.2 1 8\n"); w.append(Int32(1)); w.text("\n$EndMeshFormat\n$Nodes\n1\n")
            w.int(1); w.double(0); w.double(0); w.double(0)
            w.text("\n$EndNodes\n$Elements\n1\n")
            let offset = w.data.count
            w.int(2); w.int(following); w.int(tags); w.int(1); w.int(1); w.int(1); w.int(1)
            w.text("\n$EndElements\n")
            let at = what.contains("tag") ? offset + 8 : offset + 4
            try refused(w.data, ["byte \(at)", "\(what) is \(Int32.max)", "bytes remain"])
        }
        // 4.1 binary: 2⁴⁰ nodes in a block (the count is a size_t).
        var w = Writer(binary: true)
        w.text("$MeshFormat\n4.1 1 8\n"); w.append(Int32(1)); w.text("\n$EndMeshFormat\n$Nodes\n")
        w.size(1); w.size(1); w.size(1); w.size(1); w.int(2); w.int(1); w.int(0)
        let offset = w.data.count
        w.size(1 << 40); w.size(1); w.double(0); w.double(0); w.double(0)
        w.text("\n$EndNodes\n")
        try refused(w.data, ["byte \(offset)", "the number of nodes in the block is \(1 << 40)", "32 bytes each"])
    }

    // MARK: Negative counts

    func testNegativeCountsAreRefused() throws {
        try refused(head22 + "$Nodes\n-1\n$EndNodes\n", ["line 5", "the number of nodes is -1", "negative"])
        try refused(head22 + "$Nodes\n1\n1 0 0 0\n$EndNodes\n$Elements\n-5\n$EndElements\n", ["line 9", "the number of elements is -5", "negative"])
        try refused(head22 + "$Nodes\n1\n1 0 0 0\n$EndNodes\n$Elements\n1\n1 15 -2 1\n$EndElements\n",
                    ["line 10", "the number of tags of element 1 is -2", "negative"])
        try refused(head41 + "$Entities\n-1 0 0 0\n$EndEntities\n", ["line 5", "the number of point entities is -1", "negative"])
        try refused(head41 + "$Nodes\n-3 0 0 0\n$EndNodes\n", ["line 5", "the number of node blocks is -3", "negative"])
        try refused(head41 + "$Nodes\n1 1 1 1\n2 1 0 -7\n$EndNodes\n", ["line 6", "the number of nodes in the block is -7", "negative"])
        try refused(head41 + "$Entities\n1 0 0 0\n1 0 0 0 -4\n$EndEntities\n", ["line 6", "physical tags of point 1 is -4", "negative"])
        // 2.2 binary: a block of −1 elements.
        var w = Writer(binary: true)
        w.text("$MeshFormat\n2.2 1 8\n"); w.append(Int32(1)); w.text("\n$EndMeshFormat\n$Nodes\n1\n")
        w.int(1); w.double(0); w.double(0); w.double(0)
        w.text("\n$EndNodes\n$Elements\n1\n")
        let offset = w.data.count
        w.int(15); w.int(-1); w.int(0); w.int(1); w.int(1)
        w.text("\n$EndElements\n")
        try refused(w.data, ["byte \(offset + 4)", "the element count of a block is -1", "negative"])
    }

    // MARK: Lines short of a field

    func testAnElementLineMissingANodeIsAnErrorNamingTheLine() throws {
        // Element 1 lacks its third node: it must not take element 2's id.
        try refused(head22 + "$Nodes\n3\n1 0 0 0\n2 1 0 0\n3 0 1 0\n$EndNodes\n$Elements\n2\n1 2 0 1 2\n2 2 0 1 2 3\n$EndElements\n",
                    ["line 12", "5 fields where 6 were expected", "element 1 of type 2"])
        try refused(head22 + "$Nodes\n2\n1 0 0\n2 1 0 0\n$EndNodes\n", ["line 6", "3 fields where 4 were expected", "a node: id x y z"])
        try refused(head41 + "$Nodes\n1 3 1 3\n2 1 0 3\n1\n2\n3\n0 0 0\n1 0 0\n0 1\n$EndNodes\n",
                    ["line 12", "2 fields where 3 were expected", "coordinates of node 3"])
        try refused(head41 + "$Nodes\n1 3 1 3\n2 1 0 3\n1\n2\n3\n0 0 0\n1 0 0\n0 1 0\n$EndNodes\n$Elements\n1 1 1 1\n2 1 2 1\n1 1 2\n$EndElements\n",
                    ["line 17", "3 fields where 4 were expected", "tag and 3 nodes"])
        // Header, count and entity lines are read one line at a time too: short or long is an error.
        try refused(head41 + "$Nodes\n1 3 1 3\n2 1 0\n3\n1\n2\n3\n0 0 0\n1 0 0\n0 1 0\n$EndNodes\n",
                    ["line 6", "expected the number of nodes in the block", "short of a field", "found 'end of line'"])
        try refused(head41 + "$Nodes\n1 3 1 3 9\n$EndNodes\n", ["line 5", "5 fields where 4 were expected", "blocks, nodes"])
        try refused(head41 + "$Entities\n0 1 0 0\n1 0 0 0 1 1 0 1 7\n$EndEntities\n", ["line 6", "the number of bounding entities of curve 1", "short of a field"])
        try refused(head22 + "$Nodes\n2 7\n1 0 0 0\n$EndNodes\n", ["line 5", "2 fields where 1 were expected", "the number of nodes"])
        // A count larger than the lines that follow reaches the end of the section.
        try refused(head22 + "$Nodes\n3\n1 0 0 0\n2 1 0 0\n$EndNodes\n", ["line 8", "found '$EndNodes'", "the section declares more"])
    }

    // MARK: Node ids defined twice

    func testANodeDefinedTwiceNamesBothPlaces() throws {
        try refused(head22 + "$Nodes\n4\n1 0 0 0\n2 1 0 0\n3 0 1 0\n2 5 5 0\n$EndNodes\n$Elements\n1\n1 2 0 1 2 3\n$EndElements\n",
                    ["line 9: node 2 is defined a second time (first at line 7)"])
        try refused(head41 + "$Nodes\n2 3 1 3\n2 1 0 2\n1\n2\n0 0 0\n1 0 0\n2 2 0 1\n2\n1 1 0\n$EndNodes\n",
                    ["line 12: node 2 is defined a second time (first at line 8)"])
        var w = Writer(binary: true)
        w.text("$MeshFormat\n2.2 1 8\n"); w.append(Int32(1)); w.text("\n$EndMeshFormat\n$Nodes\n2\n")
        let first = w.data.count
        w.int(7); w.double(0); w.double(0); w.double(0)
        w.int(7); w.double(1); w.double(0); w.double(0)
        w.text("\n$EndNodes\n")
        try refused(w.data, ["byte \(first + 28): node 7 is defined a second time (first at byte \(first))"])
    }

    /// A Gmsh 4.1 section whose blocks disagree with its own header (total count, tag range) is
    /// refused at the header's line.
    func testGmsh41DeclaredTotalsAndTagRangesAreCrossChecked() throws {
        let block = "2 1 0 3\n1\n2\n3\n"
        try refused(head41 + "$Nodes\n1 4 1 4\n" + block + "0 0 0\n1 0 0\n0 1 0\n$EndNodes\n",
                    ["line 5: the section header declares 4 nodes, its blocks hold 3"])
        try refused(head41 + "$Nodes\n1 3 1 2\n" + block + "0 0 0\n1 0 0\n0 1 0\n$EndNodes\n",
                    ["line 5: the section header declares nodes with tags 1…2, its blocks hold tags 1…3"])
        let goodNodes = "$Nodes\n1 3 1 3\n" + block + "0 0 0\n1 0 0\n0 1 0\n$EndNodes\n"
        try refused(head41 + goodNodes + "$Elements\n1 2 1 1\n2 1 2 1\n1 1 2 3\n$EndElements\n",
                    ["line 15: the section header declares 2 elements, its blocks hold 1"])
        try refused(head41 + goodNodes + "$Elements\n1 1 1 1\n2 1 2 1\n5 1 2 3\n$EndElements\n",
                    ["line 15: the section header declares elements with tags 1…1, its blocks hold tags 5…5"])
    }

    // MARK: Meshes that are not planar

    func testA2DMeshWhoseZVariesIsRefused() throws {
        try refused(head22 + "$Nodes\n3\n1 0 0 0\n2 1 0 0\n3 0 1 0.25\n$EndNodes\n$Elements\n1\n1 2 0 1 2 3\n$EndElements\n",
                    ["line 8", "not planar", "node 3 has z = 0.25", "node 1 has z = 0.0"])
        try refused(head22 + "$Nodes\n2\n1 0 0 0\n2 1 3 0\n$EndNodes\n$Elements\n1\n1 1 0 1 2\n$EndElements\n",
                    ["line 7", "not planar", "node 2 has y = 3.0"])
        // A triangle in the plane z = 5 keeps reading (z is constant, only it is dropped).
        let folder = try scratchFolder()
        defer { folder.remove() }
        let url = folder.file("z5.msh")
        try Data((head22 + triangle22.replacingOccurrences(of: " 0\n", with: " 5\n")).utf8).write(to: url)
        let mesh = try GmshReader.read(url)
        XCTAssertEqual(mesh.dimension, 2)
        XCTAssertEqual(mesh.measure(0), 0.5, accuracy: 1e-15)
    }

    // MARK: Non-finite coordinates under their own node id

    func testANaNCoordinateIsReportedUnderItsNodeId() throws {
        try refused(head22 + "$Nodes\n4\n10 0 0 0\n20 1 nan 0\n30 0 1 0\n5 9 9 0\n$EndNodes\n$Elements\n1\n1 2 0 10 20 30\n$EndElements\n",
                    ["line 7: node 20 has a NaN or infinite coordinate"])
        try refused(head41 + "$Nodes\n1 2 1 40\n2 1 0 2\n40\n3\n0 0 0\ninf 1 0\n$EndNodes\n",
                    ["line 10: node 3 has a NaN or infinite coordinate"])
        var w = Writer(binary: true)
        w.text("$MeshFormat\n2.2 1 8\n"); w.append(Int32(1)); w.text("\n$EndMeshFormat\n$Nodes\n2\n")
        let first = w.data.count
        w.int(8); w.double(0); w.double(0); w.double(0)
        w.int(9); w.double(.nan); w.double(0); w.double(0)
        w.text("\n$EndNodes\n")
        try refused(w.data, ["byte \(first + 28): node 9 has a NaN or infinite coordinate"])
    }

    // MARK: Every error names the file

    func testErrorsOfReadAndOfNamedParsesNameTheFile() throws {
        try refused(head22 + "$Nodes\n1\n1 0 abc 0\n$EndNodes\n", ["line 6: expected y (a number), found 'abc'"])
        try refused(head22, ["missing section $Nodes"])
        try refused(head22 + triangle22.replacingOccurrences(of: "1 2 0 1 2 3", with: "1 2 0 1 2 4"), ["line 12", "undefined node 4"])
        try refused(head22 + triangle22.replacingOccurrences(of: "3 0 1 0", with: "3 2 0 0"), ["line 12: element 1", "degenerate"])
        XCTAssertThrowsError(try GmshReader.parse(Array(head22.utf8), file: "part.msh")) { error in
            XCTAssertEqual("\(error)", "gmsh: part.msh: missing section $Nodes")
            XCTAssertEqual((error as? GmshError)?.withoutFile, .missingSection("$Nodes"))
        }
    }

    // MARK: No trap on any truncation or byte change of a valid file

    func testTruncatedAndMutatedValidFilesThrowOrRead() {
        let files = [GmshReaderTests.version22(binary: false), GmshReaderTests.version22(binary: true),
                     GmshReaderTests.version41(binary: false), GmshReaderTests.version41(binary: true)]
        var refusals = 0
        for data in files {
            let bytes = [UInt8](data)
            for n in 0..<bytes.count where (try? GmshReader.parse(Array(bytes[0..<n]))) == nil { refusals += 1 }
            for k in 0..<bytes.count {
                for value: UInt8 in [0xFF, 0x80, 0x00, UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "\n")] {
                    var mutated = bytes
                    mutated[k] = value
                    _ = try? GmshReader.parse(mutated)
                }
            }
        }
        XCTAssertGreaterThan(refusals, 1000, "truncated files are refused")
    }
}
