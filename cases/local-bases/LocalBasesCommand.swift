import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `local-bases`: local reduced bases by sine k-medoids on an advection-dominated problem.
///
/// Sample runs:
/// ```
/// local-bases                                  # n = 32, 120 training μ, N = 8, k from the criterion
/// local-bases --clusters 4 --selection knn --neighbours 5 --json -
/// ```
/// Steps: (1) assemble the SUPG advection–diffusion problem (cases/CaseProblems/AdvectionDiffusion.swift)
/// and solve it at the training and test parameters; (2) evaluate the a priori criterion E(k, N)
/// from the training snapshots and choose k; (3) build one global model and, for k = 1 … max,
/// the dictionaries of local models of sine k-medoids, Euclidean k-medoids and k-means, each local
/// basis of N modes; (4) measure their errors on the test set; (5) save the sine dictionary as one
/// model file, load it back through `OnlineModelFile.load`, time its queries; (6) write the
/// report (.html) and the JSON figures.
@main
struct LocalBasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-bases",
        abstract: "Local reduced bases (sine k-medoids) against one global basis on an advection-dominated problem.")

    @Option(help: "Squares per side of the mesh (two P1 triangles each).")
    var n = 32

    @Option(help: "Diffusivity ε (the advection speed is 1).")
    var epsilon = 1e-3

    @Option(help: "Training parameters (a Latin hypercube in (angle, strength)).")
    var train = 120

    @Option(help: "Random test parameters.")
    var test = 30

    @Option(help: "Modes of every basis, local or global (the online cost per query).")
    var basis = 8

    @Option(help: "Clusters of the comparison (0: the criterion's choice).")
    var clusters = 0

    @Option(help: "Largest number of clusters the criterion and the error curves try.")
    var maxClusters = 12

    @Option(help: "Overlap ω: each cluster adds the ⌈ω|C|⌉ other snapshots nearest its medoid.")
    var overlap = 0.1

    @Option(help: "Online cluster selection: smallest-residual (every local model solves, the smallest bound answers), knn or nearest-medoid.")
    var selection = "smallest-residual"

    @Option(help: "Neighbours of the knn selection.")
    var neighbours = 5

    @Option(help: "Seed of the training and test sets and of the clusterings.")
    var seed: UInt64 = 1

    @Option(help: "Output folder.")
    var out = "out/local-bases"

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    func validate() throws {
        try ResourceBudget.check("--n", n, in: 2...100_000, meaning: "squares per side")
        try ResourceBudget.check("--train", train, in: 2...1_000_000, meaning: "the training set size")
        try ResourceBudget.check("--test", test, in: 1...1_000_000, meaning: "the test set size")
        try ResourceBudget.check("--basis", basis, in: 1...10_000, meaning: "the basis size")
        try ResourceBudget.check("--max-clusters", maxClusters, in: 1...10_000, meaning: "the largest cluster count")
        guard epsilon > 0 else { throw ValidationError("--epsilon must be positive") }
        guard clusters >= 0, 2 * max(maxClusters, clusters) <= train else {
            throw ValidationError("--max-clusters and --clusters need at least two training parameters per cluster (--train \(train))")
        }
        guard overlap >= 0 else { throw ValidationError("--overlap must be nonnegative") }
        _ = try ClusterSelection(key: selection, neighbours: neighbours)
        guard neighbours <= train else { throw ValidationError("--neighbours must not exceed --train") }
        try OutputPreflight.checkFolder(out, option: "--out")
        let written = ["model.npz", "report.html"].map { ("--out", out + "/local-bases-" + $0) }
        try OutputPreflight.checkDistinct(written + (output.json.map { [("--json", $0)] } ?? []))
        // (n−1)² unknowns; per unknown: the matrices and the LU factors (about 1 kB), the training
        // and test solutions, and per cluster its basis and Riesz representers (1 + Q N, Q = 6);
        // the Gram and dissimilarity matrices (m²).
        let dofs = Double(n) * Double(n)
        let vectors = Double(train + test) + Double(max(maxClusters, clusters)) * (1 + 7 * Double(basis))
        try ResourceBudget.checkMemory(dofs * (1024 + 8 * vectors) + 24 * Double(train) * Double(train),
                                       for: "--n \(n) with --train \(train), --test \(test), --basis \(basis) and --max-clusters \(maxClusters)")
    }

    func run() throws {
        BLASRuntime.startExecutable()
        let log = ProgressLog(quiet: progress.quiet)
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let study = try LocalBasesStudy(options: self, log: log)

        // The online product: the sine dictionary as one model file, read back through the protocol.
        let modelURL = folder.appendingPathComponent("local-bases-model.npz")
        let command = CommandLine.arguments.joined(separator: " ")
        try OnlineModelFile.write(study.model, to: modelURL, provenance: .init(
            creator: "local-bases", command: command,
            details: ["truth_dofs": "\(study.problem.dofs)", "n": "\(n)", "epsilon": "\(epsilon)", "basis": "\(basis)"]))
        let loaded = try OnlineModelFile.load(modelURL).model
        let localError = try maximumError(loaded, study: study)
        let secondsPerQuery = try BLASRuntime.withThreadCount(1) { try onlineSecondsPerQuery(loaded, parameters: study.testSet) }
        log("model file: max ROM error \(String(format: "%.3e", localError)), \(format(secondsPerQuery * 1e6)) µs per query")

        let reportURL = folder.appendingPathComponent("local-bases-report.html")
        try LocalBasesReport(study: study, localError: localError, secondsPerQuery: secondsPerQuery, command: command).write(to: reportURL)
        log("wrote \(modelURL.lastPathComponent), \(reportURL.lastPathComponent) in \(folder.path)")

        let k = study.clusters
        var figures = JSONReport()
        figures.add("dofs", study.problem.dofs)
        figures.add("training_size", study.training.count)
        figures.add("test_size", study.testSet.count)
        figures.add("basis_size", study.basisSize)
        figures.add("clusters", k)
        figures.add("criterion_clusters", study.criterion.chosenClusters)
        figures.add("criterion_errors", study.criterion.evaluations.map(\.error))
        figures.add("global_error", study.global.rom)
        figures.add("local_error", localError)
        figures.add("sine_error", study.curves[.sineKMedoids]![k - 1].rom)
        figures.add("euclidean_error", study.curves[.euclideanKMedoids]![k - 1].rom)
        figures.add("kmeans_error", study.curves[.kMeans]![k - 1].rom)
        figures.add("global_projection_error", study.global.projection)
        figures.add("sine_projection_error", study.curves[.sineKMedoids]![k - 1].projection)
        figures.add("euclidean_projection_error", study.curves[.euclideanKMedoids]![k - 1].projection)
        figures.add("kmeans_projection_error", study.curves[.kMeans]![k - 1].projection)
        figures.add("sine_errors_by_clusters", study.curves[.sineKMedoids]!.map(\.rom))
        figures.add("online_seconds_per_query", secondsPerQuery)
        figures.add("fem_seconds_per_solve", study.truthSecondsPerSolve)
        figures.add("offline_seconds", study.offlineSeconds)
        try figures.emit(json: output.json)
    }

    /// The largest relative X-norm error of a model's reconstructed answers on the test set.
    func maximumError(_ model: any OnlineModel, study: LocalBasesStudy) throws -> Double {
        let product = study.problem.problem.innerProduct
        var worst = 0.0
        for mu in study.testSet {
            let u = try study.problem.problem.solve(mu)
            try model.solve(mu)
            let reduced = try model.reconstruct(model.coefficients)
            worst = max(worst, product.norm(zip(u, reduced).map { $0 - $1 }) / product.norm(u))
        }
        return worst
    }
}

/// Progress lines on stderr with the elapsed time; silent with `--quiet`.
struct ProgressLog {
    let quiet: Bool
    let clock = Stopwatch()

    func callAsFunction(_ message: String) {
        guard !quiet else { return }
        let line = String(format: "[local-bases %7.2fs] ", clock.seconds) + message + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

func format(_ x: Double) -> String { String(format: "%.3g", x) }
