import FEM
import Foundation
import LinearAlgebra
import Materials
import XCTest

/// The nonlinear mechanics solver: its elastic limit against the linear-elasticity solve, Newton's
/// quadratic convergence on viscoplastic steps, the global consistent tangent, the strains at the
/// integration points, and the replay of a displacement history.
final class NonlinearMechanicsTests: XCTestCase {
    /// A 2 × 2 × 6 mm bar along z clamped at z = 0 (box tag 5), spinning about the x axis through
    /// (0, 0, −300): the centrifugal pull of a blade, with a temperature rising along the bar.
    func rotatingBar(order: Int = 2, omega: Double, temperature: Double = 20) throws -> (space: FunctionSpace, loading: MechanicsLoading) {
        let mesh = Mesh.box(2, 2, 4, x: 0...2, y: 0...2, z: 0...6)
        let space = FunctionSpace(mesh: mesh, order: order, components: 3)
        let loading = try MechanicsLoading(density: 8e-9, axisPoint: SIMD3(0, 0, -300), axisDirection: SIMD3(1, 0, 0),
                                           angularVelocity: { t in omega * min(t, 1) },
                                           temperature: { x, t in 20 + (temperature - 20) * min(t, 1) * (0.5 + x.z / 12 + x.x / 8) })
        return (space, loading)
    }

    func norton(kinematic: Bool) throws -> NortonViscoplasticLaw {
        try NortonViscoplasticLaw(
            elastic: LinearElasticLaw(youngsModulus: TemperatureTable(temperatures: [20, 1000], values: [200e3, 140e3]),
                                      poissonRatio: TemperatureTable(constant: 0.3),
                                      thermalExpansion: TemperatureTable(constant: 1.4e-5), referenceTemperature: 20),
            yieldStress: TemperatureTable(temperatures: [20, 1000], values: [120, 60]), nortonK: TemperatureTable(constant: 300),
            nortonN: TemperatureTable(constant: 6), isotropicQ: TemperatureTable(constant: 60), isotropicB: TemperatureTable(constant: 20),
            isotropicH: TemperatureTable(constant: 500), kinematicC: TemperatureTable(constant: kinematic ? 40e3 : 0),
            kinematicD: TemperatureTable(constant: kinematic ? 200 : 0))
    }

    /// With a linear elastic law (and with the Norton law below its threshold) one Newton step
    /// gives the linear-elasticity solution of the assembler's elasticity form to 1e-10, on P1 and P2.
    func testElasticLimitEqualsLinearElasticity() throws {
        for order in [1, 2] {
            let (space, loading) = try rotatingBar(order: order, omega: 1500)
            let e = 200e3, nu = 0.3
            let lambda = e * nu / ((1 + nu) * (1 - 2 * nu)), mu = e / (2 * (1 + nu))
            let assembler = Assembler(space: space)
            let k = assembler.assemble(.elasticity(lambda: .constant(lambda), mu: .constant(mu)))
            let f = assembler.assemble(.source(vector: { x in 1500 * 1500 * loading.unitCentrifugalForce(at: x) }))
            let dirichlet = DirichletElimination(space: space, tags: [Mesh.Side.zMin])
            let linear = dirichlet.expand(try CholeskyFactorization(dirichlet.restrict(k)).solve(dirichlet.restrict(f)))
            let cold = try MechanicsLoading(density: loading.density, axisPoint: loading.axisPoint, axisDirection: loading.axisDirection,
                                            angularVelocity: { _ in 1500 })
            let laws: [any ConstitutiveLaw] = [try LinearElasticLaw(youngsModulus: e, poissonRatio: nu),
                                               try NortonViscoplasticLaw(elastic: LinearElasticLaw(youngsModulus: e, poissonRatio: nu),
                                                                         yieldStress: TemperatureTable(constant: 1e4),
                                                                         nortonK: TemperatureTable(constant: 100), nortonN: TemperatureTable(constant: 5))]
            for law in laws {
                var solver = try NonlinearMechanicsSolver(space: space, law: law, clamped: [Mesh.Side.zMin], loading: cold,
                                                          options: .init(tolerance: 1e-12))
                let report = try solver.step(to: 1)
                let difference = zip(solver.displacement, linear).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                let relative = difference / BLAS.nrm2(linear)
                print("elastic limit P\(order) \(law.name): relative difference \(relative), Newton iterations \(report.iterations)")
                XCTAssertLessThanOrEqual(relative, 1e-10)
                XCTAssertEqual(report.iterations, 1)
                XCTAssertGreaterThan(BLAS.nrm2(linear), 1e-4)
            }
        }
    }

