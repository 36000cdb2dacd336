/// The fluid of an acoustic problem: density ρ and speed of sound c (air at about 20 °C by default).
public struct Air: Sendable, Equatable {
    /// ρ, kg/m³.
    public var density: Double
    /// c, m/s.
    public var soundSpeed: Double

    /// Air at 20 °C: ρ = 1.2 kg/m³, c = 343 m/s.
    public init(density: Double = 1.2, soundSpeed: Double = 343) {
        self.density = density
        self.soundSpeed = soundSpeed
    }

    /// ρc, the characteristic impedance (Pa·s/m).
    public var characteristicImpedance: Double { density * soundSpeed }

    /// k = ω / c = 2π f / c.
    public func wavenumber(frequency f: Double) -> Double { 2 * Double.pi * f / soundSpeed }
}
