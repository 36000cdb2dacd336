import Materials
import XCTest

final class LinearElasticLawTests: XCTestCase {
    /// Uniaxial stress: σ = (E ε, 0, 0) for ε = (ε, −ν ε, −ν ε); a shear γ gives τ = μ γ.
    func testUniaxialStressAndShear() throws {
        let law = try LinearElasticLaw(youngsModulus: 200e3, poissonRatio: 0.3)
        let eps = 1e-3
        let out = try law.update(strain: [eps, -0.3 * eps, -0.3 * eps, 0, 0, 2e-3], temperature: 20, timeStep: 1,
                                 previousState: [])
        XCTAssertEqual(out.stress[0], 200e3 * eps, accuracy: 1e-9)
        XCTAssertEqual(out.stress[1], 0, accuracy: 1e-9)
        XCTAssertEqual(out.stress[2], 0, accuracy: 1e-9)
        XCTAssertEqual(out.stress[5], 200e3 / 2.6 * 2e-3, accuracy: 1e-9)
        XCTAssertEqual(Voigt.vonMises(out.stress), (200e3 * eps * 200e3 * eps + 3 * pow(200e3 / 2.6 * 2e-3, 2)).squareRoot(), accuracy: 1e-8)
    }

    /// A free thermal expansion gives no stress; the tangent is the derivative of the stress.
    func testThermalStrainAndTangent() throws {
        let law = try LinearElasticLaw(youngsModulus: TemperatureTable(temperatures: [0, 1000], values: [200e3, 100e3]),
                                       poissonRatio: TemperatureTable(constant: 0.3),
                                       thermalExpansion: TemperatureTable(constant: 1.2e-5), referenceTemperature: 20)
        let th = 1.2e-5 * (520 - 20)
        let free = try law.update(strain: [th, th, th, 0, 0, 0], temperature: 520, timeStep: 1, previousState: [])
        for s in free.stress { XCTAssertEqual(s, 0, accuracy: 1e-9) }
        let strain = [1e-3, 2e-4, -3e-4, 5e-4, -1e-4, 2e-4]
        let base = try law.update(strain: strain, temperature: 520, timeStep: 1, previousState: [])
        for j in 0..<6 {
            var e = strain; e[j] += 1e-7
            let s = try law.update(strain: e, temperature: 520, timeStep: 1, previousState: []).stress
            for i in 0..<6 { XCTAssertEqual((s[i] - base.stress[i]) / 1e-7, base.tangent[6 * i + j], accuracy: 1e-4 * 150e3) }
        }
        XCTAssertEqual(law.youngsModulus(520), 148e3, accuracy: 1e-9)
    }

    /// A description rebuilds an equal law; a bad one is an error naming the parameter.
    func testDescriptionRoundTripAndErrors() throws {
        let law = try LinearElasticLaw(youngsModulus: TemperatureTable(temperatures: [0, 1000], values: [200e3, 100e3]),
                                       poissonRatio: TemperatureTable(constant: 0.3),
                                       thermalExpansion: TemperatureTable(constant: 1.2e-5), referenceTemperature: 20)
        let back = try ConstitutiveLaws.law(from: law.lawDescription)
        XCTAssertEqual(back as? LinearElasticLaw, law)
        var bad = law.lawDescription
        bad.parameters["nu"] = [0, 0.7]
        XCTAssertThrowsError(try ConstitutiveLaws.law(from: bad)) { XCTAssertTrue("\($0)".contains("nu"), "\($0)") }
        bad = law.lawDescription
        bad.parameters["E"] = [0, 1000, 3]
        XCTAssertThrowsError(try ConstitutiveLaws.law(from: bad)) { XCTAssertTrue("\($0)".contains("E"), "\($0)") }
        XCTAssertThrowsError(try ConstitutiveLaws.law(from: ConstitutiveLawDescription(name: "umat", parameters: [:]))) {
            XCTAssertTrue("\($0)".contains("umat"), "\($0)")
        }
        XCTAssertThrowsError(try TemperatureTable(temperatures: [0, 0], values: [1, 2]))
        XCTAssertThrowsError(try law.update(strain: [.nan, 0, 0, 0, 0, 0], temperature: 0, timeStep: 1, previousState: []))
        XCTAssertThrowsError(try law.update(strain: [0, 0, 0], temperature: 0, timeStep: 1, previousState: []))
    }
}
