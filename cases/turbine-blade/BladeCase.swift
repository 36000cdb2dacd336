import ArgumentParser
import FEM
import Foundation
import Materials

/// The turbine-blade case: geometry, material and flight cycle of stage (i). Stage (i) records
/// them in its `case.json` (``BladeLoadCase``), from which the offline and online stages rebuild
/// the same law and loads, never from the high-fidelity run's memory.
///
/// Units: mm, MPa, s, °C, tonne (density in t/mm³, so ρω²r is in N/mm³).
struct BladeCase {
    /// The NACA 6418 section, 40 mm chord, 60 mm span, 20° twist.
    static func geometry() throws -> BladeGeometry {
        try BladeGeometry(naca: naca, chord: 40, span: 60, twist: 20 * Double.pi / 180)
    }

    /// The section's NACA digits.
    static let naca = "6418"

    /// Temperatures of the material tables (°C).
    static let temperatures: [Double] = [20, 400, 650, 800, 950, 1050]

    /// Throws a `ValidationError` naming `option` unless the peak temperature `level` lies in the
    /// material tables' range.
    static func validate(temperatureLevel level: Double, option: String) throws {
        let low = temperatures.first!, high = temperatures.last!
        guard (low...high).contains(level) else {
            throw ValidationError("\(option) \(level): must lie in " + String(format: "%g…%g", low, high) + " °C (the material tables' range)")
        }
    }

    /// A nickel-base superalloy at high temperature, unified Chaboche model (Norton flow,
    /// isotropic and Armstrong–Frederick kinematic hardening). The numbers are representative,
    /// chosen by us, not one alloy's identification: elastic constants and expansion of the order
    /// of Inconel 718 and the cast Ni-base alloys (E from 205 GPa at 20 °C to 135 GPa at 1050 °C,
    /// secant α from 12.5e-6 to 16.6e-6 /K), viscoplastic parameters of the form of Lemaitre &
    /// Chaboche, *Mechanics of Solid Materials*, ch. 6, with a soft K (1500 to 300 MPa·s^{1/n}) so
    /// that creep shows within a 300 s cycle, n from 15 (cold) to 6 (hot).
    ///
    /// `recovery: false` sets the Armstrong–Frederick recovery D to 0 (linear kinematic hardening):
    /// every tangent is then symmetric and the solver factors by CHOLMOD instead of UMFPACK.
    static func law(recovery: Bool) throws -> NortonViscoplasticLaw {
        func table(_ values: [Double], _ name: String) throws -> TemperatureTable {
            try TemperatureTable(temperatures: temperatures, values: values, name: name)
        }
        return try NortonViscoplasticLaw(
            elastic: LinearElasticLaw(youngsModulus: table([205e3, 185e3, 170e3, 160e3, 145e3, 135e3], "E"),
                                      poissonRatio: TemperatureTable(constant: 0.3),
                                      thermalExpansion: table([12.5e-6, 13.5e-6, 14.5e-6, 15.2e-6, 16.0e-6, 16.6e-6], "alpha"),
                                      referenceTemperature: 20),
            yieldStress: table([900, 850, 750, 450, 250, 150], "sigma_y"),
            nortonK: table([1500, 1300, 1000, 700, 450, 300], "K"),
            nortonN: table([15, 14, 12, 9, 7, 6], "n"),
            isotropicQ: table([150, 150, 120, 90, 60, 40], "Q"),
            isotropicB: TemperatureTable(constant: 20),
            isotropicH: TemperatureTable(constant: 1000),
            kinematicC: table([150e3, 140e3, 120e3, 90e3, 60e3, 40e3], "C"),
            kinematicD: recovery ? table([800, 800, 700, 600, 500, 400], "D") : TemperatureTable(constant: 0))
    }

    /// Density of the alloy (8200 kg/m³).
    static let density = 8.2e-9
    /// Distance from the engine axis to the blade root (mm).
    static let hubRadius = 300.0
    /// Peak rotation speed (rad/s; about 10,500 rpm).
    static let peakAngularVelocity = 1100.0
    /// Temperature at rest (°C).
    static let ambient = 20.0

    /// The flight cycle: 300 s, ramp up 20 %, dwell 60 %, ramp down 20 %.
    static func cycle() throws -> FlightCycle { try FlightCycle(period: 300, rampUp: 0.2, dwell: 0.6, rampDown: 0.2) }

    /// The load case of a run at peak temperature `temperatureLevel` (what `case.json` records).
    static func loadCase(temperatureLevel: Double, cycles: Int, stepsPerCycle: Int, order: Int, recovery: Bool,
                         clampedTags: [Int] = [BladeGeometry.Tag.root]) throws -> BladeLoadCase {
        let cycle = try cycle(), geometry = try geometry()
        let law = try law(recovery: recovery).lawDescription
        return BladeLoadCase(
            temperatureLevel: temperatureLevel, cycles: cycles, stepsPerCycle: stepsPerCycle, order: order, clampedTags: clampedTags,
            law: .init(name: law.name, parameters: law.parameters),
            blade: .init(naca: naca, chord: geometry.chord, span: geometry.span, twist: geometry.twist),
            density: density, hubRadius: hubRadius, peakAngularVelocity: peakAngularVelocity, ambient: ambient,
            cycle: .init(period: cycle.period, rampUp: cycle.rampUp, dwell: cycle.dwell, rampDown: cycle.rampDown))
    }
}
