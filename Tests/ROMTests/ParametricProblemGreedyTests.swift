import Foundation
import LinearAlgebra
import ROM
import XCTest

/// The RB greedy over any `ParametricProblem`: a problem written in a few lines, with no affine
/// decomposition, is reduced with the residual-norm indicator; an affine problem that is not an
/// `AffineProblem` keeps its certified bound.
final class ParametricProblemGreedyTests: XCTestCase {
    func testANonAffineProblemIsReducedWithTheResidualIndicator() throws {
        let problem = MovingBump()
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 7)
        let greedy = try ReducedBasisGreedy(tolerance: 1e-7, relative: true, maxBasisSize: 40)
        let result = try greedy.run(problem: problem, trainingSet: training)
        XCTAssertEqual(result.stopReason, .toleranceReached)
        XCTAssertEqual(result.estimateKind, .indicator)
        XCTAssertEqual(result.model.errorEstimateKind, .indicator)
        XCTAssertEqual(result.model.reducedDimension, result.selectedParameters.count)
        XCTAssertLessThanOrEqual(result.history.last!.maxEstimate, 1e-7)
        // V is X-orthonormal.
        XCTAssertLessThan((problem.innerProduct.gram(result.basis, result.basis) - Matrix.identity(result.basis.columns)).maxAbs, 1e-12)

        // Fresh parameters: the indicator bounds the error (α ≥ 1 here) and both are small.
        let x = problem.innerProduct
        var largestError = 0.0
        for mu in try problem.parameterSpace.random(count: 10, seed: 21) {
            try result.model.solve(mu)
            let truth = try problem.solve(mu)
            let reduced = try result.model.reconstruct(result.model.coefficients)
            let error = x.norm(zip(truth, reduced).map { $0 - $1 }) / x.norm(truth)
            XCTAssertLessThanOrEqual(error, result.model.errorEstimate * (1 + 1e-8), "indicator below the error at \(mu)")
            largestError = max(largestError, error)
        }
        XCTAssertLessThan(largestError, 1e-5)
        // At a selected parameter the snapshot is in the span: the indicator is round-off.
        try result.model.solve(result.selectedParameters[0])
        XCTAssertLessThan(result.model.errorEstimate, 1e-10)
    }

    /// The thermal block as a plain struct (not `AffineProblem`): the generic greedy uses its
    /// affine decomposition and stability bound and selects the same parameters, certified.
    func testAnAffineParametricProblemKeepsTheCertifiedBound() throws {
        struct Wrapped: ParametricProblem {
            let inner: AffineProblem
            var parameterSpace: ParameterSpace { inner.parameterSpace }
            var dimension: Int { inner.dimension }
            var innerProduct: InnerProduct { inner.innerProduct }
            var affineDecomposition: AffineDecomposition? { inner.decomposition }
            var stabilityBound: (any StabilityLowerBound)? { inner.coercivityBound }
            func matrix(at mu: Parameter) throws -> SparseMatrix { try inner.matrix(at: mu) }
            func rightHandSide(at mu: Parameter) throws -> [Double] { try inner.rightHandSide(at: mu) }
            func solve(_ mu: Parameter) throws -> [Double] { try inner.solve(mu) }
        }
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 16)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 3)
        let greedy = try ReducedBasisGreedy(tolerance: 1e-5, maxBasisSize: 30)
        let direct = try greedy.run(problem: problem, trainingSet: training)
        let generic = try greedy.run(problem: Wrapped(inner: problem), trainingSet: training)
        XCTAssertEqual(generic.estimateKind, .certifiedBound)
        XCTAssertEqual(generic.selectedParameters, direct.selectedParameters)
        XCTAssertEqual(generic.history.map(\.maxEstimate), direct.history.map(\.maxEstimate))
        let mu = Parameter([0.3, 0.8, 0.5, 0.2])
        let evaluator = ReducedModelEvaluator(model: direct.model)
        try evaluator.solve(mu)
        try generic.model.solve(mu)
        XCTAssertEqual(generic.model.coefficients, evaluator.coefficients)
        XCTAssertEqual(generic.model.errorEstimate, evaluator.errorEstimate)
        // The same greedy without the stability bound falls back to the indicator.
        struct Unbounded: ParametricProblem {
            let inner: Wrapped
            var parameterSpace: ParameterSpace { inner.parameterSpace }
            var dimension: Int { inner.dimension }
            var innerProduct: InnerProduct { inner.innerProduct }
            func matrix(at mu: Parameter) throws -> SparseMatrix { try inner.matrix(at: mu) }
            func rightHandSide(at mu: Parameter) throws -> [Double] { try inner.rightHandSide(at: mu) }
            func solve(_ mu: Parameter) throws -> [Double] { try inner.solve(mu) }
        }
        let indicated = try greedy.run(problem: Unbounded(inner: Wrapped(inner: problem)), trainingSet: training)
        XCTAssertEqual(indicated.estimateKind, .indicator)
        // The min-θ bound is α_LB = min θ ≤ 1, so the indicator ‖r‖ is at most the bound ‖r‖/α_LB.
        try indicated.model.solve(mu)
        XCTAssertLessThan(indicated.model.errorEstimate, 1e-4)
    }
}

/// The coefficient and stability-bound seams: closures for θ(μ) and a bound of one's own reduce
/// and answer exactly as the expressions and the min-θ bound they restate; a model built on them
/// is refused by the file writer with a message, not stored wrongly.
final class CoefficientSeamTests: XCTestCase {
    /// α_LB(μ) = min_b μ_b: the thermal block's min-θ bound (θ_b = μ_b, θ(μ̄) = 1), written by hand.
    struct SmallestDiffusivity: StabilityLowerBound {
        var referenceParameter: [Double]? { nil }
        func evaluate(mu: UnsafeBufferPointer<Double>, thetas: UnsafeBufferPointer<Double>,
                      referenceThetas: UnsafeBufferPointer<Double>) -> Double { mu.min() ?? 0 }
        var summary: String { "min_b mu_b" }
    }

