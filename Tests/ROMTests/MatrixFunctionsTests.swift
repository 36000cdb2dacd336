import Foundation
import LinearAlgebra
import ROM
import XCTest

/// The classical matrix functions of a parametrized SPD matrix: the exact CHOLMOD reference over μ
/// (one symbolic analysis) and stochastic Lanczos quadrature, both against dense LAPACK.
final class MatrixFunctionsTests: XCTestCase {
    /// A 1D Laplacian (Dirichlet) plus a diagonal shift: SPD, eigenvalues 2 − 2cos(kπ/(n+1)) + shift.
    private func shiftedLaplacian(_ n: Int, shift: Double) -> SparseMatrix {
        var builder = SparseBuilder<Double>(rows: n, columns: n)
        for i in 0..<n {
            builder.add(i, i, 2 + shift)
            if i > 0 { builder.add(i, i - 1, -1) }
            if i + 1 < n { builder.add(i, i + 1, -1) }
        }
        return builder.build()
    }

    private func diagonal(_ d: [Double]) -> SparseMatrix {
        var builder = SparseBuilder<Double>(rows: d.count, columns: d.count)
        for (i, v) in d.enumerated() { builder.add(i, i, v) }
        return builder.build()
    }

    /// dstev's eigenvalues equal dsyevr's on the same tridiagonal matrix, its eigenvectors are
    /// orthonormal, and an off-diagonal of the wrong length is an error.
    func testTridiagonalEigenMatchesDenseEigen() throws {
        let d = [4.0, -1.5, 3.25, 2.0, 0.5, 7.0], e = [1.0, 0.25, -2.0, 0.75, 1.5]
        var dense = Matrix(rows: 6, columns: 6)
        for i in 0..<6 { dense[i, i] = d[i] }
        for i in 0..<5 { dense[i + 1, i] = e[i]; dense[i, i + 1] = e[i] }
        let t = try SymmetricTridiagonalEigen(diagonal: d, offDiagonal: e)
        let reference = try SymmetricEigen(dense)
        for (a, b) in zip(t.values, reference.values) { XCTAssertEqual(a, b, accuracy: 1e-13 * 8) }
        for j in 0..<6 {
            let column = (0..<6).map { t.vectors[$0, j] }
            XCTAssertEqual(BLAS.dot(column, column), 1, accuracy: 1e-13)
        }
        XCTAssertThrowsError(try SymmetricTridiagonalEigen(diagonal: d, offDiagonal: [1])) { error in
            guard case LinearAlgebraError.dimensionMismatch = error else { return XCTFail("\(error)") }
        }
    }

    /// On a diagonal matrix a Rademacher probe is exact (zᵀ f(D) z = tr f(D)), so SLQ's only error
    /// is Gauss quadrature's: 25 nodes on a spectrum in [1, 10] give log det to 1e-10.
    func testSLQIsExactUpToQuadratureOnADiagonalMatrix() throws {
        let values = (0..<120).map { 1 + 9 * Double($0) / 119 }
        let exact = values.reduce(0) { $0 + log($1) }
        let estimate = try StochasticLanczosQuadrature(probes: 3, lanczosSteps: 25, seed: 7).logDeterminant(of: diagonal(values))
        XCTAssertEqual(estimate, exact, accuracy: 1e-10 * abs(exact))
    }

    /// On a shifted Laplacian (n = 400) SLQ with 30 probes is within 1 % of dense LAPACK's value
    /// (the Hutchinson error), the same seed gives the same number, another seed another one.
    func testSLQAgreesWithTheDenseLogDeterminant() throws {
        let a = shiftedLaplacian(400, shift: 0.5)
        let exact = try DenseCholesky(a.dense).logDeterminant
        let slq = try StochasticLanczosQuadrature(probes: 30, lanczosSteps: 30, seed: 3)
        let estimate = try slq.logDeterminant(of: a)
        XCTAssertEqual(estimate, exact, accuracy: 1e-2 * abs(exact))
        XCTAssertEqual(try slq.logDeterminant(of: a), estimate)
        var other = slq
        other.seed = 4
        XCTAssertNotEqual(try other.logDeterminant(of: a), estimate)
    }

    /// An indefinite matrix has a negative Ritz value: SLQ's log det is an error, not a NaN.
    func testSLQRejectsAnIndefiniteMatrix() throws {
        let a = diagonal([3, 2, -1, 4, 5, 1])
        XCTAssertThrowsError(try StochasticLanczosQuadrature(probes: 2, lanczosSteps: 6).logDeterminant(of: a)) { error in
            guard case LinearAlgebraError.notPositiveDefinite = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try StochasticLanczosQuadrature(probes: 0))
    }

    /// The CHOLMOD reference over μ on the finite-difference thermal block (2×2 blocks, 144
    /// unknowns): log det, bᵀA⁻¹c and A⁻¹b equal dense LAPACK's to round-off, with one analysis.
    func testParametricCholeskyAgreesWithDenseLinearAlgebra() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let exact = try ParametricCholesky(parameterSpace: problem.parameterSpace, decomposition: problem.decomposition)
        let n = problem.dimension
        let b = (0..<n).map { sin(Double($0)) }, c = (0..<n).map { cos(0.3 * Double($0)) }
        for mu in try problem.parameterSpace.random(count: 5, seed: 11) {
            let dense = try DenseCholesky(problem.decomposition.matrix(at: mu).dense)
            XCTAssertEqual(try exact.logDeterminant(at: mu), dense.logDeterminant, accuracy: 1e-12 * abs(dense.logDeterminant))
            let x = try dense.solve(c)
            let reference = BLAS.dot(b, x)
            XCTAssertEqual(try exact.quadraticForm(b, c, at: mu), reference, accuracy: 1e-12 * abs(reference))
            let solution = try exact.solve(c, at: mu)
            XCTAssertLessThan(zip(solution, x).map { abs($0 - $1) }.max()!, 1e-12 * x.map(abs).max()!)
        }
        XCTAssertEqual(exact.factorCount, 5)
    }

    /// A μ outside the box and a matrix that is not SPD are errors naming the problem.
    func testParametricCholeskyRejectsBadInput() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 6)
        let exact = try ParametricCholesky(parameterSpace: problem.parameterSpace, decomposition: problem.decomposition)
        XCTAssertThrowsError(try exact.logDeterminant(at: Parameter([0.5, 0.5, 2, 0.5]))) { error in
            XCTAssertTrue(error is ParameterError, "\(error)")
        }
        let space = try ParameterSpace(names: ["a", "b"], lower: [-1, -1], upper: [1, 1])
        let indefinite = try AffineDecomposition(operators: [shiftedLaplacian(20, shift: 0), diagonal([Double](repeating: 1, count: 20))],
                                                 operatorCoefficients: [.component(0), .component(1)],
                                                 rightHandSides: [[Double](repeating: 1, count: 20)],
                                                 rightHandSideCoefficients: [.constant(1)])
        let reference = try ParametricCholesky(parameterSpace: space, decomposition: indefinite)
        XCTAssertThrowsError(try reference.logDeterminant(at: Parameter([0.5, -1]))) { error in
            guard case LinearAlgebraError.notPositiveDefinite = error else { return XCTFail("\(error)") }
        }
        XCTAssertGreaterThan(try reference.logDeterminant(at: Parameter([0.5, 1])), 0)
    }
}
