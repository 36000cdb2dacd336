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

    @Option(help: "CHOLMOD factor kind of the truth phases: simplicial or supernodal.")
    var factor = "simplicial"

    func validate() throws {
        guard n >= 2, blocks >= 1, queries >= 1, tol > 0 else { throw ValidationError("--n ≥ 2, --blocks ≥ 1, --queries ≥ 1, --tol > 0") }
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
}
