import LinearAlgebra
import ROM
import XCTest

final class ReducedBasisTests: XCTestCase {
    /// The greedy certifies: on fresh parameters the bound is above the true error (effectivity
    /// ≥ 1) and not far above it, and the largest training estimate falls below the tolerance.
    func testGreedyBoundsTheTrueErrorOnFreshParameters() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 30)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 3)
        let greedy = try ReducedBasisGreedy(tolerance: 1e-4, maxBasisSize: 40)
        let result = try greedy.run(problem: problem, trainingSet: training)
        XCTAssertEqual(result.stopReason, .toleranceReached)
        XCTAssertLessThanOrEqual(result.history.last!.maxEstimate, 1e-4)
        XCTAssertEqual(result.model.size, result.selectedParameters.count)
        // Estimates decrease along the greedy (not strictly, but by orders of magnitude overall).
        XCTAssertLessThan(result.history.last!.maxEstimate, 1e-3 * result.history.first!.maxEstimate)

        let evaluator = ReducedModelEvaluator(model: result.model)
        let x = problem.innerProduct
        for mu in try problem.parameterSpace.random(count: 10, seed: 3) {
            try evaluator.solve(mu)
            let truth = try problem.solve(mu)
            let reduced = try result.model.reconstruct(evaluator.coefficients)
            let error = x.norm(zip(truth, reduced).map { $0 - $1 })
            XCTAssertGreaterThanOrEqual(evaluator.errorEstimate, error * (1 - 1e-9), "effectivity below 1 at \(mu)")
            XCTAssertLessThan(evaluator.errorEstimate, 20 * error, "effectivity above 20 at \(mu)")
            // The output (mean temperature) and its bound.
            let output = BLAS.dot(problem.decomposition.outputs[0], truth)
            XCTAssertLessThanOrEqual(abs(output - evaluator.outputs[0]), evaluator.outputBound(0) * (1 + 1e-9))
        }
    }

    /// Issue 6: the standard formula stalls near √ε relative, the orthonormalized one follows the
    /// true error down to 1e-11 and below.
    func testAccurateEstimatorFollowsTheErrorBelowTheStandardFloor() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 20)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 3)
        let greedy = try ReducedBasisGreedy(tolerance: 1e-14, relative: true, maxBasisSize: 60)
        let result = try greedy.run(problem: problem, trainingSet: training)
        var accurateModel = result.model, standardModel = result.model
        accurateModel.residualNormMethod = .orthonormalized
        standardModel.residualNormMethod = .standard
        let accurate = ReducedModelEvaluator(model: accurateModel), standard = ReducedModelEvaluator(model: standardModel)
        var smallestTrueError = Double.infinity
        var worstAccurateRatio = 0.0, standardFloor = 0.0
        for mu in try problem.parameterSpace.random(count: 5, seed: 11) {
            let truth = try problem.solve(mu)
            let norm = problem.innerProduct.norm(truth)
            try accurate.solve(mu)
            try standard.solve(mu)
            let reduced = try accurateModel.reconstruct(accurate.coefficients)
            let error = problem.innerProduct.norm(zip(truth, reduced).map { $0 - $1 }) / norm
            smallestTrueError = min(smallestTrueError, error)
            worstAccurateRatio = max(worstAccurateRatio, accurate.errorEstimate / norm / max(error, 1e-300))
            standardFloor = max(standardFloor, standard.errorEstimate / norm)
        }
        XCTAssertLessThan(smallestTrueError, 1e-11, "the basis should reach below 1e-11 relative")
        XCTAssertLessThan(worstAccurateRatio, 20, "accurate estimate must stay within 20× of the true error")
        XCTAssertGreaterThan(standardFloor, 1e-9, "the standard formula is expected to stall near 1e-8")
    }
}
