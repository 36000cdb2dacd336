import ComplexModule
import XCTest
import FEM
import LinearAlgebra

/// Elasticity patch test, Helmholtz against the 1D plane wave, and a custom PDE written as closures.
final class PhysicsTests: XCTestCase {
    /// A linear displacement with no body force is reproduced to round-off by P1 and P2 elements.
    func testElasticityPatchTestReproducesALinearDisplacement() throws {
        let meshes: [Mesh] = [.rectangle(4, 3, split: .four), .box(2, 2, 2)]
        for mesh in meshes {
            for order in [1, 2] {
                let d = mesh.dimension
                let space = FunctionSpace(mesh: mesh, order: order, components: d)
                let assembler = Assembler(space: space)
                let a = assembler.assemble(.elasticity(lambda: .perRegion([0: 2.5]), mu: 1.3))
                let exact: (SIMD3<Double>) -> SIMD3<Double> = { x in
                    SIMD3(0.1 + 0.3 * x.x - 0.2 * x.y + 0.05 * x.z, -0.2 + 0.1 * x.x + 0.4 * x.y - 0.1 * x.z, 0.3 - 0.2 * x.x + 0.1 * x.y + 0.2 * x.z)
                }
                let g = space.interpolate(vector: exact)
                let dirichlet = DirichletElimination(space: space)
                XCTAssertGreaterThan(dirichlet.freeDofs.count, 0)
                let rhs = dirichlet.rightHandSide(a, [Double](repeating: 0, count: space.dofCount), values: g)
                let u = dirichlet.expand(try CholeskyFactorization(dirichlet.restrict(a)).solve(rhs), values: g)
                let error = zip(u, g).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(error, 1e-12, "\(d)D P\(order)")
            }
        }
    }

    /// u'' + k²u = 0 on (0, 1), impedance at both ends with an incoming wave at x = 0:
    /// the solution is the plane wave e^{ikx}; P2 converges at the nodes.
    func testHelmholtzMatchesThePlaneWave() throws {
        let k = 10.0
        var errors = [Double]()
        for n in [32, 64] {
            let space = FunctionSpace(mesh: .interval(n), order: 2)
            let a = Assembler(space: space).helmholtz(wavenumber: k)
            var b = [Complex<Double>](repeating: .zero, count: space.dofCount)
            b[0] = Complex(0, -2 * k)   // −u'(0) − iku(0) = −2ik
            let u = try LUFactorization(a).solve(b)
            errors.append((0..<space.nodeCount).map { node -> Double in
                let x = space.nodePosition(node).x
                return (u[node] - Complex(cos(k * x), sin(k * x))).length
            }.max()!)
        }
        XCTAssertLessThan(errors[1], 1e-5, "\(errors)")
        XCTAssertGreaterThan(log2(errors[0] / errors[1]), 2.8, "\(errors)")
    }

    /// −∇·(κ∇u) + c u = f with κ(x) = 1 + x², c = 1: the user's code of docs/fem.md.
    func testCustomPDEInTwentyLines() throws {
        let exact = SineSolution(dimension: 2)
        var l2 = [Double]()
        for n in [8, 16] {
            // --- user code (docs/fem.md) ---
            let mesh = Mesh.rectangle(n, n)
            let space = FunctionSpace(mesh: mesh, order: 2)
            let kappa: @Sendable (SIMD3<Double>) -> Double = { x in 1 + x.x * x.x }
            let form = BilinearForm { u, v, p in kappa(p.x) * dot(u.gradient, v.gradient) + u.value * v.value }
            let load = LinearForm { v, p in
                let (x, y) = (p.x.x, p.x.y), s = sin(Double.pi * x) * sin(Double.pi * y)
                let f = -2 * x * Double.pi * cos(Double.pi * x) * sin(Double.pi * y) + (2 * Double.pi * Double.pi * kappa(p.x) + 1) * s
                return f * v.value
            }
            let assembler = Assembler(space: space)
            let a = assembler.assemble(form), b = assembler.assemble(load)
            let dirichlet = DirichletElimination(space: space)
            let zero = [Double](repeating: 0, count: space.dofCount)
            let free = try CholeskyFactorization(dirichlet.restrict(a)).solve(dirichlet.rightHandSide(a, b, values: zero))
            let u = dirichlet.expand(free)
            // --- end of user code ---
            l2.append(space.errors(of: u, exact: exact.value, gradient: exact.gradient).relativeL2)
        }
        XCTAssertLessThan(l2[1], 1e-3, "\(l2)")
        XCTAssertEqual(rate(l2[0], l2[1]), 3, accuracy: 0.2, "\(l2)")
    }

    /// Affine terms on one pattern restrict to one pattern: Σ θ_q A_q,ff = (Σ θ_q A_q)_ff.
    func testAffineTermsShareThePatternAfterElimination() throws {
        let mesh = Mesh.rectangle(6, 6, split: .four).taggingRegions { $0.x < 0.5 ? 0 : 1 }
        let space = FunctionSpace(mesh: mesh)
        let assembler = Assembler(space: space)
        let terms = [assembler.assemble(.diffusion(.perRegion([0: 1, 1: 0]))), assembler.assemble(.diffusion(.perRegion([0: 0, 1: 1])))]
        let whole = assembler.assemble(.diffusion(.perRegion([0: 0.3, 1: 2])))
        let dirichlet = DirichletElimination(space: space, tags: [Mesh.Side.xMin, Mesh.Side.xMax])
        let restricted = terms.map(dirichlet.restrict)
        XCTAssertTrue(restricted[0].hasSamePattern(as: restricted[1]))
        let combined = SparseMatrix.linearCombination([(0.3, restricted[0]), (2, restricted[1])])
        let direct = dirichlet.restrict(whole)
        XCTAssertTrue(combined.hasSamePattern(as: direct))
        XCTAssertEqual(zip(combined.values, direct.values).map { abs($0 - $1) }.max()!, 0, accuracy: 1e-13)
        // The closed-form P1 kernel agrees with the quadrature kernel of the same form written as a closure.
        let closure = assembler.assemble(BilinearForm { u, v, p in (p.region == 0 ? 0.3 : 2) * dot(u.gradient, v.gradient) })
        XCTAssertEqual(zip(closure.values, whole.values).map { abs($0 - $1) }.max()!, 0, accuracy: 1e-12)
    }
}
