import Foundation
import LinearAlgebra
import ROM
import TestSupport
import XCTest

/// The third residual-norm method (Casenave, Ern, Lelièvre, M2AN 2014): the EIM of the products
/// c_k(μ) c_l(μ) applied to squared residual norms computed at the truth level, against the two
/// others and against the residual formed directly with the truth operators.
final class ResidualNormInterpolationTests: XCTestCase {
    /// ‖f(μ) − A(μ) V u_N‖_{X'} at the truth level: the residual vector, then √(rᵀ X⁻¹ r).
    private func truthResidualNorm(_ problem: AffineProblem, _ xFactor: CholeskyFactorization, _ mu: Parameter,
                                   _ field: [Double]) throws -> Double {
        let a = problem.decomposition.matrix(at: mu)
        let f = problem.decomposition.rightHandSide(at: mu)
        let image = a.apply(field)
        let r = zip(f, image).map { $0 - $1 }
        return BLAS.dot(r, try xFactor.solve(r)).squareRoot()
    }

    /// One row of the comparison: the truth residual ‖r‖/‖f‖ and each method's relative error.
    private struct Row {
        let residual: Double, standard: Double, orthonormalized: Double, interpolated: Double
    }

    /// Greedy to `tolerance` (relative), the three estimators at `tests` against the truth residual;
    /// prints one line per tolerance. Returns the rows, the last reductor and interpolated model.
    private func compare(_ label: String, _ problem: AffineProblem, training: [Parameter], eimTraining: [Parameter],
                         tests: [Parameter], tolerances: [Double]) throws -> (rows: [[Row]], reductor: ReducedBasisReductor, model: ReducedModel) {
        let xFactor = try CholeskyFactorization(try XCTUnwrap(problem.innerProduct.matrix))
        let f0 = problem.decomposition.rightHandSides[0]
        let rhsNorm = BLAS.dot(f0, try xFactor.solve(f0)).squareRoot()
        print("\(label): |training| = \(training.count), |EIM training| = \(eimTraining.count), \(tests.count) test parameters")
        print("   tol     N    S   ‖r‖/‖f‖ range        worst relative error: standard  orthonormalized  empiricalInterpolation")
        var table: [[Row]] = []
        var last: (ReducedBasisReductor, ReducedModel)?
        for tolerance in tolerances {
            let result = try ReducedBasisGreedy(tolerance: tolerance, relative: true, maxBasisSize: 80).run(problem: problem, trainingSet: training)
            let interpolated = try result.reductor.reducedModel(residualNormMethod: .empiricalInterpolation, trainingSet: eimTraining)
            var standardModel = result.model, accurateModel = result.model
            standardModel.residualNormMethod = .standard
            accurateModel.residualNormMethod = .orthonormalized
            let evaluators = [standardModel, accurateModel, interpolated].map { ReducedModelEvaluator(model: $0) }
            var rows: [Row] = []
            for mu in tests {
                try evaluators[1].solve(mu)
                let field = try result.model.reconstruct(evaluators[1].coefficients)
                let r = zip(problem.decomposition.rightHandSide(at: mu), problem.decomposition.matrix(at: mu).apply(field)).map { $0 - $1 }
                let reference = BLAS.dot(r, try xFactor.solve(r)).squareRoot()
                var errors: [Double] = []
                for evaluator in evaluators {
                    try evaluator.solve(mu)
                    errors.append(abs(evaluator.residualNorm - reference) / reference)
                }
                rows.append(Row(residual: reference / rhsNorm, standard: errors[0], orthonormalized: errors[1], interpolated: errors[2]))
            }
            let residuals = rows.map(\.residual)
            let line = String(format: "  %.0e  %3d  %4d   %.1e – %.1e               %.1e       %.1e              %.1e", tolerance,
                              result.model.size, interpolated.residualInterpolation?.terms ?? 0, residuals.min() ?? 0, residuals.max() ?? 0,
                              rows.map(\.standard).max() ?? 0, rows.map(\.orthonormalized).max() ?? 0, rows.map(\.interpolated).max() ?? 0)
            print(line)
            table.append(rows)
            last = (result.reductor, interpolated)
        }
        let (reductor, model) = try XCTUnwrap(last)
        return (table, reductor, model)
    }

    /// Parameters of the 2×2 thermal block with the first `varying` diffusivities drawn at random
    /// in [0.1, 1] and the others at 1.
    private func parameters(_ problem: AffineProblem, varying: Int, count: Int, seed: UInt64) throws -> [Parameter] {
        try problem.parameterSpace.random(count: count, seed: seed).map { mu in
            Parameter((0..<4).map { $0 < varying ? mu.values[$0] : 1 })
        }
    }