    /// Viscoplastic steps (isotropic hardening: CHOLMOD; Armstrong–Frederick with recovery: a
    /// non-symmetric tangent, UMFPACK): the residual falls quadratically, r_{k+1} ≈ c r_k². Seen:
    /// r = 0.20, 0.12, 0.048, 6.4e-3, 8.6e-5, 1.3e-8, 7e-14 (orders 1.9, 2.1, 2.1, 2.0) with
    /// isotropic hardening; 0.096, 0.027, 1.9e-3, 8.6e-6, 1.5e-10, 3e-14 (orders 2.0, 2.1, 2.0) with AF.
    func testNewtonConvergesQuadraticallyOnAViscoplasticStep() throws {
        for kinematic in [false, true] {
            let (space, loading) = try rotatingBar(omega: 5000, temperature: 700)
            var solver = try NonlinearMechanicsSolver(space: space, law: try norton(kinematic: kinematic), clamped: [Mesh.Side.zMin],
                                                      loading: loading, options: .init(tolerance: 1e-12))
            var last: NonlinearMechanicsSolver.StepReport?
            for t in [0.5, 1, 1.5] { last = try solver.step(to: t) }
            let report = try XCTUnwrap(last)
            let p = try XCTUnwrap(solver.fields.stateField("p", of: solver.law))
            let r = report.residuals
            let rates = (1..<(r.count - 1)).map { (k: Int) -> Double in order(r, k) }
            print("Newton (kinematic: \(kinematic)): p_max \(p.max()!), residuals \(r), convergence orders \(rates), LU \(report.usedLU)")
            XCTAssertGreaterThan(p.max()!, 1e-4)
            XCTAssertGreaterThanOrEqual(report.iterations, 3)
            XCTAssertEqual(report.usedLU, kinematic)
            // Orders where r_{k+1} stays well above round-off (≈ 1e-13 here): 2, up to noise.
            let meaningful = (1..<(r.count - 1)).filter { r[$0 + 1] > 1e-11 }
            let k = try XCTUnwrap(meaningful.last)
            XCTAssertGreaterThanOrEqual(order(r, k), 1.8, "residuals \(r)")
            for k in meaningful { XCTAssertGreaterThanOrEqual(order(r, k), 1.5, "residuals \(r)") }
        }
    }

    /// The convergence order log(r_{k+1}/r_k) / log(r_k/r_{k−1}) at iteration k.
    func order(_ r: [Double], _ k: Int) -> Double {
        let ahead: Double = log(r[k + 1] / r[k])
        let behind: Double = log(r[k] / r[k - 1])
        return ahead / behind
    }

    /// The assembled tangent against a central difference of the internal force in a random
    /// direction, during viscoplastic flow, with and without kinematic hardening.
    func testGlobalTangentMatchesDirectionalDifference() throws {
        for kinematic in [false, true] {
            let (space, loading) = try rotatingBar(omega: 5000, temperature: 700)
            var solver = try NonlinearMechanicsSolver(space: space, law: try norton(kinematic: kinematic), clamped: [Mesh.Side.zMin],
                                                      loading: loading)
            _ = try solver.step(to: 0.5)
            // A point past the accepted one (the next step's Newton visits such points).
            let u = solver.displacement.map { $0 * 1.8 }
            var generator = SystemRandomNumberGenerator()
            let direction = (0..<space.dofCount).map { _ in Double.random(in: -1...1, using: &generator) * 1e-4 }
            let h = 1e-4
            let plus = try solver.internalForce(displacement: zip(u, direction).map { $0 + h * $1 }, timeStep: 0.5)
            let minus = try solver.internalForce(displacement: zip(u, direction).map { $0 - h * $1 }, timeStep: 0.5)
            let k = try solver.tangentMatrix(displacement: u, timeStep: 0.5)
            let kd = k.apply(direction)
            let fd = zip(plus, minus).map { ($0 - $1) / (2 * h) }
            let relative = zip(kd, fd).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() / BLAS.nrm2(kd)
            let temperatures = NonlinearMechanicsSolver.temperatures(solver.points, loading, at: solver.time + 0.5)
            let flow = try solver.points.evaluate(law: solver.law, displacement: u, temperatures: temperatures, timeStep: 0.5,
                                                  previous: solver.fields, withTangent: false)
            let growth = zip(flow.stateField("p", of: solver.law)!, solver.fields.stateField("p", of: solver.law)!).map { $0 - $1 }
            let flowing = growth.filter { $0 > 0 }.count
            print("global tangent (kinematic: \(kinematic)): relative difference \(relative), \(flowing) of \(growth.count) points flowing")
            XCTAssertGreaterThan(flowing, growth.count / 20)
            XCTAssertLessThanOrEqual(relative, 1e-6)
        }
    }

