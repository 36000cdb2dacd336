import XCTest
import FEM
import TestSupport

/// The structure of written `.vtu` files: counts, types, offsets, and the binary arrays decoded back.
final class VTUWriterTests: XCTestCase {
    func testAppendedAndBase64FilesHoldTheMeshAndFields() throws {
        let mesh = Mesh.rectangle(2, 2)
        var writer = VTUWriter(mesh: mesh)
        writer.addPointData("u", (0..<9).map(Double.init))
        writer.addPointData("velocity", [Double](repeating: 1, count: 27), components: 3)
        writer.addCellData("region", [Double](repeating: 7, count: 8))
        let folder = try scratchFolder()
        defer { folder.remove() }
        let url = folder.file("mesh.vtu")
        try writer.write(to: url)
        let data = try Data(contentsOf: url)
        let text = String(decoding: data.prefix(2000), as: UTF8.self)
        XCTAssertTrue(text.contains("NumberOfPoints=\"9\" NumberOfCells=\"8\""))
        XCTAssertTrue(text.contains("Name=\"velocity\" NumberOfComponents=\"3\""))
        // Appended block: 8-byte header + payload per array, in order: u, velocity, region, points,
        // connectivity, offsets, types.
        let sizes = [9 * 8, 27 * 8, 8 * 8, 27 * 8, 24 * 8, 8 * 8, 8]
        var offset = 0
        for size in sizes {
            XCTAssertTrue(text.contains("offset=\"\(offset)\""), "offset \(offset)")
            offset += 8 + size
        }
        let marker = data.range(of: Data("<AppendedData encoding=\"raw\">\n   _".utf8))!
        let body = data[marker.upperBound...]
        XCTAssertEqual(body.count, offset + "\n  </AppendedData>\n</VTKFile>\n".utf8.count)
        // The types array (last block) is all VTK_TRIANGLE (5).
        XCTAssertEqual(Array(body[body.startIndex + offset - 8 ..< body.startIndex + offset]), [UInt8](repeating: 5, count: 8))

        // Base64: the points array decodes to the mesh coordinates.
        let inline = String(decoding: writer.data(encoding: .base64), as: UTF8.self)
        XCTAssertFalse(inline.contains("AppendedData"))
        let start = inline.range(of: "Name=\"Points\" NumberOfComponents=\"3\" format=\"binary\">")!.upperBound
        let end = inline[start...].range(of: "</DataArray>")!.lowerBound
        let block = Data(base64Encoded: String(inline[start..<end]))!
        XCTAssertEqual(block.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }, 27 * 8)
        let points = block.dropFirst(8).withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        XCTAssertEqual(Array(points[3..<6]), [0.5, 0, 0])
    }

    func testQuadraticCellsUseTheP2Nodes() {
        let space = FunctionSpace(mesh: .box(1, 1, 1), order: 2)
        let writer = VTUWriter(space: space)
        XCTAssertEqual(writer.pointCount, space.nodeCount)
        let text = String(decoding: writer.data(encoding: .base64), as: UTF8.self)
        XCTAssertTrue(text.contains("NumberOfPoints=\"\(8 + 19)\" NumberOfCells=\"6\""))
    }
}
