import DomainDecomp
import FEM
import LinearAlgebra
import XCTest

/// PCG with the additive Schwarz preconditioner on 3D Poisson (P1, unit cube 14³, u = 0 on ∂Ω,
/// METIS parts grown by one layer): the solution equals CHOLMOD's to 1e-10 with and without the
/// coarse space, and the iteration counts are the stored ones. On this cube every part touches
/// the Dirichlet boundary and the Nicolaides coarse space gains one iteration at 16 parts (the
/// same as a scipy check on box subdomains): from 4 to 16 parts the count grows by 33 % with it
/// in this additive form, above the 30 %; the balanced form meets it
/// (`TwoLevelSchwarzGenEOTests`, docs/distributed.md).
final class TwoLevelSchwarzTests: XCTestCase {
    func testSchwarzPCGGivesTheDirectSolutionWithTheStoredIterationCounts() throws {
        let mesh = Mesh.box(14, 14, 14)
        let space = FunctionSpace(mesh: mesh, order: 1)
        let assembler = Assembler(space: space)
        let elimination = DirichletElimination(space: space)
        let a = elimination.restrict(assembler.assemble(.diffusion(.constant(1))))
        let b = elimination.restrict(assembler.assemble(.source(1)))
        let direct = try CholeskyFactorization(a).solve(b)
        let cg = ConjugateGradient(tolerance: 1e-10, maxIterations: 500)
        var counts = [String: [Int]]()
        for parts in [4, 16] {
            let partition = try MeshPartition(mesh: mesh, parts: parts)
            for coarse in [CoarseSpace.none, .nicolaides] {
                let preconditioner = try TwoLevelSchwarz(matrix: a, partition: partition, freeIndex: elimination.freeIndex, overlap: 1,
                                                         coarseSpace: coarse, schwarzForm: .additive, communicator: .world)
                var x = [Double](repeating: 0, count: b.count)
                let report = try cg.solve(a, b, x: &x, preconditioner: preconditioner)
                let error = zip(x, direct).map { abs($0 - $1) }.max()! / direct.map(abs).max()!
                XCTAssertLessThan(error, 1e-10, "\(parts) parts, coarse \(coarse)")
                counts[coarse.description, default: []].append(report.iterations)
            }
        }
        let oneLevel = try XCTUnwrap(counts["none"]), twoLevel = try XCTUnwrap(counts["nicolaides"])
        XCTAssertEqual(oneLevel, [24, 33])
        XCTAssertEqual(twoLevel, [24, 32])
        print("Schwarz CG iterations, 4 → 16 parts: one-level \(oneLevel), two-level \(twoLevel)")
    }
}
