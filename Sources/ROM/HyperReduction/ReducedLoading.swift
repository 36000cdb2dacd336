import LinearAlgebra

/// The loading history of a hyper-reduced model, per time step t: the reduced external force
/// f_N(t) = Vᵀ f(t) (N), the temperature at each reduced point (K), and the step length Δt.
///
/// A run longer than the stored steps repeats them: step t uses column t mod T, which is how a
/// stored flight cycle is extrapolated to more cycles than were trained.
public struct ReducedLoading: Sendable, Equatable {
    /// N × T: column t is f_N(t).
    public let forces: Matrix
    /// K × T: column t holds the temperatures at the reduced points.
    public let temperatures: Matrix
    /// Δt of each step (T, positive).
    public let timeSteps: [Double]

    /// T.
    public var stepCount: Int { timeSteps.count }

    /// Checks T ≥ 1 columns everywhere, finiteness and Δt > 0.
    public init(forces: Matrix, temperatures: Matrix, timeSteps: [Double]) throws {
        let t = timeSteps.count
        guard t > 0 else { throw ROMError.empty(what: "reduced loading (time steps)") }
        guard forces.columns == t else { throw ROMError.dimensionMismatch(what: "reduced force columns (one per step)", expected: t, found: forces.columns) }
        guard temperatures.columns == t else {
            throw ROMError.dimensionMismatch(what: "temperature columns (one per step)", expected: t, found: temperatures.columns)
        }
        if let bad = forces.firstNonFiniteIndex { throw ROMError.notFinite(what: "reduced forces", index: bad) }
        if let bad = temperatures.firstNonFiniteIndex { throw ROMError.notFinite(what: "temperatures at the reduced points", index: bad) }
        if let bad = timeSteps.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw ROMError.invalidOption(name: "time steps", detail: "step \(bad) has Δt = \(timeSteps[bad]), expected positive")
        }
        self.forces = forces
        self.temperatures = temperatures
        self.timeSteps = timeSteps
    }
}
