import Foundation
import Materials
import XCTest

/// The Norton law against the 1D closed forms of creep and relaxation, its consistent tangent
/// against central differences, its elastic limit and its description.
final class NortonViscoplasticLawTests: XCTestCase {
    static let e = 200e3, nu = 0.3

    /// Norton without threshold or hardening (the 1D closed forms).
    func pureNorton(k: Double = 1000, n: Double = 5) throws -> NortonViscoplasticLaw {
        try NortonViscoplasticLaw(elastic: LinearElasticLaw(youngsModulus: Self.e, poissonRatio: Self.nu),
                                  yieldStress: TemperatureTable(constant: 0), nortonK: TemperatureTable(constant: k),
                                  nortonN: TemperatureTable(constant: n))
    }

    /// The full model: threshold, isotropic and Armstrong–Frederick hardening, temperature tables.
    func chaboche(recovery: Double = 300, kinematic: Double = 60e3) throws -> NortonViscoplasticLaw {
        try NortonViscoplasticLaw(
            elastic: LinearElasticLaw(youngsModulus: TemperatureTable(temperatures: [20, 1000], values: [200e3, 140e3]),
                                      poissonRatio: TemperatureTable(constant: 0.3),
                                      thermalExpansion: TemperatureTable(constant: 1.4e-5), referenceTemperature: 20),
            yieldStress: TemperatureTable(temperatures: [20, 1000], values: [400, 150]),
            nortonK: TemperatureTable(constant: 800), nortonN: TemperatureTable(temperatures: [20, 1000], values: [10, 6]),
            isotropicQ: TemperatureTable(constant: 120), isotropicB: TemperatureTable(constant: 15),
            isotropicH: TemperatureTable(constant: 800), kinematicC: TemperatureTable(constant: kinematic),
            kinematicD: TemperatureTable(constant: recovery))
    }

    /// One step under uniaxial stress control in direction 1 (σ₂₂ = σ₃₃ = 0, no shear), or under
    /// axial strain control when `axialStrain` is given: a small Newton on (ε₁₁, ε₂₂ = ε₃₃) with
    /// the law's tangent. Returns (ε₁₁, σ₁₁, state).
    func uniaxialStep(_ law: NortonViscoplasticLaw, stress target: Double = 0, axialStrain: Double? = nil,
                      guess: (Double, Double), dt: Double, state: [Double]) throws -> (strain: Double, stress: Double, state: [Double], lateral: Double) {
        var (e11, e22) = guess
        if let axialStrain { e11 = axialStrain }
        for _ in 0..<50 {
            let out = try law.update(strain: [e11, e22, e22, 0, 0, 0], temperature: 20, timeStep: dt, previousState: state)
            let t = out.tangent
            let r1 = out.stress[0] - target, r2 = out.stress[1]
            if abs(r2) <= 1e-12 * 1000 && (axialStrain != nil || abs(r1) <= 1e-12 * 1000) {
                return (e11, out.stress[0], out.state, e22)
            }
            let a11 = t[0], a12 = t[1] + t[2], a21 = t[6], a22 = t[7] + t[8]
            if axialStrain != nil {
                e22 -= r2 / a22
            } else {
                let det = a11 * a22 - a12 * a21
                e11 -= (a22 * r1 - a12 * r2) / det
                e22 -= (a11 * r2 - a21 * r1) / det
            }
        }
        throw MaterialError.returnMappingFailed(law: "uniaxial test driver", iterations: 50, residual: .nan)
    }

    /// Creep under constant stress: ε(t) = σ/E + (σ/K)ⁿ t. The viscoplastic rate is constant, so
    /// backward Euler is exact at any step.
    func testCreepUnderConstantStressMatchesTheClosedForm() throws {
        let law = try pureNorton()
        let sigma = 300.0, rate = pow(sigma / 1000, 5)
        var state = law.initialState(temperature: 20)
        var strains = (0.0, 0.0)
        let load = try uniaxialStep(law, stress: sigma, guess: strains, dt: 0, state: state)
        XCTAssertEqual(load.strain, sigma / Self.e, accuracy: 1e-15)
        state = load.state
        strains = (load.strain, load.lateral)
        let dt = 0.1
        for step in 1...10 {
            let out = try uniaxialStep(law, stress: sigma, guess: strains, dt: dt, state: state)
            state = out.state
            strains = (out.strain, out.lateral)
            let exact = sigma / Self.e + rate * dt * Double(step)
            XCTAssertEqual(out.strain, exact, accuracy: 1e-12 * exact)
            XCTAssertEqual(state[NortonViscoplasticLaw.pOffset], rate * dt * Double(step), accuracy: 1e-12 * exact)
        }
        // Viscoplastic flow is incompressible: ε_vp,22 = −ε_vp,11 / 2.
        XCTAssertEqual(state[1], -state[0] / 2, accuracy: 1e-15)
    }

