import LinearAlgebra

/// The online model of a ``HyperReducedModel``: a query is a number of time steps (the one
/// parameter `steps`, 1 … `maximumSteps`), answered by the reduced Newton from rest over that
/// many steps of the stored loading (repeated as cycles past its end). The answers are c at the
/// last step (`coefficients`), and from the last run the whole history: c(t), and on demand the
/// Gappy-POD reconstructions of the dual quantities and u = V c on the mesh.
public final class HyperReducedModelEvaluator {
    /// The model.
    public let model: HyperReducedModel
    /// The reduced Newton (its state is the last query's).
    public let solver: HyperReducedMechanics
    /// The history of the last query (nil before the first).
    public private(set) var trajectory: HyperReducedMechanics.Trajectory?
    /// The query's space: `steps` in 1…`maximumSteps`.
    let stepSpace: ParameterSpace

    /// The evaluator of `model`.
    public init(model: HyperReducedModel) throws {
        self.model = model
        stepSpace = try ParameterSpace(names: ["steps"], lower: [1], upper: [Double(model.maximumSteps)])
        solver = try HyperReducedMechanics(points: model.points, law: model.law, options: model.newtonOptions,
                                           initialTemperatures: model.loading.temperatures.column(0))
    }

    /// Runs `steps` steps from rest and keeps the history.
    /// - Throws: `ROMError.invalidOption` outside 1…`maximumSteps`, and the Newton's errors.
    @discardableResult
    public func run(steps: Int) throws -> HyperReducedMechanics.Trajectory {
        guard steps >= 1, steps <= model.maximumSteps else {
            throw ROMError.invalidOption(name: "steps", detail: "\(steps) is outside 1...\(model.maximumSteps)")
        }
        try solver.reset(temperatures: model.loading.temperatures.column(0))
        let fieldName = model.fieldReconstructions.keys.sorted().first
        let result = try solver.run(model.loading, steps: steps, recording: fieldName)
        trajectory = result
        return result
    }

    /// The state field `name` (a key of `fieldReconstructions`) on every mesh point at step `step`
    /// of the last run, by its Gappy-POD. A run records one state field at the reduced points: the
    /// first key of `fieldReconstructions` in name order (the others are an error for now).
    public func reconstructField(_ name: String, step: Int) throws -> [Double] {
        guard let gappy = model.fieldReconstructions[name] else {
            throw ROMError.invalidOption(name: "reconstructed field", detail: "the model has no Gappy-POD of '\(name)' (it has: \(model.fieldReconstructions.keys.sorted().joined(separator: ", ")))")
        }
        guard let field = try history(step).field, name == model.fieldReconstructions.keys.sorted().first else {
            throw ROMError.invalidOption(name: "reconstructed field", detail: "'\(name)' was not recorded by the last run")
        }
        let k = model.points.count
        let values = model.positions(of: gappy).map { field.storage[$0 + step * k] }
        return try gappy.reconstruct(sampled: values)
    }

    /// The stress (6 per point, point-major) on every mesh point at step `step` of the last run.
    public func reconstructStress(step: Int) throws -> [Double] {
        guard let gappy = model.stressReconstruction else {
            throw ROMError.invalidOption(name: "reconstructed field", detail: "the model has no Gappy-POD of the stress")
        }
        let stresses = try history(step).stresses
        let rows = stresses.rows
        let values = model.positions(of: gappy).flatMap { k in (0..<6).map { stresses.storage[6 * k + $0 + step * rows] } }
        return try gappy.reconstruct(sampled: values)
    }

    /// u = V c(step) of the last run.
    public func displacement(step: Int) throws -> [Double] {
        try reconstruct(history(step).coefficients.column(step))
    }

    private func history(_ step: Int) throws -> HyperReducedMechanics.Trajectory {
        guard let trajectory else { throw ROMError.invalidOption(name: "step", detail: "no run yet: solve first") }
        guard step >= 0, step < trajectory.iterations.count else {
            throw ROMError.invalidOption(name: "step", detail: "\(step) is outside the last run's 0..<\(trajectory.iterations.count)")
        }
        return trajectory
    }

    /// V c (needs the modes).
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] {
        guard let modes = model.modes else {
            throw ROMError.invalidOption(name: "reconstruction", detail: "the model was saved without its displacement modes")
        }
        guard coefficients.count == modes.columns else {
            throw ROMError.dimensionMismatch(what: "reduced coefficients", expected: modes.columns, found: coefficients.count)
        }
        return modes.applied(to: coefficients)
    }
}
