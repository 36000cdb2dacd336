import Foundation
import FEM
import LinearAlgebra
import XCTest

/// The advection and SUPG forms: exact identities on assembled matrices, and the convergence
/// rates of P1 on a manufactured solution of −ε Δu + b·∇u = f.
final class AdvectionTests: XCTestCase {
    /// −ε Δu + b·∇u = f on the unit square, u = 0 on the boundary, with or without SUPG.
    private func solve(n: Int, epsilon: Double, b: SIMD3<Double>, supg: Bool) throws -> ErrorNorms {
        let exact = SineSolution(dimension: 2)
        let source = Coefficient.function { x in
            let g = exact.gradient(x)
            return 2 * epsilon * Double.pi * Double.pi * exact.value(x) + b.x * g.x + b.y * g.y
        }
        let space = FunctionSpace(mesh: .rectangle(n, n), order: 1)
        let assembler = Assembler(space: space)
        var form = BilinearForm.diffusion(.constant(epsilon)) + .advection(b)
        var load = LinearForm.source(source)
        if supg {
            let tau = Coefficient.constant(SUPG.tau(cellSize: 1 / Double(n), speed: (b * b).sum().squareRoot(), diffusivity: epsilon))
            form = form + .streamlineDiffusion(b, tau: tau)
            load = load + .streamlineSource(source, b, tau: tau)
        }
        let dirichlet = DirichletElimination(space: space)
        let a = dirichlet.restrict(assembler.assemble(form))
        let u = try LUFactorization(a).solve(dirichlet.restrict(assembler.assemble(load)))
        return space.errors(of: dirichlet.expand(u), exact: exact.value, gradient: exact.gradient)
    }

    /// Galerkin P1 for ε = 1, b = (1, 0.5): L² rate 2, H¹ rate 1.
    func testGalerkinAdvectionDiffusionConvergesAtTheP1Rates() throws {
        let errors = try [8, 16, 32].map { try solve(n: $0, epsilon: 1, b: [1, 0.5, 0], supg: false) }
        for k in 1..<errors.count {
            XCTAssertEqual(rate(errors[k - 1].l2, errors[k].l2), 2, accuracy: 0.2, "\(errors.map(\.l2))")
            XCTAssertEqual(rate(errors[k - 1].h1, errors[k].h1), 1, accuracy: 0.2, "\(errors.map(\.h1))")
        }
    }

    /// SUPG is consistent: on a diffusion-dominated case (cell Péclet < 1) it keeps the P1 rates.
    func testSUPGKeepsTheP1RatesWhenDiffusionDominates() throws {
        let errors = try [8, 16, 32].map { try solve(n: $0, epsilon: 0.2, b: [1, 0.5, 0], supg: true) }
        for k in 1..<errors.count {
            XCTAssertEqual(rate(errors[k - 1].l2, errors[k].l2), 2, accuracy: 0.2, "\(errors.map(\.l2))")
            XCTAssertEqual(rate(errors[k - 1].h1, errors[k].h1), 1, accuracy: 0.2, "\(errors.map(\.h1))")
        }
    }

    /// With advection dominating (ε = 1e-3, cell Péclet 14–56), SUPG converges in L² at a rate of
    /// at least 1.5 (the theory's h^{3/2}) while its error stays below Galerkin's.
    func testSUPGConvergesWhenAdvectionDominates() throws {
        let b: SIMD3<Double> = [1, 0.5, 0]
        let errors = try [16, 32, 64].map { try solve(n: $0, epsilon: 1e-3, b: b, supg: true) }
        for k in 1..<errors.count { XCTAssertGreaterThan(rate(errors[k - 1].l2, errors[k].l2), 1.5, "\(errors.map(\.l2))") }
        let galerkin = try solve(n: 16, epsilon: 1e-3, b: b, supg: false)
        XCTAssertLessThan(errors[0].l2, galerkin.l2)
    }

    /// τ(e_x·∇u)(e_x·∇v) + τ(e_y·∇u)(e_y·∇v) = τ ∇u·∇v entry by entry; the mixed terms are each
    /// other's transpose; ∫ (b·∇u) v + ∫ (b·∇v) u = 0 on the free dofs (div b = 0).
    func testStreamlineTermsMatchTheDiffusionMatrix() throws {
        let space = FunctionSpace(mesh: .rectangle(6, 5), order: 1)
        let assembler = Assembler(space: space)
        let tau = Coefficient.constant(0.3)
        let xx = assembler.assemble(.streamlineDiffusion([1, 0, 0], tau: tau))
        let yy = assembler.assemble(.streamlineDiffusion([0, 1, 0], tau: tau))
        let k = assembler.assemble(.diffusion(tau))
        let xy = assembler.assemble(.streamlineDiffusion([1, 0, 0], test: [0, 1, 0], tau: tau)).dense
        let yx = assembler.assemble(.streamlineDiffusion([0, 1, 0], test: [1, 0, 0], tau: tau)).dense
        let sum = SparseMatrix.linearCombination([(1, xx), (1, yy)]).dense, kd = k.dense
        let dirichlet = DirichletElimination(space: space)
        let c = dirichlet.restrict(assembler.assemble(.advection([0.6, -0.8, 0]))).dense
        for i in 0..<kd.rows {
            for j in 0..<kd.columns {
                XCTAssertEqual(sum[i, j], kd[i, j], accuracy: 1e-13)
                XCTAssertEqual(xy[i, j], yx[j, i], accuracy: 1e-13)
            }
        }
        for i in 0..<c.rows { for j in 0..<c.columns { XCTAssertEqual(c[i, j], -c[j, i], accuracy: 1e-13) } }
    }

    /// τ: h/(2|b|)(coth Pe − 1/Pe) against values computed by hand.
    func testTauMatchesTheClosedForm() {
        // Pe = 1·0.1/(2·0.01) = 5: (0.1/2)(coth 5 − 0.2) = 0.05 · 0.8000908040 (coth 5 = 1.0000908040).
        XCTAssertEqual(SUPG.tau(cellSize: 0.1, speed: 1, diffusivity: 0.01), 0.05 * (1 / tanh(5.0) - 0.2), accuracy: 1e-15)
        XCTAssertEqual(SUPG.tau(cellSize: 0.1, speed: 1, diffusivity: 0.01), 0.0400045402, accuracy: 1e-10)
        // Small Pe: ≈ h²/(12ε).
        XCTAssertEqual(SUPG.tau(cellSize: 1e-4, speed: 1, diffusivity: 1), 1e-8 / 12, accuracy: 1e-14)
        XCTAssertEqual(SUPG.tau(cellSize: 0.1, speed: 0, diffusivity: 1), 0)
    }
}
