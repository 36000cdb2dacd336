import LinearAlgebra

extension HyperReducedModelEvaluator: OnlineModel {
    /// "hyper-reduced-mechanics".
    public var method: String { OnlineModelFile.hyperReducedMechanicsMethod }
    /// "hyper-reduced nonlinear mechanics (…)".
    public var methodDescription: String { "hyper-reduced nonlinear mechanics (POD-Galerkin, empirical cubature, reduced Newton; law \(model.law.name))" }
    /// One parameter, `steps` in 1…`maximumSteps` (whole numbers; a query rounds).
    public var parameterSpace: ParameterSpace { stepSpace }
    /// N.
    public var reducedDimension: Int { model.points.modeCount }
    /// No outputs.
    public var outputCount: Int { 0 }
    /// No error estimate.
    public var errorEstimateKind: ErrorEstimateKind { .none }
    /// Whether the displacement modes are kept.
    public var canReconstruct: Bool { model.modes != nil }

    /// Runs round(μ₀) steps from rest.
    public func solve(_ mu: Parameter) throws {
        try parameterSpace.validate(mu)
        try run(steps: Int(mu[0].rounded()))
    }

    /// Runs round(μ₀) steps from rest (checked: a step count outside the range is an error).
    public func solve(components mu: UnsafeBufferPointer<Double>) throws {
        guard mu.count == 1, mu[0].isFinite else { throw ROMError.invalidOption(name: "steps", detail: "expected one finite number") }
        try run(steps: Int(mu[0].rounded()))
    }

    /// c at the last step of the last query.
    public var coefficients: [Double] { solver.coefficients }
    /// None.
    public var outputs: [Double] { [] }
    /// 0: the model estimates no error (`errorEstimateKind` is `.none`).
    public var errorEstimate: Double { 0 }
    /// None.
    public func outputErrorEstimate(_ k: Int) -> Double? { nil }
    /// The Newton iterations of the last query's last step and their total.
    public var estimateDetails: [(name: String, value: Double)] {
        guard let trajectory else { return [] }
        return [("newton_iterations_last_step", Double(trajectory.iterations.last ?? 0)),
                ("newton_iterations_total", Double(trajectory.iterations.reduce(0, +)))]
    }

    /// K, the ECM points, N, the stored steps, the longest run, M, the truth dimension.
    public var sizes: [ModelSize] {
        let m = model
        return [ModelSize(key: "K", value: m.points.count, meaning: "reduced integration points (the law is evaluated there)"),
                ModelSize(key: "cubature_points", value: m.points.weights.filter { $0 > 0 }.count, meaning: "points with positive ECM weight"),
                ModelSize(key: "N", value: m.points.modeCount, meaning: "displacement modes"),
                ModelSize(key: "T", value: m.loading.stepCount, meaning: "stored time steps (one loading cycle)"),
                ModelSize(key: "maximum_steps", value: m.maximumSteps, meaning: "longest run (cycles repeat the stored steps)"),
                ModelSize(key: "M", value: m.meshPointCount, meaning: "integration points of the mesh (0: unknown)"),
                ModelSize(key: "truth_dimension", value: m.modes?.rows ?? 0, meaning: "displacement unknowns (0: modes not stored)")]
    }

    /// The law and its parameters, the Newton's settings, the Gappy-POD bases.
    public var facts: [ModelFact] {
        let description = model.law.lawDescription
        let parameters = description.parameters.keys.sorted().map { "\($0) = \(description.parameters[$0]!)" }
        var facts = [
            ModelFact(key: "law", label: "constitutive law", lines: [description.name] + parameters.map { "  " + $0 }, isList: true,
                      json: .object([("name", .string(description.name)),
                                     ("parameters", .object(description.parameters.keys.sorted().map { ($0, JSONValue.numbers(description.parameters[$0]!)) }))])),
            ModelFact(key: "newton", label: "reduced Newton",
                      lines: ["relative tolerance \(model.newtonOptions.tolerance), at most \(model.newtonOptions.maximumIterations) iterations per step"],
                      json: .object([("tolerance", .number(model.newtonOptions.tolerance)), ("maximum_iterations", .int(model.newtonOptions.maximumIterations))])),
        ]
        var gappy: [(String, GappyPOD)] = model.fieldReconstructions.keys.sorted().map { ($0, model.fieldReconstructions[$0]!) }
        if let stress = model.stressReconstruction { gappy.append(("stress", stress)) }
        facts.append(ModelFact(key: "gappy_pod", label: "Gappy-POD reconstructions",
                               lines: gappy.isEmpty ? ["none"] : gappy.map { "\($0.0): \($0.1.size) modes, \($0.1.points.count) sampled points, condition \($0.1.conditionNumber)" },
                               isList: true,
                               json: .object(gappy.map { ($0.0, JSONValue.object([("modes", .int($0.1.size)), ("points", .int($0.1.points.count)),
                                                                                  ("condition", .number($0.1.conditionNumber))])) })))
        return facts
    }
}
