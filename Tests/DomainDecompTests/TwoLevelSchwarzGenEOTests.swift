import DomainDecomp
import FEM
import LinearAlgebra
import XCTest

/// PCG with the two-level Schwarz preconditioner (METIS parts of the 14³ unit cube, P1, u = 0 on
/// ∂Ω, one layer of overlap, tolerance 1e-10) on 4, 8 and 16 parts: every solution equals
/// CHOLMOD's to 1e-10 and the counts are the stored ones (docs/distributed.md, "Iteration
/// counts", quotes them; a numpy reconstruction of the same construction gives the same counts).
/// On 3D Poisson the additive form with GenEO grows by 32 % from 4 to 16 parts (25 → 33): every
/// subdomain touches ∂Ω, so the coarse space has little to remove, and λ_max of the one-level sum
/// grows with the number of subdomains overlapping at a point (4 → 8). The balanced form
/// (`SchwarzForm.balanced`: D^{1/2}-weighted subdomain solves, the BNN combination with the
/// coarse level) keeps λ_max near 1.5 and the count grows by 6 % (16 → 17), within the issue's
/// 30 %. Across high-conductivity channels (κ = 10⁶ in 3×3 bars along x that do not touch ∂Ω,
/// κ = 1 around them) GenEO's count stays bounded where Nicolaides' is several times larger.
final class TwoLevelSchwarzGenEOTests: XCTestCase {
    static let parts = [4, 8, 16]

    /// The iteration counts of each (form, coarse space) on `parts`, keyed "form coarse space",
    /// each solution checked against CHOLMOD's.
    func iterationCounts(mesh: Mesh, form: BilinearForm, preconditioners: [(SchwarzForm, CoarseSpace)]) throws -> [String: [Int]] {
        let space = FunctionSpace(mesh: mesh, order: 1)
        let assembler = Assembler(space: space)
        let elimination = DirichletElimination(space: space)
        let a = elimination.restrict(assembler.assemble(form))
        let b = elimination.restrict(assembler.assemble(.source(1)))
        let direct = try CholeskyFactorization(a).solve(b)
        let scale = direct.map(abs).max()!
        let cg = ConjugateGradient(tolerance: 1e-10, maxIterations: 3_000)
        var counts = [String: [Int]]()
        for parts in Self.parts {
            let partition = try MeshPartition(mesh: mesh, parts: parts)
            for (schwarz, coarse) in preconditioners {
                let preconditioner = try TwoLevelSchwarz(matrix: a, partition: partition, freeIndex: elimination.freeIndex, overlap: 1,
                                                         coarseSpace: coarse, schwarzForm: schwarz, mesh: mesh, form: form, communicator: .world)
                var x = [Double](repeating: 0, count: b.count)
                let report = try cg.solve(a, b, x: &x, preconditioner: preconditioner)
                let error = zip(x, direct).map { abs($0 - $1) }.max()! / scale
                XCTAssertLessThan(error, 1e-10, "\(parts) parts, \(schwarz) \(coarse)")
                counts["\(schwarz) \(coarse)", default: []].append(report.iterations)
                if case .geneo = coarse { print("\(schwarz) GenEO, \(parts) parts: coarse dimension \(preconditioner.coarseDimension)") }
            }
        }
        return counts
    }

    static let geneo = CoarseSpace.geneoDefault.description

    func testPoissonCountsGrowByAtMostThirtyPercentFromFourToSixteenPartsWithTheBalancedForm() throws {
        let counts = try iterationCounts(mesh: Mesh.box(14, 14, 14), form: .diffusion(.constant(1)), preconditioners: [
            (.balanced, .none), (.balanced, .nicolaides), (.balanced, .geneoDefault), (.additive, .geneoDefault),
        ])
        print("3D Poisson, Schwarz CG iterations on \(Self.parts) parts: \(counts)")
        let balanced = try XCTUnwrap(counts["balanced \(Self.geneo)"]), nicolaides = try XCTUnwrap(counts["balanced nicolaides"])
        // The bound, with the coarse space, on this problem: measured 16 → 17 (GenEO), 17 → 19 (Nicolaides).
        XCTAssertLessThanOrEqual(Double(balanced[2]), 1.3 * Double(balanced[0]), "balanced GenEO from 4 to 16 parts: \(balanced)")
        XCTAssertLessThanOrEqual(Double(nicolaides[2]), 1.3 * Double(nicolaides[0]), "balanced Nicolaides from 4 to 16 parts: \(nicolaides)")
        XCTAssertEqual(balanced, [16, 17, 17])
        XCTAssertEqual(nicolaides, [17, 19, 19])
        XCTAssertEqual(counts["balanced none"], [18, 21, 22])
        // The additive form, for comparison: 32 % (the one-level λ_max grows with k₀).
        XCTAssertEqual(counts["additive \(Self.geneo)"], [25, 30, 33])
    }

