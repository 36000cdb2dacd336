import FEM
import Foundation
import LinearAlgebra
import XCTest

/// `EntryAssembler` reads a few entries of a matrix without assembling it; built-in forms with
/// coefficients that are functions of x (`PointwiseTerms`: the coefficient once per quadrature
/// point) give the same values, to the bit, as the same form written as a closure.
final class EntryAssemblerTests: XCTestCase {
    private static let kappa = Coefficient.function { x in 1 + 3 * exp(-((x.x - 0.4) * (x.x - 0.4) + (x.y - 0.6) * (x.y - 0.6)) / 0.05) }
    private static let c = Coefficient.function { x in 2 + x.x * x.y }

    /// The built-in ∫ κ∇u·∇v + c u v.
    private static let builtIn = BilinearForm.diffusion(kappa) + .mass(c)

    /// The same integrand as a closure (the generic quadrature path), to the built-in's degree.
    private static func closure(order: Int) -> BilinearForm {
        BilinearForm(quadratureDegree: builtIn.quadratureDegree(for: order)) { u, v, p in
            kappa.value(at: p) * gradientInner(u, v) + c.value(at: p) * inner(u, v)
        }
    }

    func testEntriesEqualTheAssembledMatrixAndZeroWhereNoCellHoldsBoth() throws {
        let space = FunctionSpace(mesh: Mesh.rectangle(12, 12), order: 1)
        let a = Assembler(space: space).assemble(Self.builtIn)
        // A diagonal entry, a neighbour, and two far-apart dofs (no shared cell).
        let positions = [(row: 40, column: 40), (row: 40, column: 41), (row: 41, column: 40), (row: 0, column: 168)]
        let entries = EntryAssembler(space: space, positions: positions, quadratureDegree: Self.builtIn.quadratureDegree(for: 1))
            .entries(Self.builtIn)
        let largest = a.values.map(abs).max()!
        for (p, value) in zip(positions, entries) {
            XCTAssertEqual(value, a[p.row, p.column], accuracy: 1e-14 * largest, "entry \(p)")
        }
        XCTAssertEqual(entries[3], 0)
        XCTAssertGreaterThan(entries[0], 0)
    }

    func testBuiltInFormsEqualTheirClosuresToTheBit() throws {
        for order in [1, 2] {
            let space = FunctionSpace(mesh: Mesh.rectangle(8, 8), order: order)
            let assembler = Assembler(space: space)
            let closure = Self.closure(order: order)
            XCTAssertEqual(assembler.assembleValues(Self.builtIn), assembler.assembleValues(closure), "P\(order) assembly")
            let positions = (0..<space.dofCount).filter { $0 % 7 == 0 }.map { (row: $0, column: $0) } + [(row: 10, column: 11)]
            let degree = Self.builtIn.quadratureDegree(for: order)
            let entry = EntryAssembler(space: space, positions: positions, quadratureDegree: degree)
            XCTAssertEqual(entry.entries(Self.builtIn), entry.entries(closure), "P\(order) entries")
            XCTAssertGreaterThan(entry.entries(Self.builtIn).map(abs).max()!, 0)
        }
    }
}
