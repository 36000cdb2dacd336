import FEM
import Foundation
import LinearAlgebra
import Materials

/// The load case of one high-fidelity run as plain numbers, written by stage (i) as `case.json`
/// beside its displacements (the way a commercial code's input deck travels with its results):
/// the law (name and parameter arrays, as a model file stores it), the element order and clamped
/// tags, the section, the centrifugal load (ρ, hub radius, ω_max), the temperature field's peak
/// level and ambient, the flight cycle and the time steps. Stages (ii) and (iii) rebuild the law,
/// the loads and the clock from it; nothing else of stage (i) is shared in memory.
struct BladeLoadCase: Codable, Equatable {
    struct Law: Codable, Equatable {
        var name: String
        var parameters: [String: [Double]]
    }

    struct Section: Codable, Equatable {
        var naca: String
        var chord: Double, span: Double, twist: Double
    }

    struct Cycle: Codable, Equatable {
        var period: Double, rampUp: Double, dwell: Double, rampDown: Double
    }

    /// Peak temperature of the cycle (°C).
    var temperatureLevel: Double
    var cycles: Int
    var stepsPerCycle: Int
    /// Element order of the displacement space (1 or 2).
    var order: Int
    /// Boundary tags of the clamped root.
    var clampedTags: [Int]
    var law: Law
    var blade: Section
    /// ρ (t/mm³), the root's distance to the engine axis (mm), ω_max (rad/s), T₀ (°C).
    var density: Double, hubRadius: Double, peakAngularVelocity: Double, ambient: Double
    var cycle: Cycle

    static let fileName = "case.json"

    /// The constitutive law (through the `Materials` registry).
    func constitutiveLaw() throws -> any ConstitutiveLaw {
        try ConstitutiveLaws.law(from: ConstitutiveLawDescription(name: law.name, parameters: law.parameters))
    }

    func geometry() throws -> BladeGeometry {
        try BladeGeometry(naca: blade.naca, chord: blade.chord, span: blade.span, twist: blade.twist)
    }

    func flightCycle() throws -> FlightCycle {
        try FlightCycle(period: cycle.period, rampUp: cycle.rampUp, dwell: cycle.dwell, rampDown: cycle.rampDown)
    }

    /// t₁ … t_N (t₀ = 0).
    func times() throws -> [Double] { try flightCycle().times(cycles: cycles, stepsPerCycle: stepsPerCycle) }

    /// The loads: ω(t) = ω_max level(t) about the engine axis (parallel to x, `hubRadius` below the
    /// root), and T(x, t) = T₀ + level(t) (T_peak − T₀) · (0.45 + 0.55 sin(π z / 2L)) · (1 − 0.3 c(x)),
    /// hottest at the tip's leading edge (c the chordwise position from leading to trailing edge,
    /// 0 to 1), the clamped root at about half the peak's rise.
    func loading() throws -> MechanicsLoading {
        let cycle = try flightCycle(), geometry = try geometry()
        let span = geometry.span, chord = geometry.chord, pivot = geometry.pivot
        let omega = peakAngularVelocity, ambient = ambient, peak = temperatureLevel
        return try MechanicsLoading(
            density: density, axisPoint: SIMD3(0, 0, -hubRadius), axisDirection: SIMD3(1, 0, 0),
            angularVelocity: { t in omega * cycle.level(at: t) },
            temperature: { x, t in
                let c = min(max(x.x / chord + pivot, 0), 1)
                return ambient + cycle.level(at: t) * (peak - ambient) * (0.45 + 0.55 * sin(Double.pi * min(max(x.z / span, 0), 1) / 2)) * (1 - 0.3 * c)
            })
    }

    /// This case at another peak temperature and number of cycles.
    func with(temperatureLevel: Double, cycles: Int) -> BladeLoadCase {
        var other = self
        other.temperatureLevel = temperatureLevel
        other.cycles = cycles
        return other
    }

    /// Whether `other` is the same study (law, mesh order, section, loads, cycle and steps per
    /// cycle), whatever its peak temperature and number of cycles.
    func isSameStudy(as other: BladeLoadCase) -> Bool {
        with(temperatureLevel: 0, cycles: 0) == other.with(temperatureLevel: 0, cycles: 0)
    }

    /// The JSON text (sorted, snake_case keys).
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Parses the JSON text; `place` names it in the error.
    static func parse(_ data: Data, place: String) throws -> BladeLoadCase {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let value: BladeLoadCase
        do { value = try decoder.decode(BladeLoadCase.self, from: data) } catch {
            throw BladeFilesError.malformed(path: place, detail: "not a load case description: \(error)")
        }
        guard value.cycles >= 1, value.stepsPerCycle >= 1, value.order == 1 || value.order == 2, !value.clampedTags.isEmpty,
              [value.temperatureLevel, value.density, value.hubRadius, value.peakAngularVelocity, value.ambient].allSatisfy(\.isFinite) else {
            throw BladeFilesError.malformed(path: place, detail: "expected cycles ≥ 1, steps per cycle ≥ 1, order 1 or 2, clamped tags, finite loads")
        }
        return value
    }

    /// Writes `case.json` in `folder` atomically.
    func write(to folder: URL) throws {
        try AtomicFile.write(json(), to: folder.appendingPathComponent(Self.fileName))
    }

    /// Reads `case.json` of `folder`.
    static func read(from folder: URL) throws -> BladeLoadCase {
        let url = folder.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BladeFilesError.missing(path: url.path, detail: "the load case of a high-fidelity run (turbine-blade hf writes it)")
        }
        return try parse(data, place: url.path)
    }
}

/// A file of a stage that is missing, malformed or inconsistent with the others.
enum BladeFilesError: Error, CustomStringConvertible {
    case missing(path: String, detail: String)
    case malformed(path: String, detail: String)
    case inconsistent(String)

    var description: String {
        switch self {
        case .missing(let path, let detail): return "\(path): missing (\(detail))"
        case .malformed(let path, let detail): return "\(path): \(detail)"
        case .inconsistent(let detail): return detail
        }
    }
}