    /// Relaxation at constant strain: σ(t) = [σ₀^{1−n} + (n−1) E K^{−n} t]^{1/(1−n)}; backward Euler
    /// converges at order 1 (error ratio 2 per halving of the step).
    func testRelaxationConvergesAtOrderOne() throws {
        let law = try pureNorton()
        let eps0 = 2e-3, sigma0 = Self.e * eps0, n = 5.0, tEnd = 1.0
        let exact = pow(pow(sigma0, 1 - n) + (n - 1) * Self.e * pow(1000, -n) * tEnd, 1 / (1 - n))
        XCTAssertLessThan(exact, 0.6 * sigma0)
        var errors = [Double]()
        for steps in [20, 40, 80, 160] {
            let load = try uniaxialStep(law, axialStrain: eps0, guess: (eps0, -Self.nu * eps0), dt: 0, state: law.initialState(temperature: 20))
            XCTAssertEqual(load.stress, sigma0, accuracy: 1e-9)
            var state = load.state, lateral = load.lateral, stress = load.stress
            for _ in 0..<steps {
                let out = try uniaxialStep(law, axialStrain: eps0, guess: (eps0, lateral), dt: tEnd / Double(steps), state: state)
                state = out.state; lateral = out.lateral; stress = out.stress
            }
            errors.append(abs(stress - exact) / exact)
        }
        print("relaxation: relative errors", errors, "ratios", zip(errors, errors.dropFirst()).map { $0 / $1 })
        XCTAssertLessThan(errors[0], 3e-2)
        for (coarse, fine) in zip(errors, errors.dropFirst()) {
            XCTAssertEqual(coarse / fine, 2, accuracy: 0.15)
        }
    }

    /// The tangent against central differences of the stress, in viscoplastic flow, with
    /// isotropic hardening only and with Armstrong–Frederick hardening (a back stress out of line
    /// with the flow, where the tangent is not symmetric).
    func testConsistentTangentMatchesFiniteDifferences() throws {
        for (label, law) in [("isotropic", try chaboche(recovery: 0, kinematic: 0)), ("armstrong-frederick", try chaboche())] {
            // Load in tension, then turn the strain towards shear: X no longer lines up with the flow.
            var state = law.initialState(temperature: 20)
            let path: [[Double]] = [[4e-3, -1.2e-3, -1.2e-3, 0, 0, 0], [8e-3, -2.4e-3, -2.4e-3, 0, 0, 0],
                                    [8e-3, -2.4e-3, -2.4e-3, 0, 0, 6e-3]]
            for strain in path { state = try law.update(strain: strain, temperature: 700, timeStep: 0.5, previousState: state).state }
            XCTAssertGreaterThan(state[NortonViscoplasticLaw.pOffset], 1e-3, label)
            let strain = [8.5e-3, -2.2e-3, -2.6e-3, 1e-3, -2e-3, 9e-3]
            let base = try law.update(strain: strain, temperature: 800, timeStep: 0.5, previousState: state)
            XCTAssertGreaterThan(base.state[NortonViscoplasticLaw.pOffset], state[NortonViscoplasticLaw.pOffset], label)
            let h = 1e-7
            var difference = 0.0, norm = 0.0, asymmetry = 0.0
            for j in 0..<6 {
                var plus = strain, minus = strain
                plus[j] += h; minus[j] -= h
                let sp = try law.update(strain: plus, temperature: 800, timeStep: 0.5, previousState: state).stress
                let sm = try law.update(strain: minus, temperature: 800, timeStep: 0.5, previousState: state).stress
                for i in 0..<6 {
                    let fd = (sp[i] - sm[i]) / (2 * h)
                    difference += pow(fd - base.tangent[6 * i + j], 2)
                    norm += pow(base.tangent[6 * i + j], 2)
                    asymmetry = max(asymmetry, abs(base.tangent[6 * i + j] - base.tangent[6 * j + i]))
                }
            }
            let relative = (difference / norm).squareRoot()
            print("tangent (\(label)): relative difference to central differences \(relative), max asymmetry \(asymmetry)")
            XCTAssertLessThanOrEqual(relative, 1e-6, label)
            // The tangent differs from the elastic one (the point flows).
            let elastic = try law.elastic.update(strain: strain, temperature: 800, timeStep: 0.5, previousState: []).tangent
            XCTAssertGreaterThan(zip(elastic, base.tangent).map { abs($0 - $1) }.max()!, 1e3, label)
            if label == "isotropic" {
                XCTAssertLessThan(asymmetry, 1e-9 * norm.squareRoot(), label)
                XCTAssertTrue(law.hasSymmetricTangent)
            } else {
                XCTAssertGreaterThan(asymmetry, 1e-6 * norm.squareRoot(), label)
                XCTAssertFalse(law.hasSymmetricTangent)
            }
        }
    }

