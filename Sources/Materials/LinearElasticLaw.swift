/// Isotropic linear thermoelasticity: σ = λ tr(ε − ε_th) I + 2μ (ε − ε_th), with the thermal strain
/// ε_th = α(T) (T − T_ref) I and Young's modulus, Poisson's ratio and the (secant) expansion
/// coefficient given as functions of temperature. No internal state; the tangent is the
/// elasticity tensor at T. Every inelastic law of the module reduces to it below its threshold.
public struct LinearElasticLaw: DescribableConstitutiveLaw, Equatable {
    public static let lawName = "linear-elastic"
    public var name: String { Self.lawName }
    public var stateCount: Int { 0 }
    public var stateFields: [String: Int] { [:] }

    /// Young's modulus E(T) (> 0).
    public let youngsModulus: TemperatureTable
    /// Poisson's ratio ν(T) (in (−1, 1/2)).
    public let poissonRatio: TemperatureTable
    /// The secant thermal expansion coefficient α(T).
    public let thermalExpansion: TemperatureTable
    /// The temperature without thermal strain.
    public let referenceTemperature: Double

    /// Checks E > 0 and −1 < ν < 1/2 at every tabulated point.
    public init(youngsModulus: TemperatureTable, poissonRatio: TemperatureTable,
                thermalExpansion: TemperatureTable = TemperatureTable(constant: 0), referenceTemperature: Double = 0) throws {
        guard youngsModulus.values.allSatisfy({ $0 > 0 }) else {
            throw MaterialError.invalidParameter(law: Self.lawName, parameter: "E", detail: "must be positive")
        }
        guard poissonRatio.values.allSatisfy({ $0 > -1 && $0 < 0.5 }) else {
            throw MaterialError.invalidParameter(law: Self.lawName, parameter: "nu", detail: "must lie in (-1, 0.5)")
        }
        guard referenceTemperature.isFinite else {
            throw MaterialError.invalidParameter(law: Self.lawName, parameter: "T_ref", detail: "NaN or infinite")
        }
        self.youngsModulus = youngsModulus
        self.poissonRatio = poissonRatio
        self.thermalExpansion = thermalExpansion
        self.referenceTemperature = referenceTemperature
    }

    /// Constant E and ν, no thermal strain.
    public init(youngsModulus e: Double, poissonRatio nu: Double) throws {
        try self.init(youngsModulus: TemperatureTable(constant: e), poissonRatio: TemperatureTable(constant: nu))
    }

    public init(description: ConstitutiveLawDescription) throws {
        try self.init(youngsModulus: description.table("E"), poissonRatio: description.table("nu"),
                      thermalExpansion: description.table("alpha"), referenceTemperature: description.scalar("T_ref"))
    }

    public var lawDescription: ConstitutiveLawDescription {
        ConstitutiveLawDescription(name: Self.lawName, parameters: [
            "E": youngsModulus.flattened, "nu": poissonRatio.flattened,
            "alpha": thermalExpansion.flattened, "T_ref": [referenceTemperature],
        ])
    }

    /// The Lamé coefficients (λ, μ) at temperature `t`.
    @inlinable
    public func lame(at t: Double) -> (lambda: Double, mu: Double) {
        let e = youngsModulus(t), nu = poissonRatio(t)
        return (e * nu / ((1 + nu) * (1 - 2 * nu)), e / (2 * (1 + nu)))
    }

    /// The isotropic thermal strain α(T)(T − T_ref) (the same on the three normal components).
    @inlinable
    public func thermalStrain(at t: Double) -> Double { thermalExpansion(t) * (t - referenceTemperature) }

    public func initializeState(_ state: UnsafeMutableBufferPointer<Double>, temperature: Double) {}

    public func update(strain: UnsafeBufferPointer<Double>, temperature: Double, timeStep: Double,
                       previousState: UnsafeBufferPointer<Double>, state: UnsafeMutableBufferPointer<Double>,
                       stress: UnsafeMutableBufferPointer<Double>, tangent: UnsafeMutableBufferPointer<Double>?) throws {
        try checkUpdateInputs(strain: strain, temperature: temperature, timeStep: timeStep, previousState: previousState,
                              state: state, stress: stress, tangent: tangent)
        let (lambda, mu) = lame(at: temperature)
        let th = thermalStrain(at: temperature)
        let e0 = strain[0] - th, e1 = strain[1] - th, e2 = strain[2] - th
        let tr = e0 + e1 + e2
        stress[0] = lambda * tr + 2 * mu * e0
        stress[1] = lambda * tr + 2 * mu * e1
        stress[2] = lambda * tr + 2 * mu * e2
        stress[3] = mu * strain[3]
        stress[4] = mu * strain[4]
        stress[5] = mu * strain[5]
        if let tangent { Self.writeElasticity(lambda: lambda, mu: mu, into: tangent) }
    }

    /// Writes the isotropic elasticity tensor in ``Voigt`` storage (engineering shears).
    @inlinable
    public static func writeElasticity(lambda: Double, mu: Double, into tangent: UnsafeMutableBufferPointer<Double>) {
        for k in 0..<Voigt.tangentCount { tangent[k] = 0 }
        for i in 0..<3 {
            for j in 0..<3 { tangent[6 * i + j] = lambda }
            tangent[6 * i + i] = lambda + 2 * mu
            tangent[6 * (i + 3) + i + 3] = mu
        }
    }
}
