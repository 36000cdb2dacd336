import Foundation
import LinearAlgebra
import ROM
import XCTest

/// The empirical interpolation of matrix powers (arXiv 1710.02488) against dense LAPACK.
final class MatrixPowerInterpolationTests: XCTestCase {
    /// A(μ) = (I + L/4) + μ₀ (L + I/2) + μ₁ D, L the 1D Laplacian stencil, D a positive diagonal,
    /// μ ∈ [0.5, 2]²: every term SPD, A(μ) well conditioned (κ ≈ 10), so the series bound is sharp.
    private func family(_ n: Int) throws -> (ParameterSpace, AffineDecomposition, CoercivityBound) {
        func matrix(_ diagonal: (Int) -> Double, _ off: Double) -> SparseMatrix {
            var builder = SparseBuilder<Double>(rows: n, columns: n)
            for i in 0..<n {
                builder.add(i, i, diagonal(i))
                if i > 0 { builder.add(i, i - 1, off) }
                if i + 1 < n { builder.add(i, i + 1, off) }
            }
            return builder.build()
        }
        let terms = [matrix({ _ in 1.5 }, -0.25), matrix({ _ in 2.5 }, -1), matrix({ 0.5 + 0.5 * sin(Double($0)) * sin(Double($0)) }, 0)]
        let space = try ParameterSpace(names: ["a", "b"], lower: [0.5, 0.5], upper: [2, 2])
        let decomposition = try AffineDecomposition(operators: terms, operatorCoefficients: [.constant(1), .component(0), .component(1)],
                                                    rightHandSides: [[Double](repeating: 1, count: n)], rightHandSideCoefficients: [.constant(1)])
        // min-θ with θ(μ̄) = (1, 0.5, 0.5) and λ_min(A(μ̄)) from LAPACK.
        let reference = Parameter([0.5, 0.5])
        let lowest = try SymmetricEigen(decomposition.matrix(at: reference).dense, indices: 0..<1, computeVectors: false).values[0]
        return (space, decomposition, .minTheta(reference: reference.values, referenceConstant: lowest))
    }

    /// log det, bᵀA⁻¹c and A⁻¹c agree with dense LAPACK on 20 fresh μ, every bound holds, and the
    /// approximation is exact at the parameters the greedy selected.
    func testAgreesWithDenseValuesAndBoundsHold() throws {
        let n = 40
        let (space, decomposition, stability) = try family(n)
        let b = (0..<n).map { 1 + 0.1 * Double($0 % 5) }, c = (0..<n).map { cos(Double($0)) }
        let training = try space.random(count: 200, seed: 1)
        let model = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: training,
                                                 stability: stability, left: b, right: c, options: .init(degree: 16))
        var worst = (logDet: 0.0, quadratic: 0.0, inverse: 0.0)
        for mu in try space.random(count: 20, seed: 99) {
            let dense = try DenseCholesky(decomposition.matrix(at: mu).dense)
            let x = try dense.solve(c)
            let e = try model.evaluate(at: mu)
            let logDetError = abs(e.logDeterminant - dense.logDeterminant)
            XCTAssertLessThanOrEqual(logDetError, e.logDeterminantBound, "log det bound at \(mu)")
            let quadraticError = abs(e.quadraticForm! - BLAS.dot(b, x))
            XCTAssertLessThanOrEqual(quadraticError, e.quadraticFormBound!, "quadratic form bound at \(mu)")
            let approximate = try model.inverse(at: mu)
            let inverseError = BLAS.nrm2(zip(approximate, x).map { $0 - $1 })
            XCTAssertLessThanOrEqual(inverseError, e.inverseBound!, "inverse bound at \(mu)")
            worst.logDet = max(worst.logDet, logDetError / abs(dense.logDeterminant))
            worst.quadratic = max(worst.quadratic, quadraticError / abs(BLAS.dot(b, x)))
            worst.inverse = max(worst.inverse, inverseError / BLAS.nrm2(x))
        }
        XCTAssertLessThan(worst.logDet, 1e-7)
        XCTAssertLessThan(worst.quadratic, 1e-7)
        XCTAssertLessThan(worst.inverse, 1e-7)
        for (j, mu) in model.selectedParameters.enumerated() {
            let e = try model.evaluate(at: mu)
            XCTAssertEqual(e.logDeterminant, model.logDeterminants[j], accuracy: 1e-10 * abs(model.logDeterminants[j]))
            let exact = try DenseCholesky(decomposition.matrix(at: mu).dense)
            XCTAssertEqual(e.quadraticForm!, BLAS.dot(b, try exact.solve(c)), accuracy: 1e-10)
        }
    }

    /// A μ outside the box, a training matrix that is not SPD and half a pair of vectors are errors.
    func testRejectsBadInput() throws {
        let (space, decomposition, stability) = try family(12)
        let model = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition,
                                                 training: try space.random(count: 20, seed: 2), stability: stability,
                                                 options: .init(degree: 3))
        XCTAssertThrowsError(try model.evaluate(at: Parameter([3, 1]))) { XCTAssertTrue($0 is ParameterError, "\($0)") }
        XCTAssertThrowsError(try model.inverse(at: Parameter([1, 1])))
        XCTAssertThrowsError(try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: [Parameter([1, 1])],
                                                          stability: stability, left: [Double](repeating: 1, count: 12)))
        let wide = try ParameterSpace(names: ["a", "b"], lower: [-5, 0.5], upper: [2, 2])
        XCTAssertThrowsError(try MatrixPowerInterpolation(parameterSpace: wide, decomposition: decomposition, training: [Parameter([-5, 0.5])],
                                                          stability: stability)) { error in
            guard case LinearAlgebraError.notPositiveDefinite = error else { return XCTFail("\(error)") }
        }
    }
}
