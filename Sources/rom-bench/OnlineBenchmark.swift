import ArgumentParser
import DriverOptions
import CaseProblems
import Foundation
import LinearAlgebra
import ROM

/// `rom-bench online`: the thermal block's reduced model (greedy to the tolerance), then the time
/// of an online query (reduced solve + error bound) and of a truth solve split into its phases
/// (A(μ) from the affine terms, CHOLMOD refactorization with the analysis reused, solve).
struct OnlineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "online", abstract: "Thermal block: online query time vs. truth solve phases.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Squares per side of the mesh.")
    var n = 100

    @Option(help: "Blocks per side.")
    var blocks = 2

    @Option(help: "Greedy tolerance (absolute bound).")
    var tol = 1e-6

    @Option(help: "Query parameters (random).")
    var queries = 1000

    @Option(help: "Parameters of the batched evaluation (random).")
    var batch = 20_000

    @Option(help: "Parameters per sub-block of a thread in the batched evaluation.")
    var batchBlock = 32

    @Option(help: "CHOLMOD factor kind of the truth phases: simplicial or supernodal.")
    var factor = "simplicial"

    func validate() throws {
        guard n >= 2, blocks >= 1, queries >= 1, batch >= 1, batchBlock >= 1, tol > 0 else {
            throw ValidationError("--n ≥ 2, --blocks ≥ 1, --queries ≥ 1, --batch ≥ 1, --batch-block ≥ 1, --tol > 0")
        }
        try ResourceBudget.check("--blocks", blocks, in: 1...6, meaning: "blocks per side")
        try ResourceBudget.check("--queries", queries, in: 1...100_000_000, meaning: "the timed queries")
        try ResourceBudget.check("--batch", batch, in: 1...100_000_000, meaning: "the batch size")
        try ResourceBudget.checkMemory(2 * Double(n) * Double(n) * 2048 + Double(batch) * 1024,
                                       for: "--n \(n) (\(String(format: "%.2g", 2 * Double(n) * Double(n))) unknowns) with --batch \(batch)")
    }

    func run() throws {
        progress("thermal block \(blocks)×\(blocks), n = \(n)")
        let block = try ThermalBlock(blocks: blocks, n: n)
        let space = block.problem.parameterSpace
        let training = try space.uniformGrid(pointsPerComponent: blocks == 2 ? 4 : 3)
        let result = try ReducedBasisGreedy(tolerance: tol).run(problem: block.problem, trainingSet: training)
        let mus = try space.random(count: queries, seed: 7)

        var report = BenchmarkReport()
        report.add("blas_core", BLASRuntime.coreName, "OpenBLAS kernel")
        report.add("free_dofs", Double(block.dofs), "truth unknowns")
        report.add("basis_size", Double(result.model.size), "reduced basis size")
        report.add("greedy_seconds", result.seconds, "greedy (s)")
        for method in ResidualNormMethod.allCases {
            var model = result.model
            if method == .empiricalInterpolation {
                // The interpolation of ‖r‖² is built for the final basis over the greedy's training set.
                model = try result.reductor.reducedModel(residualNormMethod: method, trainingSet: training, keepBasis: false)
                report.add("residual_interpolation_terms", Double(model.residualInterpolation?.terms ?? 0), "EIM terms S of ‖r‖²")
            } else {
                model.residualNormMethod = method
            }
            let evaluator = ReducedModelEvaluator(model: model)
            let time = try bestSeconds(repeats: 20) { for mu in mus { try evaluator.solve(mu) } } / Double(queries)
            report.add("online_query_seconds_\(method.rawValue)", time, "online solve + bound, \(method.rawValue) (s)")
        }

        try addSingleAndBatched(result.model, mus, &report)

        // Truth phases at a few parameters.
        let decomposition = block.problem.decomposition
        let sample = Array(mus.prefix(10))
        var matrices: [SparseMatrix] = []
        let assemble = bestSeconds(repeats: 3) { matrices = sample.map { decomposition.matrix(at: $0) } } / Double(sample.count)
        let cholesky = try CholeskyFactorization(matrices[0], options: .init(ordering: .metis, kind: factor == "supernodal" ? .supernodal : .simplicial))
        let refactor = try bestSeconds(repeats: 3) { for a in matrices { try cholesky.refactor(values: a.values) } } / Double(sample.count)
        let rhs = decomposition.rightHandSide(at: sample[0])
        let solve = try bestSeconds(repeats: 5) { _ = try cholesky.solve(rhs) }
        report.add("truth_assemble_seconds", assemble, "truth: A(μ) = Σ θ_q A_q (s)")
        report.add("truth_analyze_seconds", cholesky.timings.analyze, "truth: CHOLMOD analysis, once (s)")
        report.add("truth_refactor_seconds", refactor, "truth: CHOLMOD refactor (s)")
        report.add("truth_solve_seconds", solve, "truth: CHOLMOD solve (s)")
        report.add("truth_supernodal", cholesky.isSupernodal ? 1 : 0, "truth: supernodal factor")
        report.add("truth_factor_nonzeros", Double(cholesky.factorNonzeros), "truth: nnz(L)")
        report.add("truth_factor_flops", cholesky.factorFlops, "truth: factorization flops (CHOLMOD)")
        let problem = block.problem
        let before = (problem.solveCount, problem.solveSeconds)
        for mu in sample { _ = try problem.solve(mu) }
        report.add("truth_solve_total_seconds", (problem.solveSeconds - before.1) / Double(problem.solveCount - before.0),
                   "truth: AffineProblem.solve, all phases (s)")
        try report.emit(json: output.json)
    }

    /// The model as saved (`.orthonormalized`): one query + bound by the fused kernel and by the
    /// LAPACK path side by side, then the batched evaluator on 1 and on all threads, with the
    /// largest relative difference of its answers from the single-query path.
    private func addSingleAndBatched(_ model: ReducedModel, _ mus: [Parameter], _ report: inout BenchmarkReport) throws {
        let fused = ReducedModelEvaluator(model: model), lapack = ReducedModelEvaluator(model: model, fusedKernel: false)
        var single = Double.infinity, reference = Double.infinity
        for _ in 0..<20 {
            single = try Swift.min(single, seconds { for mu in mus { try fused.solve(mu) } })
            reference = try Swift.min(reference, seconds { for mu in mus { try lapack.solve(mu) } })
        }
        report.add("online_seconds_per_query", single / Double(mus.count), "online solve + bound, fused kernel (s)")
        report.add("online_seconds_per_query_lapack", reference / Double(mus.count), "online solve + bound, LAPACK/BLAS path (s)")

        let space = model.parameterSpace
        let parameters = try space.random(count: batch, seed: 11)
        let block = Matrix(rows: space.dimension, columns: batch, storage: parameters.flatMap(\.values))
        var answers: ReducedModelAnswers?
        for threads in Set([1, Parallelism.threadCount]).sorted() {
            let evaluator = ReducedModelBatchEvaluator(model: model, threads: threads, blockSize: batchBlock)
            let time = try bestSeconds(repeats: 30) { answers = try evaluator.solve(block) }
            report.add(threads == 1 ? "batched_queries_per_second_one_thread" : "batched_queries_per_second", Double(batch) / time,
                       "batched queries + bounds per second, \(threads) thread\(threads == 1 ? "" : "s")")
        }
        var (coefficients, bounds, smallest) = (0.0, 0.0, Double.infinity)
        let batched = answers!
        for j in Swift.stride(from: 0, to: batch, by: Swift.max(1, batch / 2000)) {
            try fused.solve(parameters[j])
            bounds = Swift.max(bounds, abs(batched.errorEstimates[j] - fused.errorEstimate) / fused.errorEstimate)
            smallest = Swift.min(smallest, fused.residualNorm)
            let u = fused.coefficients, norm = u.map { $0 * $0 }.reduce(0, +).squareRoot()
            for i in u.indices { coefficients = Swift.max(coefficients, abs(batched.coefficients[i, j] - u[i]) / norm) }
        }
        report.add("batched_max_coefficient_difference", coefficients, "batched vs single query: largest ‖Δu_N‖∞/‖u_N‖")
        report.add("batched_max_bound_difference", bounds, "batched vs single query: largest relative difference of Δ")
        report.add("smallest_residual_norm", smallest, "smallest ‖r(μ)‖ of the compared queries")
        var lapackDifference = 0.0
        for mu in mus.prefix(200) {
            try fused.solve(mu)
            try lapack.solve(mu)
            lapackDifference = Swift.max(lapackDifference, abs(fused.errorEstimate - lapack.errorEstimate) / lapack.errorEstimate)
        }
        report.add("fused_max_relative_difference", lapackDifference, "fused vs LAPACK path: largest relative difference of Δ")
    }
}