    /// The strains of a linear displacement u = A x are sym(A) at every point (Voigt, engineering
    /// shears), on P1 and P2; the weights sum to the volume.
    func testStrainsOfALinearFieldAndWeights() throws {
        let a: [SIMD3<Double>] = [SIMD3(1e-3, 2e-4, -3e-4), SIMD3(5e-4, -2e-3, 1e-4), SIMD3(7e-4, 3e-4, 4e-4)]
        for order in [1, 2] {
            let (space, _) = try rotatingBar(order: order, omega: 0)
            let points = try MechanicsIntegrationPoints(space: space)
            XCTAssertEqual(points.pointsPerCell, order == 1 ? 1 : 4)
            XCTAssertEqual(points.weights.reduce(0, +), 24, accuracy: 1e-12)
            let u = space.interpolate(vector: { x in SIMD3((a[0] * x).sum(), (a[1] * x).sum(), (a[2] * x).sum()) })
            let expected = [a[0].x, a[1].y, a[2].z, a[1].z + a[2].y, a[0].z + a[2].x, a[0].y + a[1].x]
            let strain = points.strains(of: Matrix(columns: [u, u.map { 2 * $0 }]))
            for k in 0..<points.count {
                for i in 0..<6 {
                    XCTAssertEqual(strain[6 * k + i, 0], expected[i], accuracy: 1e-15)
                    XCTAssertEqual(strain[6 * k + i, 1], 2 * expected[i], accuracy: 1e-15)
                }
            }
        }
    }

    /// Replaying the solver's displacement history from the displacements alone reproduces its
    /// stresses and cumulated plastic strain at every point and step to round-off.
    func testStressRecomputationReproducesTheSolver() throws {
        let (space, loading) = try rotatingBar(omega: 5000, temperature: 700)
        let law = try norton(kinematic: true)
        var solver = try NonlinearMechanicsSolver(space: space, law: law, clamped: [Mesh.Side.zMin], loading: loading)
        let times = [0.4, 0.8, 1.2, 1.6]
        var displacements = Matrix(rows: space.dofCount, columns: 0)
        var stresses = [[Double]](), plastic = [[Double]]()
        for t in times {
            _ = try solver.step(to: t)
            displacements.appendColumn(solver.displacement)
            stresses.append(solver.fields.stress)
            plastic.append(solver.fields.stateField("p", of: law)!)
        }
        let replay = try StressRecomputation(points: solver.points, law: law, loading: loading, times: times, displacements: displacements)
        for step in times.indices {
            let s = replay.stress.column(step), p = replay.stateFields["p"]!.column(step)
            let ds = zip(s, stresses[step]).map { abs($0 - $1) }.max()!
            let dp = zip(p, plastic[step]).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(ds, 1e-12 * stresses[step].map(abs).max()!, "step \(step)")
            XCTAssertLessThanOrEqual(dp, 1e-12 * max(plastic[step].max()!, 1e-300), "step \(step)")
        }
        XCTAssertGreaterThan(plastic.last!.max()!, 1e-4)
        XCTAssertThrowsError(try StressRecomputation(points: solver.points, law: law, loading: loading, times: [1, 0.5, 2, 3],
                                                     displacements: displacements))
        XCTAssertThrowsError(try StressRecomputation(points: solver.points, law: law, loading: loading, times: times,
                                                     displacements: displacements, fields: ["q"]))
    }
}
