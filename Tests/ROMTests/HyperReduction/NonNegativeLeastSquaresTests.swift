import LinearAlgebra
import ROM
import XCTest

final class NonNegativeLeastSquaresTests: XCTestCase {
    /// A diagonal problem: the negative component's constraint is active, the others are b.
    func testKnownSolutions() throws {
        let identity = try NonNegativeLeastSquares(Matrix.identity(3), [1, -2, 3])
        XCTAssertEqual(identity.solution, [1, 0, 3])
        XCTAssertEqual(identity.residualNorm, 2, accuracy: 1e-15)
        // b = A x* with x* ≥ 0 (two zeros): the solution is x*, the residual zero.
        var generator = SplitMix64(seed: 3)
        let a = Matrix(rows: 9, columns: 5, storage: (0..<45).map { _ in generator.nextUniform() - 0.5 })
        let exact = [0.7, 0, 1.3, 0, 0.2]
        let result = try NonNegativeLeastSquares(a, a.applied(to: exact))
        for j in 0..<5 { XCTAssertEqual(result.solution[j], exact[j], accuracy: 1e-14) }
        XCTAssertLessThan(result.residualNorm, 1e-14)
    }

    /// The KKT conditions on random problems, over- and underdetermined: x ≥ 0; w = Aᵀ(b − Ax)
    /// ≤ 0 where x = 0 and w = 0 where x > 0 (to round-off relative to ‖A‖‖b‖).
    func testKKTConditionsOnRandomProblems() throws {
        var generator = SplitMix64(seed: 11)
        for (m, n) in [(40, 12), (12, 40), (60, 60), (200, 80)] {
            let a = Matrix(rows: m, columns: n, storage: (0..<(m * n)).map { _ in generator.nextUniform() - 0.5 })
            let b = (0..<m).map { _ in generator.nextUniform() - 0.3 }
            let result = try NonNegativeLeastSquares(a, b)
            let x = result.solution
            var r = b
            BLAS.axpy(-1, a.applied(to: x), &r)
            let w = a.applyTransposed(r)
            let scale = a.frobeniusNorm * BLAS.nrm2(b)
            var positives = 0
            for j in 0..<n {
                XCTAssertGreaterThanOrEqual(x[j], 0, "x_\(j) of \(m)×\(n)")
                if x[j] > 0 {
                    positives += 1
                    XCTAssertLessThan(abs(w[j]), 1e-12 * scale, "w_\(j) on the passive set of \(m)×\(n)")
                } else {
                    XCTAssertLessThan(w[j], 1e-12 * scale, "w_\(j) on the active set of \(m)×\(n)")
                }
            }
            XCTAssertGreaterThan(positives, 0)
            XCTAssertLessThan(positives, n, "\(m)×\(n): some constraint is active, so the test exercises both sets")
            XCTAssertEqual(result.residualNorm, BLAS.nrm2(r), accuracy: 1e-12 * scale)
        }
    }

    /// The same problem solved by scipy.optimize.nnls (SciPy 1.x: numpy.random.default_rng(7),
    /// entries rounded to 3 digits); its x and ‖Ax − b‖ stored here.
    func testAgreesWithSciPy() throws {
        let rows: [[Double]] = [
            [0.001, 0.299, -0.274, -0.891, -0.455, -0.992], [0.06, 1.34, -0.492, -0.62, 0.49, 0.357],
            [0.105, -0.93, -0.029, 0.695, -1.344, -0.458], [-1.901, -1.29, -1.842, -0.235, -1.267, 0.271],
            [0.157, -0.187, -2.517, -0.539, -0.049, 0.113], [-1.53, -0.478, -0.979, -0.809, 1.061, -0.808],
            [-0.033, 0.884, -0.584, -0.112, 0.11, 0.064], [-1.225, 0.076, 1.359, -1.547, 0.859, 0.119],
        ]
        let b = [-0.641, 2.0, 0.762, -1.199, 0.075, 0.577, -0.189, 0.683]
        let scipy = [0.0, 0.3506818039102084, 0.008346141095217665, 0.0, 0.32148204814223286, 0.0]
        let result = try NonNegativeLeastSquares(Matrix(rowMajor: rows), b)
        for j in 0..<6 { XCTAssertEqual(result.solution[j], scipy[j], accuracy: 1e-13, "x_\(j)") }
        XCTAssertEqual(result.residualNorm, 2.299135481059335, accuracy: 1e-13)
    }

    func testBadInputIsAnError() throws {
        var a = Matrix.identity(3)
        a[1, 2] = .nan
        XCTAssertThrowsError(try NonNegativeLeastSquares(a, [1, 2, 3])) { XCTAssertEqual($0 as? ROMError, .notFinite(what: "NNLS matrix A", index: 7)) }
        XCTAssertThrowsError(try NonNegativeLeastSquares(Matrix.identity(3), [1, .infinity, 3])) {
            XCTAssertEqual($0 as? ROMError, .notFinite(what: "NNLS right-hand side b", index: 1))
        }
        XCTAssertThrowsError(try NonNegativeLeastSquares(Matrix.identity(3), [1, 2])) {
            XCTAssertEqual($0 as? ROMError, .dimensionMismatch(what: "NNLS right-hand side (rows of A)", expected: 3, found: 2))
        }
        // Three positive components need three least-squares solves: a limit of two stops it.
        XCTAssertThrowsError(try NonNegativeLeastSquares(Matrix.identity(3), [1, 2, 3], options: .init(maximumIterations: 2))) {
            guard case .notConverged(_, let iterations, _)? = $0 as? HyperReductionError else { return XCTFail("\($0)") }
            XCTAssertEqual(iterations, 2)
        }
    }
}
