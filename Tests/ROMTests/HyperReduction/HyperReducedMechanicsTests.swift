import Foundation
import LinearAlgebra
import Materials
import ROM
import XCTest

final class HyperReducedMechanicsTests: XCTestCase {
    /// The test law's consistent tangent against central differences of its stress, on a plastic
    /// step (relative 1e-6): the check that makes the quadratic-convergence test meaningful.
    func testTheTestLawTangentMatchesFiniteDifferences() throws {
        let law = HardeningPlasticityLaw(youngsModulus: 200, poissonRatio: 0.3, yieldStress: 1, hardening: 20)
        let previous: [Double] = [0.001, -0.0005, -0.0005, 0.0002, 0, 0.0001, 0.0012]
        let strain: [Double] = [0.012, -0.003, 0.001, 0.004, -0.002, 0.006]
        let (stress, tangent, state) = try law.update(strain: strain, temperature: 0, timeStep: 1, previousState: previous)
        XCTAssertGreaterThan(state[6], previous[6], "the step is plastic")
        XCTAssertEqual(Voigt.vonMises(stress), 1 + 20 * state[6], accuracy: 1e-12, "the stress is on the yield surface")
        let h = 1e-7
        var largest = 0.0, scale = 0.0
        for j in 0..<6 {
            var plus = strain, minus = strain
            plus[j] += h
            minus[j] -= h
            let sp = try law.update(strain: plus, temperature: 0, timeStep: 1, previousState: previous).stress
            let sm = try law.update(strain: minus, temperature: 0, timeStep: 1, previousState: previous).stress
            for i in 0..<6 {
                largest = max(largest, abs((sp[i] - sm[i]) / (2 * h) - tangent[6 * i + j]))
                scale = max(scale, abs(tangent[6 * i + j]))
            }
        }
        XCTAssertLessThan(largest / scale, 1e-6)
    }

    /// Linear thermoelasticity: with every point and the exact weights, the reduced Newton's
    /// solution equals the Galerkin projection of the full problem,
    /// c = (Vᵀ K V)⁻¹ Vᵀ (f + f_th), K = Σ_g w_g B_gᵀ C B_g, f_th = Σ_g w_g B_gᵀ C ε_th(T_g), to 1e-12,
    /// in one Newton iteration per step.
    func testLinearElasticReducedSolutionIsTheGalerkinProjection() throws {
        let problem = try SyntheticMechanics(dofs: 40, modes: 5, seed: 4)
        let law = try LinearElasticLaw(youngsModulus: TemperatureTable(constant: 200), poissonRatio: TemperatureTable(constant: 0.3),
                                       thermalExpansion: TemperatureTable(constant: 1e-3), referenceTemperature: 20)
        let m = problem.pointCount, n = problem.dofs
        var generator = SplitMix64(seed: 9)
        let steps = 3
        let fullForces = Matrix(rows: n, columns: steps, storage: (0..<(n * steps)).map { _ in generator.nextUniform() - 0.5 })
        let temperatures = Matrix(rows: m, columns: steps, storage: (0..<(m * steps)).map { _ in 20 + 50 * generator.nextUniform() })
        let loading = try ReducedLoading(forces: Matrix.product(.transposed, problem.modes, .none, fullForces), temperatures: temperatures,
                                         timeSteps: [1, 1, 1])
        let solver = try HyperReducedMechanics(points: try problem.allPoints(), law: law)
        let run = try solver.run(loading)
        XCTAssertEqual(run.iterations, [1, 1, 1])

        // The full problem, assembled densely.
        let (lambda, mu) = law.lame(at: 0)
        var c = Matrix(rows: 6, columns: 6)
        c.storage.withUnsafeMutableBufferPointer { LinearElasticLaw.writeElasticity(lambda: lambda, mu: mu, into: $0) }
        var k = Matrix(rows: n, columns: n)
        for g in 0..<m {
            let b = problem.fullStrains.rows(Array((6 * g)..<(6 * g + 6)))
            k = k + problem.weights[g] * Matrix.product(.transposed, b, .none, c * b)
        }
        let vkv = Matrix.product(.transposed, problem.modes, .none, k * problem.modes)
        for t in 0..<steps {
            var f = fullForces.column(t)
            for g in 0..<m {
                let b = problem.fullStrains.rows(Array((6 * g)..<(6 * g + 6)))
                let th = law.thermalStrain(at: temperatures[g, t])
                BLAS.axpy(problem.weights[g], b.applyTransposed(c.applied(to: [th, th, th, 0, 0, 0])), &f)
            }
            let galerkin = try DenseLU(vkv).solve(problem.modes.applyTransposed(f))
            let reduced = run.coefficients.column(t)
            for i in 0..<5 { XCTAssertEqual(reduced[i], galerkin[i], accuracy: 1e-12 * BLAS.nrm2(galerkin), "step \(t), mode \(i)") }
        }
    }