    func testClosureCoefficientsAndACustomBoundGiveTheSameModel() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 14)
        let d = problem.decomposition
        let closures = try AffineDecomposition(
            operators: d.operators,
            coefficients: try ClosureCoefficients(count: 4, largestComponent: 3) { mu, theta in for q in 0..<4 { theta[q] = mu[q] } },
            rightHandSides: d.rightHandSides,
            rightHandSideCoefficients: try ClosureCoefficients(count: 1, largestComponent: -1, descriptions: ["one"]) { _, theta in theta[0] = 1 },
            outputs: d.outputs)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 2)
        let expressions = try ReducedBasisReductor(problem: problem)
        var byClosures = try ReducedBasisReductor(parameterSpace: problem.parameterSpace, decomposition: closures,
                                                  innerProduct: problem.innerProduct, coercivityBound: SmallestDiffusivity())
        var byExpressions = expressions
        for mu in training.prefix(5) {
            let u = try problem.solve(mu)
            try byClosures.extend(with: u)
            try byExpressions.extend(with: u)
        }
        let a = ReducedModelEvaluator(model: try byExpressions.reducedModel())
        let b = ReducedModelEvaluator(model: try byClosures.reducedModel())
        for mu in try problem.parameterSpace.random(count: 4, seed: 2) {
            try a.solve(mu)
            try b.solve(mu)
            XCTAssertEqual(a.coefficients, b.coefficients)
            XCTAssertEqual(a.errorEstimate, b.errorEstimate)
            XCTAssertEqual(b.coercivityLowerBound, mu.values.min())
        }
        XCTAssertEqual(b.facts.first { $0.key == "rhs_coefficients" }?.lines, ["theta'_0(mu) = one"])
        XCTAssertEqual(b.facts.first { $0.key == "coercivity_bound" }?.lines, ["min_b mu_b"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("romkit-closure-\(UUID().uuidString).npz")
        XCTAssertThrowsError(try OnlineModelFile.write(try byClosures.reducedModel(), to: url, provenance: .init(creator: "test", command: "closures"))) { error in
            XCTAssertTrue("\(error)".contains("a model file stores expressions"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing is written")
        // A coefficient reading a component the space lacks is refused where the model is built.
        let reading9 = try AffineDecomposition(operators: d.operators,
                                               coefficients: try ClosureCoefficients(count: 4, largestComponent: 9) { _, theta in theta.update(repeating: 1) },
                                               rightHandSides: d.rightHandSides, rightHandSideCoefficients: [ParameterFunction.constant(1)])
        XCTAssertThrowsError(try ReducedBasisReductor(parameterSpace: problem.parameterSpace, decomposition: reading9,
                                                      innerProduct: problem.innerProduct, coercivityBound: CoercivityBound.constant(1))
            .reducedModel()) { error in
            XCTAssertEqual(error as? ROMError, .invalidOption(name: "coefficient functions", detail: "they read mu[9] of a 4-component parameter space"))
        }
    }

    /// A term given only by its action (a matrix-free operator, as an external code's product)
    /// reduces to the same online model as the assembled matrix; `AffineProblem`, whose truth
    /// solvers form A(μ), refuses it with a message.
    func testAMatrixFreeTermReducesLikeItsMatrix() throws {
        struct MatrixFree: LinearOperator, Sendable {
            let matrix: SparseMatrix
            var rows: Int { matrix.rows }
            var columns: Int { matrix.columns }
            func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) { matrix.apply(x, into: y) }
        }
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let d = problem.decomposition
        var terms: [any LinearOperator<Double> & Sendable] = d.operators
        terms[2] = MatrixFree(matrix: d.operators[2])
        let matrixFree = try AffineDecomposition(terms: terms, coefficients: d.operatorCoefficients, rightHandSides: d.rightHandSides,
                                                 rightHandSideCoefficients: d.rightHandSideCoefficients, outputs: d.outputs)
        XCTAssertFalse(matrixFree.isAssembled)
        var assembled = try ReducedBasisReductor(problem: problem)
        var fromOperators = try ReducedBasisReductor(parameterSpace: problem.parameterSpace, decomposition: matrixFree,
                                                     innerProduct: problem.innerProduct, coercivityBound: problem.coercivityBound)
        for mu in try problem.parameterSpace.random(count: 4, seed: 5) {
            let u = try problem.solve(mu)
            try assembled.extend(with: u)
            try fromOperators.extend(with: u)
        }
        let a = ReducedModelEvaluator(model: try assembled.reducedModel())
        let b = ReducedModelEvaluator(model: try fromOperators.reducedModel())
        let mu = Parameter([0.4, 0.9, 0.2, 0.6])
        try a.solve(mu)
        try b.solve(mu)
        // Same reduced data; the reduced system is solved by LU instead of Cholesky (the symmetry
        // of a matrix-free term is not known), so the answers agree to round-off.
        for (u, v) in zip(a.coefficients, b.coefficients) { XCTAssertEqual(u, v, accuracy: 1e-13 * abs(u)) }
        XCTAssertEqual(a.errorEstimate, b.errorEstimate, accuracy: 1e-6 * a.errorEstimate)
        XCTAssertThrowsError(try AffineProblem(parameterSpace: problem.parameterSpace, decomposition: matrixFree,
                                               innerProduct: problem.innerProduct, coercivityBound: problem.coercivityBound)) { error in
            XCTAssertTrue("\(error)".contains("need every term as a SparseMatrix"), "\(error)")
        }
    }
}
