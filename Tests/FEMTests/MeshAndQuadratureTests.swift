import XCTest
import FEM

/// Mesh generators and validation, quadrature exactness on monomials, P2 dof sharing.
final class MeshAndQuadratureTests: XCTestCase {
    func testGeneratorsCountCellsAndTagSides() {
        let square = Mesh.rectangle(4, 3)
        XCTAssertEqual(square.cellCount, 24)
        XCTAssertEqual(square.nodeCount, 20)
        XCTAssertEqual(square.facetCount, 14)
        let pymor = Mesh.rectangle(4, 4, split: .four)
        XCTAssertEqual(pymor.cellCount, 64)
        XCTAssertEqual(pymor.nodeCount, 25 + 16)
        let box = Mesh.box(2, 3, 4)
        XCTAssertEqual(box.cellCount, 6 * 24)
        XCTAssertEqual(box.facetCount, 4 * (2 * 3 + 3 * 4 + 2 * 4))
        XCTAssertEqual((0..<box.cellCount).map(box.measure).reduce(0, +), 1, accuracy: 1e-13)
        XCTAssertEqual(box.boundaryTagSet, Set(1...6))
        // Every generated boundary facet is an exterior facet, and conversely.
        XCTAssertEqual(box.exteriorFacets().count / 3, box.facetCount)
        XCTAssertEqual(square.exteriorFacets().count / 2, square.facetCount)
        let blocks = Mesh.rectangle(4, 4).taggingRegions { Int($0.x * 2) + 2 * Int($0.y * 2) }
        XCTAssertEqual(Set(blocks.regions), [0, 1, 2, 3])
    }

    func testInvalidMeshesAreErrorsNamingThePlace() {
        XCTAssertThrowsError(try Mesh(dimension: 2, coordinates: [0, 0, 1, 0, 0, 1], cells: [0, 2, 1])) {
            XCTAssertEqual($0 as? MeshError, .invertedCell(cell: 0, determinant: -1))
        }
        XCTAssertThrowsError(try Mesh(dimension: 2, coordinates: [0, 0, 1, 0, 0, 1], cells: [0, 1, 3])) {
            XCTAssertEqual($0 as? MeshError, .nodeOutOfRange(cell: 0, node: 3, nodeCount: 3))
        }
        XCTAssertThrowsError(try Mesh(dimension: 2, coordinates: [0, 0, 1, .nan, 0, 1], cells: [0, 1, 2])) {
            XCTAssertEqual($0 as? MeshError, .nonFiniteCoordinate(node: 1))
            XCTAssertTrue("\($0)".contains("node 1"))
        }
        XCTAssertThrowsError(try Mesh(dimension: 2, coordinates: [0, 0, 1, 0, 2, 0], cells: [0, 1, 2])) {
            XCTAssertEqual($0 as? MeshError, .degenerateCell(cell: 0, measure: 0))
        }
        XCTAssertNoThrow(try Mesh(dimension: 2, coordinates: [0, 0, 1, 0, 0, 1], cells: [0, 2, 1], orientation: .reorient))
    }

    /// Each rule integrates every monomial xᵃyᵇzᶜ of total degree ≤ its degree exactly:
    /// ∫ over the reference simplex = a! b! c! / (a + b + c + d)!.
    func testQuadratureRulesAreExactOnMonomials() {
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        for d in 1...3 {
            for degree in 0...8 {
                let rule = QuadratureRule(dimension: d, degree: degree)
                XCTAssertEqual(rule.weights.reduce(0, +), 1 / factorial(d), accuracy: 1e-14)
                for a in 0...degree {
                    for b in 0...(d > 1 ? degree - a : 0) {
                        for c in 0...(d > 2 ? degree - a - b : 0) {
                            let integral = zip(rule.points, rule.weights).reduce(0) {
                                $0 + $1.1 * pow($1.0.x, Double(a)) * pow($1.0.y, Double(b)) * pow($1.0.z, Double(c))
                            }
                            let exact = factorial(a) * factorial(b) * factorial(c) / factorial(a + b + c + d)
                            XCTAssertEqual(integral, exact, accuracy: 1e-14, "d=\(d) degree=\(degree) x^\(a) y^\(b) z^\(c)")
                        }
                    }
                }
            }
        }
    }

    func testP2SpacesShareEdgeDofsAndReproduceQuadratics() {
        let mesh = Mesh.rectangle(3, 2)
        let space = FunctionSpace(mesh: mesh, order: 2)
        // Vertices + edges: (4·3) + (3·3 + 4·2 + 6 diagonals) = 12 + 23.
        XCTAssertEqual(space.nodeCount, 12 + 23)
        XCTAssertEqual(space.boundaryDofs().count, 2 * (3 + 2) * 2)
        let vector = FunctionSpace(mesh: mesh, order: 2, components: 2)
        XCTAssertEqual(vector.boundaryDofs(tags: [Mesh.Side.xMin], components: [1]).count, 5)
        // Basis functions are a partition of unity with gradients summing to zero.
        for d in 1...3 {
            let element = ReferenceElement(dimension: d, order: 2)
            let x = SIMD3(0.2, d > 1 ? 0.3 : 0, d > 2 ? 0.1 : 0)
            XCTAssertEqual(element.values(at: x).reduce(0, +), 1, accuracy: 1e-14)
            XCTAssertEqual(element.gradients(at: x).reduce(.zero, +), .zero)
        }
        // The interpolant of a quadratic is exact: ∫ x² over the square = 1/3.
        let u = space.interpolate { $0.x * $0.x }
        let norms = space.errors(of: u, exact: { $0.x * $0.x }, gradient: { SIMD3(2 * $0.x, 0, 0) })
        XCTAssertLessThan(norms.l2, 1e-14)
        XCTAssertEqual(norms.exactL2 * norms.exactL2, 0.2, accuracy: 1e-14)
    }
}
