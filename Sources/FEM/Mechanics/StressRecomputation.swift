import LinearAlgebra
import Materials

/// The stresses and internal variables of a displacement history, recomputed from the
/// displacements alone: the constitutive law replayed at every integration point over the time
/// steps (the same backward-Euler updates as the solver, from the virgin state), with the
/// temperatures of the loading. What the offline stage of a nonintrusive ROM does with the
/// displacement files of a high-fidelity code — it needs no stress output from that code.
///
/// The results are plain matrices, one column per step: `stress` (6 · points rows, row 6k + i
/// the component i at point k) and each requested state field (points rows).
public struct StressRecomputation {
    /// The stresses at every point and step: (6 · points) × steps.
    public let stress: Matrix
    /// The requested state fields (e.g. `"p"`): points × steps each.
    public let stateFields: [String: Matrix]

    /// Replays `law` at `points` over the steps ending at `times` (t₀ = 0 before the first),
    /// with displacements `displacements` (one full dof vector per step, a dofs × steps matrix)
    /// and temperatures from `loading`; keeps the state fields named `fields`.
    /// - Throws: ``MechanicsError`` for mismatched sizes, times that do not increase, an unknown
    ///   field, or a law that fails at a point.
    public init(points: MechanicsIntegrationPoints, law: any ConstitutiveLaw, loading: MechanicsLoading,
                times: [Double], displacements: Matrix, fields: [String] = ["p"]) throws {
        guard displacements.rows == points.space.dofCount else {
            throw MechanicsError.wrongLength(what: "displacement rows", expected: points.space.dofCount, found: displacements.rows)
        }
        guard displacements.columns == times.count else {
            throw MechanicsError.wrongLength(what: "displacement columns (one per time)", expected: times.count, found: displacements.columns)
        }
        for field in fields where law.stateFields[field] == nil {
            throw MechanicsError.invalidInput("the law \(law.name) has no state field \"\(field)\" (it has \(law.stateFields.keys.sorted()))")
        }
        var current = PointFields(law: law, points: points,
                                  temperatures: NonlinearMechanicsSolver.temperatures(points, loading, at: 0))
        var stress = Matrix(rows: 6 * points.count, columns: times.count)
        var state = [String: Matrix]()
        for field in fields { state[field] = Matrix(rows: points.count, columns: times.count) }
        var previousTime = 0.0
        for (step, t) in times.enumerated() {
            guard t > previousTime else { throw MechanicsError.invalidInput("time \(t) of step \(step + 1) does not follow \(previousTime)") }
            current = try points.evaluate(law: law, displacement: displacements.column(step),
                                          temperatures: NonlinearMechanicsSolver.temperatures(points, loading, at: t),
                                          timeStep: t - previousTime, previous: current, withTangent: false)
            stress.setColumn(step, to: current.stress)
            for field in fields { state[field]!.setColumn(step, to: current.stateField(field, of: law)!) }
            previousTime = t
        }
        self.stress = stress
        stateFields = state
    }
}