    /// On the 2×2 thermal block, as the greedy drives the true error from 1e-6 to 1e-10 relative,
    /// at test parameters outside both training sets, against the truth residual. Asserted: with one
    /// varying diffusivity and the greedy at 1e-6, `.empiricalInterpolation` follows the residual
    /// norm within 1e-3 down to ‖r‖/‖f‖ ≈ 5e-10, where `.standard` is off by more than a half.
    /// Printed, not asserted (the limits, docs/rom.md): below, the estimate's error is about
    /// Λ max_s ‖r(μ_s)‖² in ‖r‖² (Λ: the interpolation's Lebesgue constant), so it is lost once
    /// ‖r(μ)‖ falls far below the residuals at the selected μ_s; with two diffusivities it holds
    /// 1e-2 at 2e-8; with four, S reaches the 400 EIM training parameters (not converged).
    /// Prints the online cost against `.orthonormalized` and the number of terms S.
    func testInterpolatedResidualNormFollowsTheTruthBelowTheStandardFloor() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 20)
        let tolerances = [1e-6, 1e-8, 1e-10]
        var asserted: [[[Row]]] = []
        var timed: (ReducedBasisReductor, ReducedModel)?
        for varying in [1, 2] {
            let training = try parameters(problem, varying: varying, count: varying == 1 ? 40 : 100, seed: 1)
            let eimTraining = try parameters(problem, varying: varying, count: varying == 1 ? 100 : 400, seed: 5)
            let tests = try parameters(problem, varying: varying, count: 8, seed: 11)
            let run = try compare("\(varying) varying diffusivit\(varying == 1 ? "y" : "ies")", problem, training: training,
                                  eimTraining: eimTraining, tests: tests, tolerances: tolerances)
            asserted.append(run.rows)
            timed = (run.reductor, run.model)
        }
        let full = try problem.parameterSpace.uniformGrid(pointsPerComponent: 3)
        _ = try compare("4 varying diffusivities", problem, training: full, eimTraining: try problem.parameterSpace.latinHypercube(count: 400, seed: 5),
                        tests: try problem.parameterSpace.random(count: 8, seed: 11), tolerances: tolerances)

        // One diffusivity, greedy at 1e-6: the interpolation follows every residual, the standard
        // formula loses the smallest.
        let oneParameter = asserted[0][0]
        for row in oneParameter {
            XCTAssertLessThan(row.interpolated, 1e-3, "interpolated residual norm off at ‖r‖/‖f‖ = \(row.residual)")
        }
        let smallest = try XCTUnwrap(oneParameter.min { $0.residual < $1.residual })
        XCTAssertLessThan(smallest.residual, 2e-9, "the basis should bring a residual near 1e-9 relative")
        XCTAssertGreaterThan(smallest.standard, 0.5, "the standard formula is expected to be off below its floor")
        // Two diffusivities, greedy at 1e-6 (‖r‖/‖f‖ ≈ 2e-8 – 2e-7): within 5e-2.
        for row in asserted[1][0] { XCTAssertLessThan(row.interpolated, 5e-2, "two diffusivities, at ‖r‖/‖f‖ = \(row.residual)") }

        // Online cost per query, side by side (printed, not asserted): the two-parameter model.
        let (reductor, interpolated) = try XCTUnwrap(timed)
        let s = try XCTUnwrap(interpolated.residualInterpolation).terms
        let accurate = ReducedModelEvaluator(model: try reductor.reducedModel(residualNormMethod: .orthonormalized, keepBasis: false))
        let interpolating = ReducedModelEvaluator(model: interpolated)
        let queries = try parameters(problem, varying: 2, count: 200, seed: 3)
        func seconds(_ evaluator: ReducedModelEvaluator) throws -> Double {
            var best = Double.infinity
            for _ in 0..<5 {
                let clock = Stopwatch()
                for mu in queries { try evaluator.solve(mu) }
                best = min(best, clock.seconds / Double(queries.count))
            }
            return best
        }
        _ = try seconds(accurate)
        let tAccurate = min(try seconds(accurate), try seconds(accurate)), tInterpolated = try seconds(interpolating)
        print(String(format: "online query, N = %d: orthonormalized %.2f µs (R = %d, K = %d), empiricalInterpolation %.2f µs (S = %d): ratio %.2f",
                     interpolated.size, 1e6 * tAccurate, interpolated.residualCoefficients.rows, 1 + 4 * interpolated.size,
                     1e6 * tInterpolated, s, tInterpolated / tAccurate))
    }

    /// The interpolation data survives the model file; a model without it refuses the method.
    func testModelFileKeepsTheInterpolationAndRefusesTheMethodWithoutIt() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 10)
        let space = problem.parameterSpace
        let training = try space.uniformGrid(pointsPerComponent: 3)
        let result = try ReducedBasisGreedy(tolerance: 1e-6, relative: true, maxBasisSize: 20, residualNormMethod: .empiricalInterpolation)
            .run(problem: problem, trainingSet: training)
        let model = result.model
        XCTAssertEqual(model.residualNormMethod, .empiricalInterpolation)
        let interpolation = try XCTUnwrap(model.residualInterpolation)

        let folder = try TemporaryFolder("rom-cel")
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("model.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "empiricalInterpolation"))
        let loaded = try OnlineModelFile.read(url)
        XCTAssertEqual(loaded.sizes["S"], interpolation.terms)
        let read = try XCTUnwrap(loaded.model.residualInterpolation)
        XCTAssertEqual(read.rows, interpolation.rows)
        XCTAssertEqual(read.columns, interpolation.columns)
        XCTAssertEqual(read.squaredResidualNorms, interpolation.squaredResidualNorms)
        XCTAssertEqual(read.interpolationMatrix.storage, interpolation.interpolationMatrix.storage)
        let before = ReducedModelEvaluator(model: model), after = ReducedModelEvaluator(model: loaded.model)
        for mu in try space.random(count: 3, seed: 2) {
            try before.solve(mu)
            try after.solve(mu)
            XCTAssertEqual(before.residualNorm, after.residualNorm)
        }

        // Without the data: the reductor and the evaluator say what is missing.
        XCTAssertThrowsError(try result.reductor.reducedModel(residualNormMethod: .empiricalInterpolation)) { error in
            XCTAssertTrue("\(error)".contains("interpolation data"), "\(error)")
        }
        var bare = try result.reductor.reducedModel(residualNormMethod: .orthonormalized)
        bare.residualNormMethod = .empiricalInterpolation
        XCTAssertThrowsError(try ReducedModelEvaluator(model: bare).solve(space.random(count: 1, seed: 1)[0])) { error in
            XCTAssertTrue("\(error)".contains("interpolation data"), "\(error)")
        }
    }
}
