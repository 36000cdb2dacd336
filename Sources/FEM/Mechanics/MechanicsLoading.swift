/// The loads of a nonlinear mechanics computation as functions of time: a centrifugal body force
/// ρω(t)² r (r the vector from the rotation axis to the point, perpendicular to it) and a
/// temperature field T(x, t), which enters through the law's thermal strain and its
/// temperature-dependent parameters.
public struct MechanicsLoading: Sendable {
    /// The density ρ (mass per volume, in the units of the stresses: t/mm³ with MPa and mm).
    public var density: Double
    /// A point of the rotation axis.
    public var axisPoint: SIMD3<Double>
    /// The axis direction (normalized by `init`).
    public let axisDirection: SIMD3<Double>
    /// ω(t), rad per time unit.
    public var angularVelocity: @Sendable (Double) -> Double
    /// T(x, t).
    public var temperature: @Sendable (SIMD3<Double>, Double) -> Double

    /// Loads from their parts; throws ``MechanicsError/invalidInput(_:)`` for a zero axis or a
    /// negative or non-finite density.
    public init(density: Double = 0, axisPoint: SIMD3<Double> = .zero, axisDirection: SIMD3<Double> = SIMD3(1, 0, 0),
                angularVelocity: @escaping @Sendable (Double) -> Double = { _ in 0 },
                temperature: @escaping @Sendable (SIMD3<Double>, Double) -> Double = { _, _ in 20 }) throws {
        let length = (axisDirection * axisDirection).sum().squareRoot()
        guard length > 0, length.isFinite else { throw MechanicsError.invalidInput("the rotation axis direction is zero or not finite") }
        guard density >= 0, density.isFinite else { throw MechanicsError.invalidInput("density \(density) must be finite and ≥ 0") }
        self.density = density
        self.axisPoint = axisPoint
        self.axisDirection = axisDirection / length
        self.angularVelocity = angularVelocity
        self.temperature = temperature
    }

    /// The centrifugal force per volume at x for ω = 1: ρ (x − a − ((x − a)·e) e).
    public func unitCentrifugalForce(at x: SIMD3<Double>) -> SIMD3<Double> {
        let d = x - axisPoint
        return density * (d - (d * axisDirection).sum() * axisDirection)
    }
}

/// A flight cycle of period `period`: a load level that ramps from 0 to 1, dwells at 1, ramps
/// back to 0 and rests, repeated. ω(t) = ω_max · level(t) and T(x, t) = T₀ + level(t) ΔT(x) are
/// the usual choices (the take-off, cruise, landing of an engine's blade).
public struct FlightCycle: Sendable, Equatable {
    /// Length of one cycle.
    public var period: Double
    /// Fractions of the period spent ramping up, dwelling and ramping down (the rest is at rest).
    public var rampUp: Double, dwell: Double, rampDown: Double

    /// A cycle; throws ``MechanicsError/invalidInput(_:)`` unless the period is positive and the
    /// fractions are non-negative with a positive ramp up and a sum ≤ 1.
    public init(period: Double, rampUp: Double = 0.2, dwell: Double = 0.6, rampDown: Double = 0.2) throws {
        guard period > 0, period.isFinite, rampUp > 0, dwell >= 0, rampDown > 0, rampUp + dwell + rampDown <= 1 + 1e-12 else {
            throw MechanicsError.invalidInput("flight cycle: period \(period) must be positive, ramps positive, ramps + dwell ≤ 1")
        }
        self.period = period
        self.rampUp = rampUp
        self.dwell = dwell
        self.rampDown = rampDown
    }

    /// The level in [0, 1] at time t ≥ 0.
    public func level(at t: Double) -> Double {
        let s = (t / period - (t / period).rounded(.down))
        if s < rampUp { return s / rampUp }
        if s <= rampUp + dwell { return 1 }
        if s < rampUp + dwell + rampDown { return 1 - (s - rampUp - dwell) / rampDown }
        return 0
    }

    /// `stepsPerCycle` equal steps over each of `cycles` cycles: the end times t₁ … t_N (t₀ = 0).
    public func times(cycles: Int, stepsPerCycle: Int) -> [Double] {
        (1...(cycles * stepsPerCycle)).map { period * Double($0) / Double(stepsPerCycle) }
    }
}
