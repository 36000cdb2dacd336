import Foundation
import LinearAlgebra
@testable import ROM
import XCTest

/// The online solve of `NonintrusiveModelEvaluator` on a model built from its arrays (N = 3, one
/// operator term and the estimator's, k = 4, identity interpolation matrices: β and γ are the
/// entries themselves), against the dense computation by hand: a symmetric positive definite
/// A_N(μ) by the packed Cholesky path, a symmetric indefinite one by its LU fallback, a
/// nonsymmetric one by LU; the indicator, computed when read, is that of the last query.
final class NonintrusiveEvaluatorSolveTests: XCTestCase {
    private static let f0: [Double] = [1, -2, 0.5], f1: [Double] = [0.3, 0.1, -0.2]
    private static let s1 = DenseMatrix<Double>(rows: 4, columns: 3, storage: (0..<12).map { 0.05 * Double($0) - 0.2 })
    private static let s0 = DenseMatrix<Double>(rows: 4, columns: 3, storage: (0..<12).map { sin(Double($0)) })
    private static let load0: [Double] = [0.5, -1, 2, 0.25], load1: [Double] = [0.1, 0.2, -0.1, 0.05]

    private func model(_ a0: [[Double]]) throws -> NonintrusiveReducedModel<Double> {
        let identity = Matrix(rowMajor: [[1, 0], [0, 1]])
        return try NonintrusiveReducedModel(
            parameterSpace: try ParameterSpace(names: ["mu"], lower: [0], upper: [1]), order: 5,
            operatorPositions: [MatrixPosition(row: 0, column: 0), MatrixPosition(row: 1, column: 1)], operatorParts: [.real, .real],
            operatorInterpolationMatrix: identity, rightHandSideIndices: [0, 1], rightHandSideParts: [.real, .real],
            rightHandSideInterpolationMatrix: identity,
            reducedOperators: [DenseMatrix(rowMajor: a0), DenseMatrix(rowMajor: [[9, 9, 9], [9, 9, 9], [9, 9, 9]])],
            reducedRightHandSides: [Self.f0, Self.f1], sketchedOperators: [Self.s0, Self.s1],
            sketchedRightHandSides: [Self.load0, Self.load1], stabilityConstant: 2, coefficientInterpolation: nil, basis: nil)
    }

    /// u = (β₀ A₀)⁻¹ γ₀ f₀ and η = (‖γ₀ΘF₀ − β₀ S₀ u‖ + ‖β₁ S₁ u − γ₁ ΘF₁‖) / α, densely.
    private func byHand(_ a0: [[Double]], beta: [Double], gamma: [Double]) throws -> (u: [Double], estimate: Double) {
        var a = DenseMatrix<Double>(rowMajor: a0)
        for i in 0..<9 { a.storage[i] *= beta[0] }
        let u = try DenseLU(a).solve(Self.f0.map { gamma[0] * $0 })
        func apply(_ s: DenseMatrix<Double>, _ x: [Double]) -> [Double] {
            (0..<4).map { i in (0..<3).reduce(0) { $0 + s[i, $1] * x[$1] } }
        }
        let s0u = apply(Self.s0, u), s1u = apply(Self.s1, u)
        let r = (0..<4).map { gamma[0] * Self.load0[$0] - beta[0] * s0u[$0] }
        let e = (0..<4).map { beta[1] * s1u[$0] - gamma[1] * Self.load1[$0] }
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return (u, (norm(r) + norm(e)) / 2)
    }

    private func check(_ a0: [[Double]], hermitian: Bool) throws {
        let evaluator = NonintrusiveModelEvaluator(model: try model(a0))
        XCTAssertEqual(evaluator.hermitian, hermitian)
        let queries: [(beta: [Double], gamma: [Double])] = [([1.5, 0.01], [2, -0.3]), ([0.7, -0.02], [-1, 0.4])]
        // The first query's indicator is never read: the second one's must be its own.
        for (beta, gamma) in queries { try evaluator.solve(operatorEntries: beta, rightHandSideEntries: gamma) }
        let (u, estimate) = try byHand(a0, beta: queries[1].beta, gamma: queries[1].gamma)
        for (x, y) in zip(evaluator.coefficients, u) { XCTAssertEqual(x, y, accuracy: 1e-13 * u.map(abs).max()!) }
        XCTAssertEqual(evaluator.errorEstimate, estimate, accuracy: 1e-13 * estimate)
        XCTAssertEqual(evaluator.errorEstimate, estimate, accuracy: 1e-13 * estimate, "read twice")
        try evaluator.solve(operatorEntries: queries[0].beta, rightHandSideEntries: queries[0].gamma)
        XCTAssertEqual(evaluator.errorEstimate, try byHand(a0, beta: queries[0].beta, gamma: queries[0].gamma).estimate,
                       accuracy: 1e-13 * estimate, "a new query's indicator")
    }

    func testASymmetricPositiveDefiniteReducedOperatorIsPackedAndSolvedByCholesky() throws {
        try check([[4, 1, 0.5], [1, 3, -0.2], [0.5, -0.2, 2]], hermitian: true)
    }

    func testASymmetricIndefiniteReducedOperatorFallsBackToLU() throws {
        try check([[1, 2, 0], [2, -1, 0.5], [0, 0.5, 3]], hermitian: true)
    }

    func testANonsymmetricReducedOperatorIsSolvedByLU() throws {
        try check([[4, 1, 0.5], [0.2, 3, -0.2], [0.5, -0.9, 2]], hermitian: false)
    }

    func testASingularReducedOperatorIsAnError() throws {
        let evaluator = NonintrusiveModelEvaluator(model: try model([[1, 1, 0], [1, 1, 0], [0, 0, 1]]))
        XCTAssertThrowsError(try evaluator.solve(operatorEntries: [1, 0], rightHandSideEntries: [1, 0]))
    }
}