    /// A loading cycle into plasticity and back (f_N(t) = λ(t) f̂, λ: 0 → 1 → −0.6 → 0): the full
    /// reduced Newton (all points) gives the training stresses; the ECM on their integrands
    /// σ(t) : ε(ψ_n) selects points; the hyper-reduced Newton on them reproduces c(t) within the
    /// tolerance, and Newton converges quadratically on a plastic step.
    func testHyperReducedNewtonReproducesTheFullReducedNewton() throws {
        let problem = try SyntheticMechanics(dofs: 40, modes: 4, seed: 7)
        let law = HardeningPlasticityLaw(youngsModulus: 200, poissonRatio: 0.3, yieldStress: 1, hardening: 20)
        let loading = try Self.cycle(problem, law: law)
        let full = try HyperReducedMechanics(points: try problem.allPoints(), law: law)
        let reference = try full.run(loading)
        XCTAssertTrue(reference.field!.storage.contains { $0 > 0 }, "the cycle is plastic")

        let tau = 1e-6
        let ecm = try EmpiricalCubature(integrands: problem.integrands(stresses: reference.stresses), weights: problem.weights,
                                        options: .init(tolerance: tau))
        XCTAssertLessThan(ecm.points.count, problem.pointCount / 4, "\(ecm.points.count) of \(problem.pointCount) points")
        let reduced = try ReducedIntegrationPoints(selecting: ecm.points, weights: ecm.weights, fromStrainModes: problem.strainModes)
        let hyper = try HyperReducedMechanics(points: reduced, law: law)
        let result = try hyper.run(try ReducedLoading(forces: loading.forces, temperatures: loading.temperatures.rows(ecm.points),
                                                      timeSteps: loading.timeSteps))
        var largest = 0.0, scale = 0.0
        for t in 0..<loading.stepCount {
            var difference = result.coefficients.column(t)
            BLAS.axpy(-1, reference.coefficients.column(t), &difference)
            largest = max(largest, BLAS.nrm2(difference))
            scale = max(scale, BLAS.nrm2(reference.coefficients.column(t)))
        }
        print("ECM: \(ecm.points.count) points of \(problem.pointCount), max relative coefficient error \(largest / scale)")
        XCTAssertLessThan(largest / scale, 10 * tau)

        // Quadratic convergence on the most plastic step: e_{k+1} ≤ C e_k² once e_k is small.
        let step = reference.iterations.indices.max { reference.iterations[$0] < reference.iterations[$1] }!
        XCTAssertGreaterThanOrEqual(reference.iterations[step], 3)
        try full.reset(temperatures: [Double](repeating: 0, count: problem.pointCount))
        _ = try full.run(loading, steps: step + 1)
        let history = full.residualHistory
        print("Newton residuals at step \(step): \(history)")
        var checked = 0
        for i in 1..<history.count where history[i - 1] < 1e-2 && history[i] > 1e-14 {
            XCTAssertLessThan(history[i], 10 * history[i - 1] * history[i - 1], "iteration \(i): \(history)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "\(history)")
    }

    /// Stages (ii) and (iii) end to end: from the full-point run, the ECM points and a Gappy-POD of
    /// the cumulated plastic strain p sampled at them (plus the Q-DEIM points it adds, weight 0);
    /// online, the evaluator's p on all 512 points at every step matches the full run's.
    func testGappyReconstructionOfThePlasticStrainOnAllPoints() throws {
        let problem = try SyntheticMechanics(dofs: 40, modes: 4, seed: 7)
        let law = HardeningPlasticityLaw(youngsModulus: 200, poissonRatio: 0.3, yieldStress: 1, hardening: 20)
        let loading = try Self.cycle(problem, law: law)
        let reference = try HyperReducedMechanics(points: try problem.allPoints(), law: law).run(loading)
        let p = try XCTUnwrap(reference.field)
        let ecm = try EmpiricalCubature(integrands: problem.integrands(stresses: reference.stresses), weights: problem.weights,
                                        options: .init(tolerance: 1e-6))
        let gappy = try GappyPOD(snapshots: p, truncation: .relativeSingularValue(1e-8), points: ecm.points)
        let all = ecm.points + gappy.addedPoints
        let points = try ReducedIntegrationPoints(selecting: all, weights: ecm.weights + gappy.addedPoints.map { _ in 0 },
                                                  fromStrainModes: problem.strainModes)
        let model = try HyperReducedModel(points: points, law: law,
                                          loading: try ReducedLoading(forces: loading.forces, temperatures: loading.temperatures.rows(all),
                                                                      timeSteps: loading.timeSteps),
                                          modes: problem.modes, fieldReconstructions: ["p": gappy], meshPointCount: problem.pointCount)
        let evaluator = try HyperReducedModelEvaluator(model: model)
        try evaluator.run(steps: loading.stepCount)
        var largest = 0.0
        for step in 0..<loading.stepCount {
            var error = try evaluator.reconstructField("p", step: step)
            BLAS.axpy(-1, p.column(step), &error)
            largest = max(largest, BLAS.nrm2(error) / BLAS.nrm2(p.column(loading.stepCount - 1)))
        }
        print("Gappy-POD of p: \(gappy.size) modes, \(gappy.points.count) points (\(gappy.addedPoints.count) added), condition \(gappy.conditionNumber), max error \(largest)")
        XCTAssertLessThan(largest, 1e-5)
        XCTAssertEqual(try evaluator.displacement(step: 3), problem.modes.applied(to: evaluator.trajectory!.coefficients.column(3)))
        XCTAssertThrowsError(try evaluator.reconstructField("q", step: 0))
        XCTAssertThrowsError(try evaluator.reconstructField("p", step: loading.stepCount))
    }

    /// Newton's failure names the step; a law's failure names the step and the point.
    func testFailuresNameTheStep() throws {
        let problem = try SyntheticMechanics(dofs: 40, modes: 4, seed: 7)
        let law = HardeningPlasticityLaw(youngsModulus: 200, poissonRatio: 0.3, yieldStress: 1, hardening: 20)
        let loading = try Self.cycle(problem, law: law)
        let reference = try HyperReducedMechanics(points: try problem.allPoints(), law: law).run(loading)
        let firstPlastic = reference.iterations.firstIndex { $0 > 1 }!
        let limited = try HyperReducedMechanics(points: try problem.allPoints(), law: law, options: .init(maximumIterations: 1))
        XCTAssertThrowsError(try limited.run(loading)) {
            guard case .newtonFailed(let step, let iterations, _)? = $0 as? HyperReductionError else { return XCTFail("\($0)") }
            XCTAssertEqual(step, firstPlastic)
            XCTAssertEqual(iterations, 1)
        }
        // A law failure names the step and the point; bad loading or points are refused up front.
        var temperatures = loading.temperatures
        temperatures[3, 2] = 2000
        let hot = try ReducedLoading(forces: loading.forces, temperatures: temperatures, timeSteps: loading.timeSteps)
        XCTAssertThrowsError(try HyperReducedMechanics(points: try problem.allPoints(), law: MeltingLaw(base: law)).run(hot)) {
            XCTAssertEqual($0 as? HyperReductionError, .lawFailed(step: 2, point: 3, detail: "test-hardening-plasticity: the return mapping did not converge in 0 iterations (residual 2000.0)"))
        }
        temperatures[3, 2] = .nan
        XCTAssertThrowsError(try ReducedLoading(forces: loading.forces, temperatures: temperatures, timeSteps: loading.timeSteps)) {
            guard case .notFinite? = $0 as? ROMError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try ReducedIntegrationPoints(strainModes: problem.strainModes, weights: Array(problem.weights.dropLast()),
                                                          pointIndices: Array(0..<(problem.pointCount - 1)))) {
            guard case .dimensionMismatch? = $0 as? ROMError else { return XCTFail("\($0)") }
        }
    }

    /// The test law, failing above 1000 degrees (a return mapping that gives up).
    struct MeltingLaw: ConstitutiveLaw {
        let base: HardeningPlasticityLaw
        var name: String { base.name }
        var stateCount: Int { base.stateCount }
        var stateFields: [String: Int] { base.stateFields }
        var lawDescription: ConstitutiveLawDescription { base.lawDescription }
        func initializeState(_ state: UnsafeMutableBufferPointer<Double>, temperature: Double) { base.initializeState(state, temperature: temperature) }
        func update(strain: UnsafeBufferPointer<Double>, temperature: Double, timeStep: Double, previousState: UnsafeBufferPointer<Double>,
                    state: UnsafeMutableBufferPointer<Double>, stress: UnsafeMutableBufferPointer<Double>, tangent: UnsafeMutableBufferPointer<Double>?) throws {
            if temperature > 1000 { throw MaterialError.returnMappingFailed(law: name, iterations: 0, residual: temperature) }
            try base.update(strain: strain, temperature: temperature, timeStep: timeStep, previousState: previousState, state: state, stress: stress, tangent: tangent)
        }
    }

    /// λ(t) f̂ with f̂ the elastic reduced force of a displacement whose largest strain is 20 times
    /// the yield strain; temperature 0, Δt = 1.
    static func cycle(_ problem: SyntheticMechanics, law: HardeningPlasticityLaw) throws -> ReducedLoading {
        let n = problem.modes.columns, m = problem.pointCount
        let bv = problem.strainModes
        var generator = SplitMix64(seed: 17)
        var direction = (0..<n).map { _ in generator.nextUniform() - 0.5 }
        let strains = bv.applied(to: direction)
        BLAS.scal(20 * law.yieldStress / law.youngsModulus / strains.map(abs).max()!, &direction)
        let elastic = HardeningPlasticityLaw(youngsModulus: law.youngsModulus, poissonRatio: law.poissonRatio, yieldStress: 1e30, hardening: 0)
        // The elastic reduced stiffness Σ w B_gᵀ C B_g, and the force of `direction`.
        var k = Matrix(rows: n, columns: n)
        for g in 0..<m {
            let b = bv.rows(Array((6 * g)..<(6 * g + 6)))
            let tangent = try elastic.update(strain: [0, 0, 0, 0, 0, 0], temperature: 0, timeStep: 1, previousState: [Double](repeating: 0, count: 7)).tangent
            let c = Matrix(rows: 6, columns: 6, storage: tangent).transposed
            k = k + problem.weights[g] * Matrix.product(.transposed, b, .none, c * b)
        }
        let force = k.applied(to: direction)
        let lambdas: [Double] = [0.2, 0.4, 0.6, 0.8, 1.0, 0.6, 0.2, -0.2, -0.6, -0.3, 0.0]
        var forces = Matrix(rows: n, columns: lambdas.count)
        for (t, l) in lambdas.enumerated() { forces.setColumn(t, to: force.map { $0 * l }) }
        return try ReducedLoading(forces: forces, temperatures: Matrix(rows: m, columns: lambdas.count),
                                  timeSteps: [Double](repeating: 1, count: lambdas.count))
    }
}
