import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra

/// `turbine-blade run` (the default): the whole study of issue 14, each stage through its files.
/// (1) stage (i) at the training levels (`hf-<T>/` under `--out`); (2) stage (ii) from those
/// folders alone (`model.npz`); (3) stage (i) at the test level over more cycles than trained,
/// the reference; (4) stage (iii) at the test level over the same steps, compared with it.
/// `hf_seconds` and `rom_seconds` are the test run's time loops over the same steps; `max_error`
/// the largest displacement error over them (``OnlineComparison``), the extrapolated cycles included.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole study: HF at two training levels, offline, HF and online at a third level over more cycles.")

    @Option(help: "Output folder (the stage folders and the model go under it).")
    var out = "out/turbine-blade"

    @Option(help: "About this many displacement unknowns.")
    var size = 15000

    @Option(parsing: .upToNextOption, help: "Training peak temperatures, °C.")
    var trainingLevels: [Double] = [800, 1000]

    @Option(help: "Cycles of each training run.")
    var trainingCycles = 2

    @Option(help: "The test peak temperature, °C (inside the training range).")
    var temperatureLevel = 900.0

    @Option(help: "Cycles of the test run (more than trained: extrapolation in time).")
    var cycles = 4

    @Option(help: "Time steps per cycle.")
    var stepsPerCycle = 20

    @Option(help: "POD tolerance of the offline stage.")
    var podTolerance = OfflineCommand.defaultPODTolerance

    @Option(help: "ECM tolerance of the offline stage.")
    var ecmTolerance = OfflineCommand.defaultECMTolerance

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    func validate() throws {
        guard !trainingLevels.isEmpty else { throw ValidationError("--training-levels needs at least one level") }
        for level in trainingLevels { try BladeCase.validate(temperatureLevel: level, option: "--training-levels") }
        try BladeCase.validate(temperatureLevel: temperatureLevel, option: "--temperature-level")
        guard Set(trainingLevels).count == trainingLevels.count, !trainingLevels.contains(temperatureLevel) else {
            throw ValidationError("--training-levels must be distinct and differ from --temperature-level \(temperatureLevel)")
        }
        try ResourceBudget.check("--training-cycles", trainingCycles, in: 1...1000, meaning: "the training cycles")
        try ResourceBudget.check("--cycles", cycles, in: 1...1000, meaning: "the test cycles")
        try OutputPreflight.checkFolder(out, option: "--out")
        if let json = output.json { try OutputPreflight.checkDistinct([("--json", json), ("--out", out + "/" + Self.modelName)]) }
    }

    static let modelName = "model.npz"

    func folder(_ level: Double) -> String { out + "/hf-" + String(format: "%g", level) }

    /// `--quiet` for the stages when this run is quiet.
    var quietFlag: [String] { progress.quiet ? ["--quiet"] : [] }

    /// The options of every stage (i) run of the study.
    var common: [String] { ["--size", "\(size)", "--steps-per-cycle", "\(stepsPerCycle)", "--no-series"] + quietFlag }

    func run() throws {
        BLASRuntime.startExecutable()
        // 1. Stage (i) at the training levels.
        var trainingSeconds = 0.0
        for level in trainingLevels {
            let hf = try HighFidelityCommand.parse(["--out", folder(level), "--temperature-level", "\(level)", "--cycles", "\(trainingCycles)"] + common)
            trainingSeconds += try hf.execute().hfSeconds
        }
        // 2. Stage (ii) from the training folders.
        let offline = try OfflineCommand.parse(["--hf"] + trainingLevels.map(folder) + ["--out", out + "/" + Self.modelName,
                                                "--pod-tolerance", "\(podTolerance)", "--ecm-tolerance", "\(ecmTolerance)"]
                                               + quietFlag).execute()
        // 3. Stage (i) at the test level, the reference.
        let reference = try HighFidelityCommand.parse(["--out", folder(temperatureLevel), "--temperature-level", "\(temperatureLevel)",
                                                       "--cycles", "\(cycles)"] + common).execute()
        // 4. Stage (iii) at the test level, compared with the reference.
        let online = try OnlineCommand.parse(["--model", out + "/" + Self.modelName, "--temperature-level", "\(temperatureLevel)",
                                              "--cycles", "\(cycles)", "--compare-hf", folder(temperatureLevel)]
                                             + quietFlag).execute()
        guard let comparison = online.comparison else { return }

        let t = offline.reduction.timings
        let trained = Array(comparison.errorOverTime.prefix(trainingCycles * stepsPerCycle))
        let extrapolated = Array(comparison.errorOverTime.dropFirst(trainingCycles * stepsPerCycle))
        var report = JSONReport()
        report.add("dofs", reference.dofs)
        report.add("integration_points", reference.integrationPoints)
        report.add("reduced_points", online.reducedPoints)
        report.add("modes", online.modes)
        report.add("hf_seconds", reference.hfSeconds)
        report.add("rom_seconds", online.romSeconds)
        report.add("speedup", reference.hfSeconds / online.romSeconds)
        report.add("max_error", comparison.maxError)
        report.add("p_max_error", comparison.pMaxError)
        report.add("max_error_trained_cycles", trained.max() ?? 0)
        report.add("max_error_extrapolated_cycles", extrapolated.max() ?? 0)
        report.add("error_over_time", comparison.errorOverTime)
        report.add("max_error_per_cycle", comparison.perCycle(comparison.errorOverTime))
        report.add("p_error_over_time", comparison.pErrorOverTime)
        report.add("time_steps", cycles * stepsPerCycle)
        report.add("training_levels", trainingLevels)
        report.add("training_cycles", trainingCycles)
        report.add("temperature_level", temperatureLevel)
        report.add("cycles", cycles)
        report.add("training_hf_seconds", trainingSeconds)
        report.add("offline_seconds", t.offline)
        report.add("offline_pod_seconds", t.pod)
        report.add("offline_stress_seconds", t.stress)
        report.add("offline_ecm_seconds", t.integrands + t.ecm)
        report.add("offline_gappy_seconds", t.gappy)
        report.add("cubature_points", offline.reduction.ecm.points.count)
        report.add("threads", Parallelism.threadCount)
        try report.emit(json: output.json)
    }
}