    func testGenEOStaysBoundedAcrossHighConductivityChannelsWhereNicolaidesDoesNot() throws {
        // Nine bars of one cell's cross-section along x, from x = 2/14 to 12/14: they do not touch
        // ∂Ω, so each one carries a near-constant low-energy mode that the subdomains cut.
        let channels = [3, 7, 10]
        let mesh = Mesh.box(14, 14, 14).taggingRegions { c in
            (2..<12).contains(Int(c.x * 14)) && channels.contains(Int(c.y * 14)) && channels.contains(Int(c.z * 14)) ? 1 : 0
        }
        let counts = try iterationCounts(mesh: mesh, form: .diffusion(.perRegion([0: 1, 1: 1e6])), preconditioners: [
            (.balanced, .nicolaides), (.balanced, .geneoDefault), (.additive, .geneoDefault),
        ])
        print("3D channels κ = 1e6, Schwarz CG iterations on \(Self.parts) parts: \(counts)")
        let geneo = try XCTUnwrap(counts["balanced \(Self.geneo)"]), nicolaides = try XCTUnwrap(counts["balanced nicolaides"])
        let additive = try XCTUnwrap(counts["additive \(Self.geneo)"])
        // Measured: balanced GenEO 17, 19, 18; balanced Nicolaides 117, 127, 120; additive GenEO 28, 34, 42.
        XCTAssertLessThanOrEqual(Double(geneo[2]), 1.3 * Double(geneo[0]), "balanced GenEO from 4 to 16 parts: \(geneo)")
        XCTAssertLessThanOrEqual(Double(additive[2]), 1.6 * Double(additive[0]), "additive GenEO from 4 to 16 parts: \(additive)")
        XCTAssertLessThan(additive.max()!, 50, "additive GenEO \(additive)")
        for (g, n) in zip(geneo, nicolaides) { XCTAssertGreaterThan(Double(n), 5 * Double(g), "Nicolaides \(nicolaides), GenEO \(geneo)") }
    }

    func testBadCoarseSpaceOptionsAreNamedErrors() throws {
        let mesh = Mesh.box(4, 4, 4)
        let space = FunctionSpace(mesh: mesh, order: 1)
        let elimination = DirichletElimination(space: space)
        let a = elimination.restrict(Assembler(space: space).assemble(.diffusion(.constant(1))))
        let partition = try MeshPartition(mesh: mesh, parts: 2)
        func build(_ coarse: CoarseSpace, form: BilinearForm?) throws {
            _ = try TwoLevelSchwarz(matrix: a, partition: partition, freeIndex: elimination.freeIndex, overlap: 1, coarseSpace: coarse,
                                    mesh: mesh, form: form, communicator: .world)
        }
        XCTAssertThrowsError(try build(.geneoDefault, form: nil)) { XCTAssertEqual($0 as? SchwarzError, .neumannMatricesMissing) }
        XCTAssertThrowsError(try build(.geneo(threshold: -1, maxPerSubdomain: 4), form: .diffusion(.constant(1)))) {
            XCTAssertTrue("\($0)".contains("threshold -1.0"), "\($0)")
        }
        XCTAssertThrowsError(try build(.geneo(threshold: 0.3, maxPerSubdomain: 0), form: .diffusion(.constant(1)))) {
            XCTAssertTrue("\($0)".contains("at most 0 vectors"), "\($0)")
        }
    }
}
