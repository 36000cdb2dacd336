import XCTest
import FEM
import LinearAlgebra

/// The closed-form P1 kernel fills the matrix row by row from the pattern's dof → cell incidences
/// (no scatter map); the quadrature kernel goes cell by cell through the scatter map, built on
/// first use. Both must give the same matrix, on meshes whose cells and nodes are in no
/// particular order and whose regions carry different coefficients.
final class RowWiseAssemblyTests: XCTestCase {
    /// `mesh` with its cells in a shuffled order, its nodes renumbered by a permutation and the
    /// cells split into regions 3 and 8.
    func shuffled(_ mesh: Mesh, seed: UInt64) throws -> Mesh {
        var rng = SplitMix64(seed: seed)
        let k = mesh.nodesPerCell, d = mesh.dimension
        let nodeOrder = (0..<mesh.nodeCount).shuffled(using: &rng)
        var newIndex = [Int](repeating: 0, count: mesh.nodeCount)
        for (new, old) in nodeOrder.enumerated() { newIndex[old] = new }
        let coordinates = nodeOrder.flatMap { old in (0..<d).map { mesh.coordinates[d * old + $0] } }
        let cellOrder = (0..<mesh.cellCount).shuffled(using: &rng)
        let cells = cellOrder.flatMap { c in (0..<k).map { newIndex[mesh.cells[k * c + $0]] } }
        let regions = cellOrder.map { mesh.point(mesh.cells[k * $0]).x < 0.5 ? 3 : 8 }
        return try Mesh(dimension: d, coordinates: coordinates, cells: cells, regions: regions)
    }

    func check(_ mesh: Mesh, file: StaticString = #filePath, line: UInt = #line) {
        let assembler = Assembler(space: FunctionSpace(mesh: mesh, order: 1))
        let kappa: Coefficient = .perRegion([3: 2.5, 8: 0.25]), rho: Coefficient = .perRegion([3: 1, 8: 7])
        let fast = assembler.assemble(.diffusion(kappa) + .mass(rho))
        let table: [Int: (Double, Double)] = [3: (2.5, 1), 8: (0.25, 7)]
        let generic = assembler.assemble(BilinearForm(quadratureDegree: 2) { u, v, p in
            let (k, r) = table[p.region]!
            return k * gradientInner(u, v) + r * inner(u, v)
        })
        XCTAssertEqual(fast.rowPointers, generic.rowPointers, file: file, line: line)
        XCTAssertEqual(fast.columnIndices, generic.columnIndices, file: file, line: line)
        let scale = fast.values.map(abs).max()!
        let worst = zip(fast.values, generic.values).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst, 1e-13 * scale, file: file, line: line)
        // Symmetric, and the stiffness annihilates constants: all entries sum to the mass's.
        for i in 0..<fast.rows {
            for p in fast.rowPointers[i]..<fast.rowPointers[i + 1] {
                XCTAssertEqual(fast.values[p], fast.values[assembler.pattern.index(row: fast.columnIndices[p], column: i)!],
                               accuracy: 1e-14 * scale, file: file, line: line)
            }
        }
        let total = fast.values.reduce(0, +), mass = assembler.assemble(.mass(rho)).values.reduce(0, +)
        XCTAssertEqual(total, mass, accuracy: 1e-11 * abs(mass), file: file, line: line)
        // The load of f = 1 per region is the lumped measure, vertex by vertex.
        let load = assembler.assemble(.source(.perRegion([3: 2, 8: 5])))
        let generic1 = assembler.assemble(LinearForm(quadratureDegree: 1) { v, p in (p.region == 3 ? 2 : 5) * v.value })
        XCTAssertLessThan(zip(load, generic1).map { abs($0 - $1) }.max()!, 1e-15 * load.map(abs).max()!, file: file, line: line)
    }

    func testTrianglesInAnyOrder() throws {
        try check(shuffled(.rectangle(23, 17), seed: 5))
        try check(shuffled(.rectangle(130, 90), seed: 6))  // two thread parts of the rows (4096 rows or more each)
    }

    func testTetrahedraInAnyOrder() throws {
        try check(shuffled(.box(6, 5, 7), seed: 9))
    }
}
