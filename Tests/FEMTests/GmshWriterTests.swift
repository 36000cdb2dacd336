import FEM
import Foundation
import XCTest

/// `GmshWriter`: a mesh written and read back by `GmshReader` is the same mesh to the bit, and a
/// P2 space on it numbers its dofs the same way (what stage (ii) of the turbine blade relies on).
final class GmshWriterTests: XCTestCase {
    func testBladeMeshRoundTripsToTheBit() throws {
        let blade = try BladeGeometry(naca: "6418", chord: 40, span: 60, twist: 20 * Double.pi / 180)
        let mesh = try Mesh.blade(blade, chordCells: 6, thicknessCells: 2, spanCells: 4)
        let back = try GmshReader.parse(Array(GmshWriter.text(mesh).utf8))
        XCTAssertEqual(back, mesh)
        let a = FunctionSpace(mesh: mesh, order: 2, components: 3), b = FunctionSpace(mesh: back, order: 2, components: 3)
        XCTAssertEqual(a.dofCount, b.dofCount)
        XCTAssertEqual(a.allCellDofs, b.allCellDofs)
    }

    func testTwoDimensionalMeshWithRegionsAndSides() throws {
        // Two triangles of the unit square, regions 4 and 7, the four sides tagged 1…4.
        let mesh = try Mesh(dimension: 2, coordinates: [0, 0, 1, 0, 1, 1, 0, 1], cells: [0, 1, 2, 0, 2, 3], regions: [4, 7],
                            boundaryFacets: [0, 1, 1, 2, 2, 3, 3, 0], boundaryTags: [1, 2, 3, 4])
        let text = GmshWriter.text(mesh)
        XCTAssertTrue(text.hasPrefix("$MeshFormat\n2.2 0 8\n"))
        XCTAssertTrue(text.contains("\n5 2 2 4 4 1 2 3\n"), text)
        XCTAssertEqual(try GmshReader.parse(Array(text.utf8)), mesh)
    }
}
