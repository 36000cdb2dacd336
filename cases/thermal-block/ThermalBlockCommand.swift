import ArgumentParser
import DriverOptions
import CaseProblems
import FEM
import Foundation
import LinearAlgebra
import ROM

/// `thermal-block`: pyMOR's thermal block demo, certified reduced basis end to end.
///
/// Sample runs:
/// ```
/// thermal-block                                   # 2×2 blocks, n = 100, 4⁴ training, 100 test μ
/// thermal-block --blocks 3 --n 60 --train 729 --tol 1e-5 --json -
/// ```
/// Steps: (1) assemble the affine terms with FEM; (2) run the weak greedy with the error bound
/// on the training set; (3) on the test set compare the reduced solution with the truth, the bound
/// with the true error; (4) time online queries; (5) write the model (.npz), the basis (.npy),
/// a truth and a reduced field (.vtu), the report (.html) and the JSON figures.
@main
struct ThermalBlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thermal-block",
        abstract: "Certified reduced basis for pyMOR's thermal block: greedy, error bounds, online model, report.")

    @Option(help: "Blocks per side (B×B diffusivities).")
    var blocks = 2

    @Option(help: "Squares per side of the mesh (each split into 4 triangles).")
    var n = 100

    @Option(help: "Training parameters: a uniform grid of this many points (a B²-th power).")
    var train = 256

    @Option(help: "Random test parameters.")
    var test = 100

    @Option(help: "Largest basis size.")
    var maxBasis = 50

    @Option(help: "Greedy tolerance on the largest error bound over the training set (H¹₀ seminorm, absolute).")
    var tol = 1e-6

    @Option(help: "Seed of the random test set.")
    var seed: UInt64 = 1

    @Option(help: "Residual norm evaluation of the error bound.")
    var estimator: ResidualNormMethod = .orthonormalized

    @Option(help: "Truth solver: automatic (static condensation of the blocks when it applies), cholesky or static-condensation.")
    var truthSolver: AffineProblem.TruthSolver = .automatic

    @Option(help: "Output folder.")
    var out = "out/thermal-block"

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    var gridPoints: Int? {
        let d = blocks * blocks
        let m = Int((pow(Double(train), 1 / Double(d))).rounded())
        return (0..<d).reduce(1) { r, _ in r * m } == train ? m : nil
    }

    func validate() throws {
        guard blocks >= 1, blocks <= 6 else { throw ValidationError("--blocks must lie in 1…6") }
        try ResourceBudget.check("--n", n, in: 2...1_000_000, meaning: "squares per side")
        try ResourceBudget.check("--train", train, in: 1...10_000_000, meaning: "the training set size")
        try ResourceBudget.check("--test", test, in: 1...1_000_000, meaning: "the test set size")
        try ResourceBudget.check("--max-basis", maxBasis, in: 1...10_000, meaning: "the basis size")
        guard tol > 0 else { throw ValidationError("--tol must be positive") }
        try OutputPreflight.checkFolder(out, option: "--out")
        let written = ThermalBlockArtifacts.fileNames.map { ("--out", out + "/" + $0) }
        try OutputPreflight.checkDistinct(written + (output.json.map { [("--json", $0)] } ?? []))
        // Unknowns ≈ 2n² (vertices and square centres); per unknown: the matrices and the Cholesky
        // factor (about 1 kB), the basis with the estimator's Riesz representers (1 + Q·N vectors),
        // and the test set's truth solutions.
        let dofs = 2 * Double(n) * Double(n)
        let vectors = 2 + Double(blocks * blocks + 1) * Double(maxBasis) + Double(test)
        try ResourceBudget.checkMemory(dofs * (1024 + 8 * vectors) + Double(train) * Double(blocks * blocks + 4) * 8,
                                       for: "--n \(n) (\(String(format: "%.2g", dofs)) unknowns) with --max-basis \(maxBasis) and --test \(test)")
        guard gridPoints != nil else {
            throw ValidationError("--train \(train) is not a \(blocks * blocks)-th power: a uniform grid needs m^\(blocks * blocks) points")
        }
    }

    func run() throws {
        BLASRuntime.startExecutable()
        let log = ProgressLog(quiet: progress.quiet)
        let folder = URL(fileURLWithPath: out)
        try AtomicFile.createFolder(folder)

        log("assembling P1 on the \(n)×\(n) mesh (4 triangles per square), \(blocks)×\(blocks) blocks")
        let block = try ThermalBlock(blocks: blocks, n: n)
        let problem = block.problem
        problem.truthSolver = truthSolver
        log("\(block.mesh.nodeCount) vertices, \(block.dofs) free dofs, assembled in \(format(block.assembleSeconds)) s")

        let space = problem.parameterSpace
        let training = try space.uniformGrid(pointsPerComponent: gridPoints!)
        let testSet = try space.random(count: test, seed: seed)
        let greedy = try ReducedBasisGreedy(tolerance: tol, maxBasisSize: maxBasis, residualNormMethod: estimator)
        log("greedy on \(training.count) training parameters, tolerance \(tol)")
        let result = try greedy.run(problem: problem, trainingSet: training) { iteration in
            log("  N = \(iteration.basisSize): max bound \(String(format: "%.3e", iteration.maxEstimate)), \(format(iteration.elapsedSeconds)) s")
        }
        log("basis size \(result.model.size) (\(result.stopReason)), offline \(format(result.seconds)) s")
        let phases = result.phaseSeconds
        log("  truth solver: " + (problem.condensedInterfaceSize.map { "static condensation onto \($0) interface unknowns" } ?? "CHOLMOD on the whole matrix"))
        log("  setup \(format(phases.setup)) s, truth solves \(format(phases.truth)) s, extensions \(format(phases.extension)) s, estimates \(format(phases.estimates)) s")

        log("test set: \(test) truth solves")
        let study = try TestSetStudy(problem: problem, model: result.model, parameters: testSet)
        log("max relative error \(String(format: "%.3e", study.maxRelativeError)), effectivities \(format(study.effectivityMin))–\(format(study.effectivityMax))")
        let online = try OnlineTiming(model: result.model, parameters: testSet)

        let stage = OutputStage()
        let artifacts = try ThermalBlockArtifacts(folder: folder, stage: stage, block: block, result: result, study: study, online: online,
                                                  tolerance: tol, trainingSize: training.count,
                                                  command: CommandLine.arguments.joined(separator: " "))
        log("wrote \(artifacts.files.map { $0.lastPathComponent }.joined(separator: ", ")) in \(folder.path)")

        var figures = JSONReport()
        figures.add("dofs", block.mesh.nodeCount)
        figures.add("free_dofs", block.dofs)
        figures.add("blocks", blocks)
        figures.add("training_size", training.count)
        figures.add("test_size", test)
        figures.add("offline_seconds", result.seconds)
        figures.add("basis_size", result.model.size)
        figures.add("max_true_error", study.maxRelativeError)
        figures.add("max_estimate", study.maxRelativeEstimate)
        figures.add("effectivity_min", study.effectivityMin)
        figures.add("effectivity_max", study.effectivityMax)
        figures.add("online_seconds_per_query", online.secondsPerQuery)
        figures.add("fem_seconds_per_solve", study.truthSecondsPerSolve)
        figures.add("condensed_interface", problem.condensedInterfaceSize ?? 0)
        figures.add("assemble_seconds", block.assembleSeconds)
        figures.add("greedy_max_estimates", result.history.map(\.maxEstimate))
        // Every file of the run appears together, or none does.
        if let json = output.json, !OutputDestination.isStandardOutput(json) {
            try OutputDestination.write(figures.json, to: stage.stage(URL(fileURLWithPath: json)).path)
            try stage.commit()
        } else {
            try stage.commit()
            try figures.emit(json: output.json)
        }
    }
}

/// Progress lines on stderr with the elapsed time; silent with `--quiet`.
struct ProgressLog {
    let quiet: Bool
    let clock = Stopwatch()

    func callAsFunction(_ message: String) {
        guard !quiet else { return }
        let elapsed = clock.seconds
        let line = String(format: "[thermal-block %7.2fs] ", elapsed) + message + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

func format(_ x: Double) -> String { String(format: "%.3g", x) }

extension ResidualNormMethod: ExpressibleByArgument {}
extension AffineProblem.TruthSolver: ExpressibleByArgument {}
