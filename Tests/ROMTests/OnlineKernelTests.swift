import LinearAlgebra
import ROM
import XCTest

/// The fused small-order kernel and the batched evaluator answer as the LAPACK path does: the
/// same reduced solutions and bounds to round-off, the same errors for bad queries.
final class OnlineKernelTests: XCTestCase {
    /// A thermal block model (N ≈ 20) from the finite-difference problem.
    private func thermalBlockModel() throws -> ReducedModel {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 20)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 3)
        return try ReducedBasisGreedy(tolerance: 1e-7, maxBasisSize: 40).run(problem: problem, trainingSet: training).model
    }

    /// A synthetic model of order n: A(μ) = μ₀ A₀ + μ₁ A₁ with A₀, A₁ SPD (seeded), one right-hand
    /// side, an upper-triangular B as a QR would give, the standard Gram G = BᵀB, one output.
    private func syntheticModel(order n: Int, seed: UInt64) throws -> ReducedModel {
        var random = SplitMix64(seed: seed)
        func matrix(_ rows: Int, _ columns: Int) -> Matrix {
            Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in random.nextUniform() - 0.5 })
        }
        let operators = (0..<2).map { _ -> Matrix in
            let g = matrix(n, n)
            var a = g.transposed * g
            for i in 0..<n { a[i, i] += Double(n) / 4 }
            return a
        }
        let k = 1 + 2 * n
        var b = matrix(k, k)
        for j in 0..<k { for i in (j + 1)..<k { b[i, j] = 0 } }
        let space = try ParameterSpace(names: ["a", "b"], lower: [0.5, 0.5], upper: [2, 2])
        let theta = [try ParameterFunction("a", names: space.names), try ParameterFunction("b", names: space.names)]
        return try ReducedModel(parameterSpace: space, operatorCoefficients: theta,
                                rightHandSideCoefficients: [try ParameterFunction("1", names: space.names)],
                                reducedOperators: operators, reducedRightHandSides: [matrix(n, 1).storage],
                                reducedOutputs: [matrix(n, 1).storage], outputDualNorms: [2], residualGram: b.transposed * b,
                                residualCoefficients: b, coercivityBound: CoercivityBound.constant(0.5), isSymmetric: true, basis: nil,
                                residualNormMethod: .orthonormalized)
    }

    /// `base` with its reduced operators replaced (the same θ, right-hand side, estimator).
    private func replacingOperators(of base: ReducedModel, with operators: [Matrix]) throws -> ReducedModel {
        try ReducedModel(parameterSpace: base.parameterSpace, operatorCoefficients: base.operatorCoefficients,
                         rightHandSideCoefficients: base.rightHandSideCoefficients, reducedOperators: operators,
                         reducedRightHandSides: base.reducedRightHandSides, reducedOutputs: base.reducedOutputs,
                         outputDualNorms: base.outputDualNorms, residualGram: base.residualGram,
                         residualCoefficients: base.residualCoefficients, coercivityBound: CoercivityBound.constant(0.5),
                         isSymmetric: true, basis: nil, residualNormMethod: .orthonormalized)
    }

    /// |x − y| within round-off of the scale.
    private func assertClose(_ x: Double, _ y: Double, scale: Double, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(x - y), 1e-12 * scale, "\(message): \(x) vs \(y)", file: file, line: line)
    }

    /// Fused vs LAPACK on the thermal block (both estimators) and on synthetic models of orders
    /// 1, 2, 4, 6, 7, 24, 33 and 64 (the padding, full and narrow panels of four columns):
    /// coefficients,
    /// residual norms, bounds and outputs agree to round-off.
    func testFusedKernelAnswersAsTheLAPACKPath() throws {
        var models = [try thermalBlockModel()]
        var standard = models[0]
        standard.residualNormMethod = .standard
        models.append(standard)
        for (order, seed) in [(1, 1), (2, 6), (4, 2), (6, 7), (7, 3), (24, 8), (33, 4), (64, 5)] { models.append(try syntheticModel(order: order, seed: UInt64(seed))) }
        for model in models {
            let fused = ReducedModelEvaluator(model: model), lapack = ReducedModelEvaluator(model: model, fusedKernel: false)
            for mu in try model.parameterSpace.random(count: 20, seed: 9) {
                try fused.solve(mu)
                try lapack.solve(mu)
                let norm = lapack.coefficients.map { $0 * $0 }.reduce(0, +).squareRoot()
                for (a, b) in zip(fused.coefficients, lapack.coefficients) { assertClose(a, b, scale: 10 * norm, "u_N, N = \(model.size)") }
                // ‖r‖ cancels down from the size of its terms, ‖B c‖ ≤ ‖B‖ ‖c‖: round-off is relative to that.
                let c = ([1.0] + lapack.coefficients).map(abs).reduce(0, +)
                let standardFloor = model.residualNormMethod == .standard ? 1e4 : 1
                assertClose(fused.residualNorm, lapack.residualNorm, scale: standardFloor * 1e3 * c, "‖r‖, N = \(model.size)")
                XCTAssertEqual(fused.coercivityLowerBound, lapack.coercivityLowerBound)
                assertClose(fused.outputs[0], lapack.outputs[0], scale: 10 * norm, "output, N = \(model.size)")
            }
        }
    }

    /// A pivot that fails inside a panel (column 5: the second panel's second column) is named by
    /// the fused kernel, the batch's re-solve and LAPACK alike.
    func testIndefiniteColumnInsideAPanel() throws {
        let model = try syntheticModel(order: 7, seed: 3)
        // A(μ) = a D₀ + b D₁, diagonal: D₀ = I, D₁ = −3 at (5, 5): pivot 5 is a − 3b < 0 at (0.5, 2).
        var d0 = Matrix(rows: 7, columns: 7), d1 = Matrix(rows: 7, columns: 7)
        for i in 0..<7 { d0[i, i] = 1 }
        d1[5, 5] = -3
        let broken = try replacingOperators(of: model, with: [d0, d1])
        let bad = Parameter([0.5, 2])
        XCTAssertThrowsError(try ReducedModelEvaluator(model: broken).solve(bad)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 5, routine: "ROMKit small LDLᵀ"))
        }
        XCTAssertThrowsError(try ReducedModelEvaluator(model: broken, fusedKernel: false).solve(bad)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 5, routine: "LAPACK dpotrf"))
        }
        XCTAssertThrowsError(try ReducedModelBatchEvaluator(model: broken, threads: 1, blockSize: 4).solve([Parameter([2, 0.5]), bad])) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 5, routine: "ROMKit small LDLᵀ"))
        }
        // Where A(μ) is positive definite the same model answers: u = f / diag.
        let good = ReducedModelEvaluator(model: broken)
        try good.solve(Parameter([2, 0.5]))
        for i in 0..<7 { XCTAssertEqual(good.coefficients[i], model.reducedRightHandSides[0][i] / (i == 5 ? 0.5 : 2), accuracy: 1e-14) }
    }

    /// The batched evaluator over 1 and 2 threads and odd block sizes equals one query at a
    /// time to round-off, outputs and output bounds included.
    func testBatchedEvaluatorEqualsSingleQueries() throws {
        for model in [try thermalBlockModel(), try syntheticModel(order: 33, seed: 7)] {
            let mus = try model.parameterSpace.random(count: 101, seed: 4)
            let single = ReducedModelEvaluator(model: model)
            for (threads, block) in [(1, 32), (2, 7), (2, 200)] {
                let answers = try ReducedModelBatchEvaluator(model: model, threads: threads, blockSize: block).solve(mus)
                XCTAssertEqual(answers.count, mus.count)
                for (j, mu) in mus.enumerated() {
                    try single.solve(mu)
                    let norm = single.coefficients.map { $0 * $0 }.reduce(0, +).squareRoot()
                    for i in 0..<model.size { assertClose(answers.coefficients[i, j], single.coefficients[i], scale: 10 * norm, "u_N") }
                    let c = ([1.0] + single.coefficients).map(abs).reduce(0, +)
                    assertClose(answers.residualNorms[j], single.residualNorm, scale: 1e3 * c, "‖r‖")
                    XCTAssertEqual(answers.errorEstimates[j], answers.residualNorms[j] / answers.coercivityLowerBounds[j])
                    XCTAssertEqual(answers.coercivityLowerBounds[j], single.coercivityLowerBound)
                    assertClose(answers.outputs[0, j], single.outputs[0], scale: 10 * norm, "output")
                    XCTAssertEqual(answers.outputBounds[0, j], model.outputDualNorms[0] * answers.errorEstimates[j])
                }
            }
            // Through the OnlineModel seam (what `rom online --mu-file` calls).
            let block = Matrix(rows: model.parameterSpace.dimension, columns: mus.count, storage: mus.flatMap(\.values))
            let online = try single.solve(block: block)
            XCTAssertEqual(online.estimateDetails.map(\.name), ["residual_norm", "coercivity_lower_bound"])
            try single.solve(mus[50])
            assertClose(online.errorEstimates[50], single.errorEstimate, scale: 1e3 * single.errorEstimate + 1e-12, "Δ")
        }
    }

    /// Bad queries fail as one at a time does: an indefinite A_N(μ) names its column, a μ out of
    /// the box names its component, a block of the wrong height is refused.
    func testBadQueriesThrowTheSingleQueryErrors() throws {
        let model = try syntheticModel(order: 5, seed: 3)
        // A(μ) = a A₀ − b A₁: positive definite at (2, 0.5), negative definite at (0.5, 2).
        var operators = model.reducedOperators
        operators[1] = Matrix(rows: 5, columns: 5, storage: operators[1].storage.map { -$0 })
        let broken = try replacingOperators(of: model, with: operators)
        let bad = Parameter([0.5, 2])
        XCTAssertThrowsError(try ReducedModelEvaluator(model: broken).solve(bad)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 0, routine: "ROMKit small LDLᵀ"))
        }
        XCTAssertThrowsError(try ReducedModelEvaluator(model: broken, fusedKernel: false).solve(bad)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 0, routine: "LAPACK dpotrf"))
        }
        let batch = ReducedModelBatchEvaluator(model: broken, threads: 2, blockSize: 3)
        XCTAssertThrowsError(try batch.solve([Parameter([2, 0.5]), Parameter([2, 0.5]), bad, Parameter([2, 0.5]), bad])) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 0, routine: "ROMKit small LDLᵀ"))
        }
        XCTAssertThrowsError(try batch.solve([Parameter([2, 0.5]), Parameter([3, 0.5])])) { error in
            XCTAssertTrue("\(error)".contains("'a'"), "\(error)")
        }
        XCTAssertThrowsError(try batch.solve(Matrix(rows: 3, columns: 2))) { error in
            XCTAssertEqual(error as? ROMError, .dimensionMismatch(what: "parameter block rows", expected: 2, found: 3))
        }
    }
}
