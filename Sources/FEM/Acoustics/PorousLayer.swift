import ComplexModule
import RealModule

/// A layer of porous material of thickness d on a rigid backing, seen from the air as a surface
/// impedance, with the empirical laws of Delany and Bazley ("Acoustical properties of fibrous
/// absorbent materials", Applied Acoustics 3, 1970) for its characteristic impedance and
/// wavenumber in terms of X = ρ f / σ (σ the flow resistivity, Pa·s/m²):
///
///     Z_c = ρc (1 + 0.0571 X^−0.754 − i 0.087 X^−0.732)
///     k_c = (ω/c) (1 + 0.0978 X^−0.700 − i 0.189 X^−0.595)
///     Z_s = −i Z_c cot(k_c d)
///
/// Those are the formulas in the e^{+iωt} convention of the acoustics literature (a wave
/// e^{i(ωt − k_c x)} decays when Im k_c < 0). ROMKit's Helmholtz operator uses e^{−iωt}
/// (`Assembler.helmholtz`), where every quantity is the complex conjugate: the values returned
/// here are conj(Z_c), conj(k_c) and Z_s = i Z_c cot(k_c d) with those conjugates. The real parts,
/// hence the dissipation ½ Re(1/Z_s) |p|² ≥ 0, are the same in both conventions. The laws are
/// fitted for 0.01 ≤ X ≤ 1; outside that range they are an extrapolation.
public struct PorousLayer: Sendable, Equatable {
    /// d, m.
    public var thickness: Double
    /// σ, Pa·s/m².
    public var flowResistivity: Double

    /// A layer of thickness `thickness` and flow resistivity `flowResistivity` (both positive).
    public init(thickness: Double, flowResistivity: Double) {
        precondition(thickness > 0 && flowResistivity > 0, "PorousLayer: thickness and flow resistivity must be positive")
        self.thickness = thickness
        self.flowResistivity = flowResistivity
    }

    /// X = ρ f / σ.
    public func delanyBazleyVariable(frequency f: Double, air: Air = Air()) -> Double { air.density * f / flowResistivity }

    /// Z_c of the material (e^{−iωt}), Pa·s/m.
    public func characteristicImpedance(frequency f: Double, air: Air = Air()) -> Complex<Double> {
        let x = delanyBazleyVariable(frequency: f, air: air)
        return Complex(air.characteristicImpedance * (1 + 0.0571 * Double.pow(x, -0.754)),
                       air.characteristicImpedance * 0.087 * Double.pow(x, -0.732))
    }

    /// k_c of the material (e^{−iωt}: Im k_c > 0, a decaying wave e^{i k_c x}), 1/m.
    public func characteristicWavenumber(frequency f: Double, air: Air = Air()) -> Complex<Double> {
        let x = delanyBazleyVariable(frequency: f, air: air), k = air.wavenumber(frequency: f)
        return Complex(k * (1 + 0.0978 * Double.pow(x, -0.700)), k * 0.189 * Double.pow(x, -0.595))
    }

    /// Z_s = i Z_c cot(k_c d) (e^{−iωt}), Pa·s/m: the impedance p / (v·n) the layer presents to the air.
    public func surfaceImpedance(frequency f: Double, air: Air = Air()) -> Complex<Double> {
        let z = characteristicWavenumber(frequency: f, air: air) * Complex(thickness)
        let cot = Complex.cos(z) / Complex.sin(z)
        return Complex(0, 1) * characteristicImpedance(frequency: f, air: air) * cot
    }

    /// β = ρc / Z_s, the normalized admittance `Assembler.helmholtz(wavenumber:admittances:)` takes.
    public func admittance(frequency f: Double, air: Air = Air()) -> Complex<Double> {
        Complex(air.characteristicImpedance) / surfaceImpedance(frequency: f, air: air)
    }
}