    /// Below the threshold the law is LinearElasticLaw, to the last bit: stress, tangent, state.
    func testElasticLimitEqualsLinearElasticLaw() throws {
        let law = try chaboche()
        let strain = [6e-4, -1.5e-4, 1e-4, 2e-4, -0.5e-4, 1.5e-4]
        for (t, dt) in [(20.0, 1.0), (650.0, 10.0), (1000.0, 0.0)] {
            let vp = try law.update(strain: strain, temperature: t, timeStep: dt, previousState: law.initialState(temperature: t))
            let el = try law.elastic.update(strain: strain, temperature: t, timeStep: dt, previousState: [])
            XCTAssertLessThan(Voigt.vonMises(vp.stress), law.yieldStress(t))
            XCTAssertEqual(vp.stress, el.stress)
            XCTAssertEqual(vp.tangent, el.tangent)
            XCTAssertEqual(vp.state, [Double](repeating: 0, count: 13))
        }
    }

    /// A trial stress far beyond the threshold with a large exponent and a long step: the
    /// bracketed Newton converges where (f/K)ⁿ overflows, and the result satisfies the flow rule.
    func testHugeTrialStressDoesNotOverflow() throws {
        let law = try NortonViscoplasticLaw(elastic: LinearElasticLaw(youngsModulus: Self.e, poissonRatio: Self.nu),
                                            yieldStress: TemperatureTable(constant: 100), nortonK: TemperatureTable(constant: 50),
                                            nortonN: TemperatureTable(constant: 100))
        XCTAssertEqual(pow((Self.e - 100) / 50, 100), .infinity)
        let out = try law.update(strain: [1, 0, 0, 0, 0, 0], temperature: 20, timeStep: 1e4, previousState: law.initialState(temperature: 20))
        let dp = out.state[NortonViscoplasticLaw.pOffset]
        XCTAssertTrue(dp > 0 && dp.isFinite)
        let overstress = Voigt.vonMises(out.stress) - 100
        XCTAssertEqual(50 * pow(dp / 1e4, 1.0 / 100), overstress, accuracy: 1e-9 * overstress)
        for s in out.stress + out.tangent { XCTAssertTrue(s.isFinite) }
    }

    /// A description rebuilds an equal law; bad parameters are errors naming them.
    func testDescriptionRoundTripAndErrors() throws {
        let law = try chaboche()
        let back = try ConstitutiveLaws.law(from: law.lawDescription)
        XCTAssertEqual(back as? NortonViscoplasticLaw, law)
        XCTAssertEqual(back.stateFields["p"], 6)
        XCTAssertTrue(ConstitutiveLaws.names.contains("norton"))
        var bad = law.lawDescription
        bad.parameters["n"] = [0, 0.5]
        XCTAssertThrowsError(try ConstitutiveLaws.law(from: bad)) { XCTAssertTrue("\($0)".contains("n"), "\($0)") }
        bad = law.lawDescription
        bad.parameters.removeValue(forKey: "D")
        XCTAssertThrowsError(try ConstitutiveLaws.law(from: bad)) { XCTAssertTrue("\($0)".contains("D"), "\($0)") }
        var state = law.initialState(temperature: 20)
        state[6] = .nan
        XCTAssertThrowsError(try law.update(strain: [0, 0, 0, 0, 0, 0], temperature: 20, timeStep: 1, previousState: state))
    }
}
