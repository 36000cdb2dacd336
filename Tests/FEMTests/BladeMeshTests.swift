import FEM
import Foundation
import XCTest

/// The blade mesh: its volume against the section's area × span, positive orientation of every
/// tetrahedron, its boundary tags and its size option.
final class BladeMeshTests: XCTestCase {
    /// The shoelace area of the discrete section: the polygon through the boundary nodes of the
    /// ξ–η grid at the root (lower surface forward, upper surface back, blunt ends straight).
    func sectionArea(_ blade: BladeGeometry, chordCells n: Int) -> Double {
        var polygon = [SIMD3<Double>]()
        for i in 0...n { polygon.append(blade.point(Double(i) / Double(n), 0, 0)) }
        for i in stride(from: n, through: 0, by: -1) { polygon.append(blade.point(Double(i) / Double(n), 1, 0)) }
        var area = 0.0
        for (a, b) in zip(polygon, polygon.dropFirst() + [polygon[0]]) { area += a.x * b.y - b.x * a.y }
        return abs(area) / 2
    }

    /// Signed volume of a tetrahedron of the mesh.
    func signedVolume(_ mesh: Mesh, _ cell: Int) -> Double {
        let n = Array(mesh.cellNodes(cell)).map { mesh.point($0) }
        let a = n[1] - n[0], b = n[2] - n[0], c = n[3] - n[0]
        return (a.x * (b.y * c.z - b.z * c.y) - a.y * (b.x * c.z - b.z * c.x) + a.z * (b.x * c.y - b.y * c.x)) / 6
    }

    func testVolumeOrientationAndTags() throws {
        for twist in [0.0, 30 * Double.pi / 180] {
            let blade = try BladeGeometry(naca: "6418", chord: 40, span: 60, twist: twist)
            let mesh = try Mesh.blade(blade, chordCells: 12, thicknessCells: 3, spanCells: 10)
            let volumes = (0..<mesh.cellCount).map { signedVolume(mesh, $0) }
            XCTAssertGreaterThan(volumes.min()!, 0)
            let volume = volumes.reduce(0, +)
            let prism = sectionArea(blade, chordCells: 12) * 60
            print("blade (twist \(twist)): volume \(volume), section area × span \(prism), relative \(abs(volume - prism) / prism)")
            // Untwisted: the tetrahedra fill the prisms exactly; twisted: each section is a rotated
            // copy of the root's, the straight-edged cells err at second order in the twist per cell.
            XCTAssertEqual(volume, prism, accuracy: (twist == 0 ? 1e-12 : 2e-3) * prism)
            // A thick NACA section: area ≈ 0.685 t c² for the full chord; the blunted one is a little less.
            XCTAssertEqual(prism / 60, 0.685 * 0.18 * 1600, accuracy: 0.06 * 0.685 * 0.18 * 1600)
            XCTAssertEqual(mesh.boundaryTagSet, [BladeGeometry.Tag.root, BladeGeometry.Tag.tip, BladeGeometry.Tag.surface])
            for f in 0..<mesh.facetCount {
                let z = (0..<3).map { mesh.point(mesh.boundaryFacets[3 * f + $0]).z }
                switch mesh.boundaryTags[f] {
                case BladeGeometry.Tag.root: XCTAssertEqual(z.max()!, 0, accuracy: 1e-12)
                case BladeGeometry.Tag.tip: XCTAssertEqual(z.min()!, 60, accuracy: 1e-12)
                default: break
                }
            }
            XCTAssertEqual(mesh.boundaryTags.filter { $0 == BladeGeometry.Tag.root }.count, 2 * 12 * 3)
        }
    }

    func testSizeOptionAndBadInput() throws {
        for target in [3000, 15000, 50000] {
            let grid = BladeGeometry.grid(forUnknowns: target, order: 2)
            let unknowns = 3 * (2 * grid.chord + 1) * (2 * grid.thickness + 1) * (2 * grid.span + 1)
            XCTAssertLessThanOrEqual(unknowns, target)
            XCTAssertGreaterThan(unknowns, target / 2)
            let mesh = try Mesh.blade(try BladeGeometry(), chordCells: grid.chord, thicknessCells: grid.thickness, spanCells: grid.span)
            XCTAssertEqual(FunctionSpace(mesh: mesh, order: 2, components: 3).dofCount, unknowns)
        }
        XCTAssertThrowsError(try BladeGeometry(naca: "64a8"))
        XCTAssertThrowsError(try BladeGeometry(naca: "6400"))
        XCTAssertThrowsError(try Mesh.blade(try BladeGeometry(), chordCells: 0, thicknessCells: 1, spanCells: 1))
    }
}
