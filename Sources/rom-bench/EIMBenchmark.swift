import ArgumentParser
import DriverOptions
import EIM
import Foundation
import LinearAlgebra

/// `rom-bench eim`: the classical EIM greedy on the inverse-distance family of
/// `../shared/PERFORMANCE.md` §3 (g(x; μ) = 1/‖x − μ‖, 100×100 points of [0,1]², 25×25 training
/// μ of [−1, −0.01]², relative ℓ∞ tolerance 1e-8): greedy time, terms, test error on fresh μ;
/// the adaptive training set; Q-DEIM (thin SVD + pivoted QR).
struct EIMBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eim", abstract: "EIM greedy (fixed and adaptive training set) and Q-DEIM on the inverse-distance family.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Points per side of the grid of [0,1]².")
    var grid = 100

    @Option(help: "Training parameters per side of the grid of [−1, −0.01]².")
    var params = 25

    @Option(help: "Tolerance on the largest relative training error (Q-DEIM: on the relative singular values).")
    var tol = 1e-8

    @Option(help: "Fresh random μ for the test errors.")
    var test = 100

    @Option(help: "Seed of the random test parameters.")
    var seed: UInt64 = 2026

    @Option(help: "Repetitions of each timed step (the best time is kept).")
    var repeats = 5

    func validate() throws {
        guard grid >= 2, params >= 2 else { throw ValidationError("--grid and --params must be at least 2") }
        guard tol > 0, tol.isFinite else { throw ValidationError("--tol must be a positive number, got \(tol)") }
        guard test > 0, repeats > 0 else { throw ValidationError("--test and --repeats must be positive") }
        try ResourceBudget.check("--repeats", repeats, in: 1...1000, meaning: "the timed repetitions")
        try ResourceBudget.check("--test", test, in: 1...10_000_000, meaning: "the test set size")
        try ResourceBudget.checkMemory(8 * pow(Double(grid), 2) * pow(Double(params), 2),
                                       for: "--grid \(grid) with --params \(params) (\(grid)² points × \(params)² parameters)")
    }

    func run() throws {
        var report = BenchmarkReport()
        report.add("romkit_threads", Double(Parallelism.threadCount), "ROMKit threads")
        let family = PlanarFamily(kind: .inverseDistance, side: grid, parameters: PlanarFamily.grid(params))
        let tests = PlanarFamily(kind: .inverseDistance, side: grid, parameters: PlanarFamily.random(test, seed: seed)).snapshots()
        let options = EIMOptions(tolerance: tol)

        progress("snapshots: \(family.pointCount) points × \(family.parameterCount) parameters")
        var g = Matrix(rows: 0, columns: 0)
        report.add("snapshot_seconds", bestSeconds(repeats: repeats) { g = family.snapshots() }, "snapshots (s)")

        progress("classical greedy to \(tol)")
        var greedy: EmpiricalInterpolation?
        var best = Double.infinity
        for _ in 0..<repeats {
            // Fresh snapshots each time, outside the clock: the greedy works in the storage it is handed.
            var fresh: Matrix? = family.snapshots()
            best = min(best, try seconds { greedy = try EmpiricalInterpolation(snapshots: fresh.take()!, options: options) })
        }
        let eim = greedy!
        report.add("greedy_seconds", best, "greedy (s)")
        report.add("terms", Double(eim.terms), "terms")
        report.add("training_max_error", eim.errorHistory.last ?? .nan, "training error")
        report.add("test_max_error", eim.maxRelativeError(snapshots: tests), "test error (\(test) μ)")

        progress("adaptive training set")
        let adaptive = try AdaptiveTraining(lower: [-1, -1], upper: [-0.01, -0.01], initialGrid: params)
        let side = grid
        var refined: (EmpiricalInterpolation, AdaptiveTraining.Report)?
        let adaptiveTime = try bestSeconds(repeats: max(1, repeats / 2)) {
            refined = try adaptive.run(pointCount: side * side, options: options) { mu, values in
                PlanarFamily(kind: .inverseDistance, side: side, parameters: [(mu[0], mu[1])]).evaluate(parameter: 0, into: values)
            }
        }
        let (adaptiveEIM, info) = refined!
        report.add("adaptive_seconds", adaptiveTime, "adaptive greedy, all rounds (s)")
        report.add("adaptive_terms", Double(adaptiveEIM.terms), "adaptive terms")
        report.add("adaptive_training_size", Double(info.trainingSet.count), "adaptive training set")
        report.add("adaptive_test_max_error", adaptiveEIM.maxRelativeError(snapshots: tests), "adaptive test error (\(test) μ)")

        progress("Q-DEIM (thin SVD + pivoted QR)")
        var qdeim: EmpiricalInterpolation?
        let qdeimTime = try bestSeconds(repeats: repeats) { qdeim = try EmpiricalInterpolation(snapshots: g, selection: .qdeim, tolerance: tol) }
        report.add("qdeim_seconds", qdeimTime, "Q-DEIM, SVD included (s)")
        report.add("qdeim_terms", Double(qdeim!.terms), "Q-DEIM terms")
        report.add("qdeim_test_max_error", qdeim!.maxRelativeError(snapshots: tests), "Q-DEIM test error (\(test) μ)")
        try report.emit(json: output.json)
    }
}
