import Foundation
import LinearAlgebra
import ROM

/// The reduced model against the truth on the test set: true errors and bounds in the H¹₀
/// seminorm (relative to ‖u(μ)‖), effectivities Δ/‖e‖, and the truth solve time.
struct TestSetStudy {
    let parameters: [Parameter]
    let relativeErrors: [Double]
    let relativeEstimates: [Double]
    let effectivities: [Double]
    let truthSecondsPerSolve: Double
    /// Singular values of the test-set truth solutions in the X product (the decay a POD sees),
    /// those the method of snapshots resolves (above √ε σ₁ or so).
    let singularValues: [Double]

    init(problem: AffineProblem, model: ReducedModel, parameters: [Parameter]) throws {
        let evaluator = ReducedModelEvaluator(model: model)
        let x = problem.innerProduct
        var errors: [Double] = [], estimates: [Double] = [], effectivities: [Double] = []
        var snapshots = Matrix(rows: problem.dimension, columns: 0)
        let solvesBefore = problem.solveCount, secondsBefore = problem.solveSeconds
        for mu in parameters {
            let truth = try problem.solve(mu)
            snapshots.appendColumn(truth)
            try evaluator.solve(mu)
            let reduced = try model.reconstruct(evaluator.coefficients)
            let norm = x.norm(truth)
            let error = x.norm(zip(truth, reduced).map { $0 - $1 })
            errors.append(error / norm)
            estimates.append(evaluator.errorEstimate / norm)
            effectivities.append(error > 0 ? evaluator.errorEstimate / error : .infinity)
        }
        self.parameters = parameters
        relativeErrors = errors
        relativeEstimates = estimates
        self.effectivities = effectivities
        truthSecondsPerSolve = (problem.solveSeconds - secondsBefore) / Double(max(problem.solveCount - solvesBefore, 1))
        singularValues = try POD(snapshots: snapshots, innerProduct: x, truncation: .count(1)).singularValues.filter { $0 > 0 }
    }

    var maxRelativeError: Double { relativeErrors.max() ?? 0 }
    var maxRelativeEstimate: Double { relativeEstimates.max() ?? 0 }
    var effectivityMin: Double { effectivities.min() ?? 0 }
    var effectivityMax: Double { effectivities.max() ?? 0 }
}

/// Online time per query (reduced solve + error bound + outputs), measured over repeated passes
/// through the test set; the best pass counts.
struct OnlineTiming {
    let secondsPerQuery: Double

    init(model: ReducedModel, parameters: [Parameter], passes: Int = 50) throws {
        let evaluator = ReducedModelEvaluator(model: model)
        var best = Double.infinity
        for _ in 0..<passes {
            best = min(best, try Stopwatch.measure { for mu in parameters { try evaluator.solve(mu) } }.seconds)
        }
        secondsPerQuery = best / Double(parameters.count)
    }
}
