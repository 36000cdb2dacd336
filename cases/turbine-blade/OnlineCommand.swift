import ArgumentParser
import DriverOptions
import FEM
import Foundation
import LinearAlgebra
import ROM

/// `turbine-blade online`: stage (iii). Loads the online model alone, evaluates the load case it
/// records at a new peak temperature at its reduced points (and reuses its reduced centrifugal
/// forces, which do not depend on the temperature), runs the reduced Newton over any number of
/// cycles (the stored cycle repeated: extrapolation in time), and reconstructs u = V c and, by
/// Gappy-POD, p and σ on the whole mesh on demand. Given a stage (i) run of the same loading
/// (`--compare-hf`), reports the errors over time (``OnlineComparison``).
struct OnlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "online",
        abstract: "Run the hyper-reduced model at a temperature level over some cycles; compare with a stage (i) run.")

    @Option(help: "The online model (turbine-blade offline --out).")
    var model = "out/turbine-blade/model.npz"

    @Option(help: "Peak temperature of the cycle, °C.")
    var temperatureLevel = 900.0

    @Option(help: "Flight cycles.")
    var cycles = 4

    @Option(help: "A stage (i) run of the same loading (turbine-blade hf --out) to compare with.")
    var compareHf: String?

    @Option(help: "Write u = V c and the Gappy-POD p and σ of every step here (u_NNNN.npy, p_NNNN.npy, sigma_NNNN.npy).")
    var fields: String?

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: model) else { throw ValidationError("--model \(model): no readable file") }
        try BladeCase.validate(temperatureLevel: temperatureLevel, option: "--temperature-level")
        try ResourceBudget.check("--cycles", cycles, in: 1...1_000_000, meaning: "the flight cycles")
        if let compareHf { guard FileManager.default.fileExists(atPath: compareHf) else { throw ValidationError("--compare-hf \(compareHf): no such folder") } }
        if let fields { try OutputPreflight.checkFolder(fields, option: "--fields") }
    }

    func run() throws {
        try execute().report.emit(json: output.json)
    }

    struct Summary {
        var report: JSONReport
        var romSeconds: Double
        var comparison: OnlineComparison?
        var modes: Int
        var reducedPoints: Int
    }

    func execute() throws -> Summary {
        BLASRuntime.startExecutable()
        // 1. The model and the load case it records.
        let url = URL(fileURLWithPath: model)
        let (stored, provenance) = try OnlineModelFile.readHyperReduced(url)
        guard let caseText = provenance.details["case"] else {
            throw BladeFilesError.malformed(path: model, detail: "the provenance records no load case (a model written by turbine-blade offline has one)")
        }
        let loadCase = try BladeLoadCase.parse(Data(caseText.utf8), place: "\(model) (provenance: case)")
            .with(temperatureLevel: temperatureLevel, cycles: cycles)
        guard let positions = stored.points.positions else {
            throw BladeFilesError.malformed(path: model, detail: "the reduced points have no positions: the temperature field cannot be evaluated there")
        }
        let cycleSteps = stored.loading.stepCount
        guard cycleSteps == loadCase.stepsPerCycle else {
            throw BladeFilesError.inconsistent("\(model): the stored loading has \(cycleSteps) steps, the load case \(loadCase.stepsPerCycle) per cycle")
        }
        let steps = cycles * cycleSteps
        guard steps <= stored.maximumSteps else {
            throw ValidationError("--cycles \(cycles): the model answers at most \(stored.maximumSteps / cycleSteps) cycles")
        }

        // 2. The loading at this level: new temperatures at the reduced points, the same forces.
        let times = try loadCase.times()
        let temperatures = try ReducedLoadingTemperatures.at(positions: positions, loadCase: loadCase, times: Array(times.prefix(cycleSteps)))
        let loading = try ReducedLoading(forces: stored.loading.forces, temperatures: temperatures, timeSteps: stored.loading.timeSteps)
        let model = try HyperReducedModel(points: stored.points, law: stored.law, loading: loading, modes: stored.modes,
                                          fieldReconstructions: stored.fieldReconstructions, stressReconstruction: stored.stressReconstruction,
                                          meshPointCount: stored.meshPointCount, maximumSteps: stored.maximumSteps, newtonOptions: stored.newtonOptions)
        let evaluator = try HyperReducedModelEvaluator(model: model)
        say("\(model.points.count) reduced points, \(model.points.modeCount) modes, \(steps) steps at \(temperatureLevel) °C")

        // 3. The reduced Newton over all steps.
        let clock = Stopwatch()
        let trajectory = try evaluator.run(steps: steps)
        let romSeconds = clock.seconds

        // 4. On demand: the fields, the comparison.
        var fieldSeconds = 0.0
        if let fields {
            let folder = URL(fileURLWithPath: fields)
            try Stopwatch.accumulate(into: &fieldSeconds) {
                try AtomicFile.createFolder(folder)
                for step in 0..<steps {
                    let name = String(format: "%04d.npy", step + 1)
                    try NPY.write(try evaluator.displacement(step: step), to: folder.appendingPathComponent("u_" + name))
                    try NPY.write(try evaluator.reconstructField("p", step: step), to: folder.appendingPathComponent("p_" + name))
                    try NPY.write(try evaluator.reconstructStress(step: step), to: folder.appendingPathComponent("sigma_" + name))
                }
            }
        }
        let comparison = try compareHf.map { folder -> OnlineComparison in
            say("comparing with \(folder)")
            return try OnlineComparison(run: HighFidelityRun.read(URL(fileURLWithPath: folder)), loadCase: loadCase,
                                        evaluator: evaluator, steps: steps)
        }
        let pLast = try evaluator.reconstructField("p", step: steps - 1)
        let levels = (provenance.details["training_levels"] ?? "").split(separator: ",").compactMap { Double($0) }

        var report = JSONReport()
        report.add("modes", model.points.modeCount)
        report.add("reduced_points", model.points.count)
        report.add("cubature_points", model.points.weights.filter { $0 > 0 }.count)
        report.add("temperature_level", temperatureLevel)
        report.add("training_levels", levels)
        report.add("inside_training_range", levels.isEmpty ? false : (levels.min()!...levels.max()!).contains(temperatureLevel))
        report.add("cycles", cycles)
        report.add("time_steps", steps)
        report.add("rom_seconds", romSeconds)
        report.add("rom_seconds_per_step", romSeconds / Double(steps))
        report.add("newton_iterations_total", trajectory.iterations.reduce(0, +))
        report.add("p_max", pLast.max() ?? 0)
        if fields != nil { report.add("field_seconds", fieldSeconds) }
        if let comparison { comparison.add(to: &report) }
        return Summary(report: report, romSeconds: romSeconds, comparison: comparison, modes: model.points.modeCount, reducedPoints: model.points.count)
    }

    func say(_ message: String) { progress.say(message, from: "turbine-blade online") }
}
