import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `rom-bench pod`: the POD of a dense snapshot matrix (200,000 × 400 by default) by the method
/// of snapshots and by the randomized method (the row sketch, else the range finder), side by
/// side: times, the stages of each,
/// modes kept, orthogonality, the randomized singular values against the exact ones and its
/// error estimate; the thin SVD beside them on request.
struct PODBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod",
        abstract: "POD of a dense snapshot matrix: method of snapshots (syrk + syevr + Cholesky QR), randomized range finder, thin SVD.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Rows (dofs) of the snapshot matrix.")
    var rows = 200_000

    @Option(help: "Columns (snapshots) of the snapshot matrix.")
    var columns = 400

    @Option(help: "Relative singular value tolerance of the truncation (at least √(kε), what the method of snapshots resolves with k columns: 3e-7 for 400).")
    var tolerance = 1e-6

    @Option(help: "Randomized method: samples of the range finder's first block; the row sketch has twice as many rows (at most 128).")
    var initialRank = POD.RandomizedOptions().initialRank

    @Option(help: "Randomized method: power iterations per block.")
    var powerIterations = POD.RandomizedOptions().powerIterations

    @Option(help: "Randomized method: Gaussian test vectors of the error estimate.")
    var testVectors = POD.RandomizedOptions().testVectors

    @Flag(help: "Also time the thin SVD (LAPACK gesdd) of the whole matrix.")
    var svd = false

    @Option(help: "Repetitions (the best time is kept).")
    var repeats = 3

    func validate() throws {
        guard rows > 0, columns > 0, repeats > 0 else { throw ValidationError("--rows, --columns and --repeats must be positive") }
        guard tolerance > 0, tolerance < 1 else { throw ValidationError("--tolerance must lie in (0, 1)") }
        try ResourceBudget.check("--repeats", repeats, in: 1...1000, meaning: "the timed repetitions")
        try ResourceBudget.check("--initial-rank", initialRank, in: 1...columns, meaning: "the first block of samples")
        try ResourceBudget.check("--power-iterations", powerIterations, in: 0...20, meaning: "power iterations per block")
        try ResourceBudget.check("--test-vectors", testVectors, in: 1...1000, meaning: "the estimate's test vectors")
        // The snapshots, a copy for the SVD and the modes: about three rows × columns matrices.
        try ResourceBudget.checkMemory(24 * Double(rows) * Double(columns), for: "--rows \(rows) --columns \(columns)")
    }

    func run() throws {
        progress("snapshot matrix \(rows)×\(columns)")
        let snapshots = Self.smoothSnapshots(rows: rows, columns: columns)
        let truncation = POD.Truncation.relativeSingularValue(tolerance)
        let options = POD.RandomizedOptions(initialRank: initialRank, powerIterations: powerIterations, testVectors: testVectors)
        progress("method of snapshots")
        let (exact, exactTime) = try Self.best(repeats) { try POD(snapshots: snapshots, truncation: truncation, method: .snapshots) }
        progress("randomized")
        let (fast, fastTime) = try Self.best(repeats) {
            try POD(snapshots: snapshots, truncation: truncation, method: .randomized, randomized: options)
        }
        let automatic = try POD(snapshots: snapshots, truncation: truncation, randomized: options)
        // What the check cost before the one-pass absolute sum: the finite scan and BLAS idamax.
        let twoPassCheck = bestSeconds(repeats: repeats) {
            _ = snapshots.firstNonFiniteIndex
            _ = snapshots.storage.withUnsafeBufferPointer { BLAS.maxAbs($0) }
        }
        var report = BenchmarkReport()
        report.add("blas_core", BLASRuntime.coreName, "OpenBLAS kernel")
        report.add("blas_threads", Double(BLASRuntime.threadCount), "OpenBLAS threads")
        report.add("rows", Double(rows), "snapshot rows")
        report.add("columns", Double(columns), "snapshots")
        report.add("pod_snapshots_seconds", exactTime, "POD, method of snapshots (s)")
        for stage in exact.stages { report.add("pod_snapshots_\(stage.name)_seconds", stage.seconds, "  stage \(stage.name) (s)") }
        report.add("check_two_pass_seconds", twoPassCheck, "  the check as two passes, before (s)")
        report.add("modes", Double(exact.modes.columns), "modes kept (σ > tol σ₁)")
        report.add("orthogonality_error", Self.orthogonalityError(exact.modes), "max |ΦᵀΦ − I|")
        report.add("pod_randomized_seconds", fastTime, "POD, randomized range finder (s)")
        for stage in fast.stages { report.add("pod_randomized_\(stage.name)_seconds", stage.seconds, "  stage \(stage.name) (s)") }
        report.add("randomized_rank", Double(fast.singularValues.count), "randomized basis size")
        report.add("randomized_modes", Double(fast.modes.columns), "randomized modes kept")
        report.add("randomized_orthogonality_error", Self.orthogonalityError(fast.modes), "randomized max |ΦᵀΦ − I|")
        let first = exact.singularValues.first ?? 1
        report.add("randomized_relative_estimate", (fast.errorEstimate ?? .nan) / first, "randomized estimate / σ₁")
        // Over the kept values: below √(kε) σ₁ the method of snapshots' own values are round-off.
        let kept = min(fast.modes.columns, exact.modes.columns)
        let deviation = zip(fast.singularValues.prefix(kept), exact.singularValues).map { abs($0 - $1) }.max() ?? 0
        report.add("randomized_singular_value_deviation", deviation / first, "max |σ̃ᵢ − σᵢ| / σ₁ over the kept modes")
        report.add("speedup", exactTime / fastTime, "snapshots / randomized time")
        report.add("automatic_method", automatic.method.name, "method .automatic picked")
        if svd {
            progress("thin SVD")
            let svdTime = try bestSeconds(repeats: 1) { _ = try POD(snapshots: snapshots, truncation: truncation, method: .svd) }
            report.add("pod_svd_seconds", svdTime, "POD, thin SVD (s)")
        }
        try report.emit(json: output.json)
    }

    /// The result of the fastest of `repeats` runs, and its seconds.
    static func best(_ repeats: Int, _ body: () throws -> POD) throws -> (POD, Double) {
        var best: (POD, Double)?
        for _ in 0..<repeats {
            let (pod, time) = try Stopwatch.measure(body)
            if time < best?.1 ?? .infinity { best = (pod, time) }
        }
        return best!
    }

    /// max |ΦᵀΦ − I|.
    static func orthogonalityError(_ modes: Matrix) -> Double { (modes.gram - Matrix.identity(modes.columns)).maxAbs }

    /// Snapshots of a smooth parametric family u(x; t) = Σ_k e^{−k/2} sin(k π x (1 + t)) cos(k t):
    /// singular values decaying exponentially, as for a diffusion problem.
    static func smoothSnapshots(rows: Int, columns: Int) -> Matrix {
        var s = Matrix(rows: rows, columns: columns)
        s.storage.withUnsafeMutableBufferPointer { storage in
            Parallelism.forEachChunk(of: columns) { range in
                for j in range {
                    let t = Double(j) / Double(max(columns - 1, 1))
                    for i in 0..<rows {
                        let x = Double(i) / Double(max(rows - 1, 1))
                        var value = 0.0
                        for k in 1...12 {
                            value += exp(-Double(k) / 2) * sin(Double(k) * .pi * x * (1 + t)) * cos(Double(k) * t)
                        }
                        storage[i + j * rows] = value
                    }
                }
            }
        }
        return s
    }
}
