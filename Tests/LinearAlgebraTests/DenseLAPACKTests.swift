import Foundation
import LinearAlgebra
import XCTest

final class DenseLAPACKTests: XCTestCase {
    func testGemmAndGemvAgainstTheDefinition() {
        var data = TestData(seed: 1)
        let a = data.matrix(7, 5), b = data.matrix(5, 4)
        let c = a * b
        for i in 0..<7 {
            for j in 0..<4 {
                let expected = (0..<5).reduce(0.0) { $0 + a[i, $1] * b[$1, j] }
                XCTAssertEqual(c[i, j], expected, accuracy: 1e-14)
            }
        }
        let x = data.vector(5)
        let y = a * x
        for i in 0..<7 { XCTAssertEqual(y[i], (0..<5).reduce(0.0) { $0 + a[i, $1] * x[$1] }, accuracy: 1e-14) }
        let aty = a.applyTransposed(y)
        XCTAssertLessThan(relativeDifference(aty, a.transposed * y), 1e-15)
        XCTAssertEqual(Matrix.product(.transposed, a, .none, a).storage, a.gram.storage)
        XCTAssertEqual(BLAS.dot([1, 2, 3], [4, 5, 6]), 32)
        XCTAssertEqual(BLAS.nrm2([3, 4]), 5)
        var v = [1.0, 2.0]
        BLAS.axpy(2, [10, 20], &v)
        XCTAssertEqual(v, [21, 42])
    }

    func testThinSVDReconstructsAndKnowsTheSingularValues() throws {
        var data = TestData(seed: 2)
        // A = Q1 diag(5, 3, 1e-3) Q2ᵀ with orthonormal Q1 (40×3), Q2 (6×3).
        let q1 = try PivotedQR(data.matrix(40, 3)).q, q2 = try PivotedQR(data.matrix(6, 3)).q
        let a = q1 * Matrix.diagonal([5, 3, 1e-3]) * q2.transposed
        let svd = try ThinSVD(a)
        XCTAssertEqual(svd.singularValues.count, 6)
        XCTAssertEqual(svd.singularValues[0], 5, accuracy: 1e-13)
        XCTAssertEqual(svd.singularValues[1], 3, accuracy: 1e-13)
        XCTAssertEqual(svd.singularValues[2], 1e-3, accuracy: 1e-13)
        XCTAssertLessThan(svd.singularValues[3], 1e-14)
        XCTAssertLessThan((svd.reconstruction - a).maxAbs, 1e-13)
        XCTAssertLessThan((svd.u.gram - Matrix.identity(6)).maxAbs, 1e-13)
        let wide = data.matrix(4, 9)
        XCTAssertLessThan((try ThinSVD(wide).reconstruction - wide).maxAbs, 1e-13)
    }

    func testLaplacianEigenvaluesMatchTheClosedForm() throws {
        let n = 50
        let a = SparseMatrix.laplacian1D(n).dense
        let eigen = try SymmetricEigen(a)
        for k in 1...n {
            XCTAssertEqual(eigen.values[k - 1], 2 - 2 * cos(Double(k) * .pi / Double(n + 1)), accuracy: 1e-13)
        }
        // Eigenvectors: A v = λ v, orthonormal.
        let av = a * eigen.vectors
        for k in 0..<n { for i in 0..<n { XCTAssertEqual(av[i, k], eigen.values[k] * eigen.vectors[i, k], accuracy: 1e-12) } }
        XCTAssertLessThan((eigen.vectors.gram - Matrix.identity(n)).maxAbs, 1e-13)
        // A selected range: the three largest.
        let top = try SymmetricEigen(a, indices: (n - 3)..<n)
        XCTAssertEqual(top.values.count, 3)
        XCTAssertEqual(top.vectors.columns, 3)
        for (j, k) in ((n - 2)...n).enumerated() {
            XCTAssertEqual(top.values[j], 2 - 2 * cos(Double(k) * .pi / Double(n + 1)), accuracy: 1e-13)
        }
        XCTAssertEqual(try SymmetricEigen(a, computeVectors: false).values.count, n)
    }

    func testPivotedQRFactorsAndPivotsByNorm() throws {
        var data = TestData(seed: 3)
        var a = data.matrix(8, 5)
        a.setColumn(3, to: a.column(3).map { 100 * $0 })  // the largest column comes first
        let qr = try PivotedQR(a)
        XCTAssertEqual(qr.permutation[0], 3)
        XCTAssertEqual(Set(qr.permutation), Set(0..<5))
        var ap = Matrix(rows: 8, columns: 5)
        for (k, j) in qr.permutation.enumerated() { ap.setColumn(k, to: a.column(j)) }
        XCTAssertLessThan((qr.q * qr.r - ap).maxAbs, 1e-12)
        for k in 1..<5 { XCTAssertLessThanOrEqual(abs(qr.r[k, k]), abs(qr.r[k - 1, k - 1]) * (1 + 1e-12)) }
    }

    func testLUAndCholeskySolveAndLogDeterminant() throws {
        var data = TestData(seed: 4)
        let a = data.spd(12)
        let b = data.vector(12)
        let x = try DenseLU(a).solve(b)
        XCTAssertLessThan(relativeResidual(a, x, b), 1e-14)
        let xt = try DenseLU(a.transposed).solve(b, transpose: .transposed)
        XCTAssertLessThan(relativeDifference(xt, x), 1e-12)
        let cholesky = try DenseCholesky(a)
        XCTAssertLessThan(relativeDifference(try cholesky.solve(b), x), 1e-12)
        // log det from the eigenvalues.
        let logDet = try SymmetricEigen(a, computeVectors: false).values.reduce(0) { $0 + log($1) }
        XCTAssertEqual(cholesky.logDeterminant, logDet, accuracy: 1e-11 * abs(logDet))
    }

    func testLeastSquaresRecoversAnExactFitAndTheRank() throws {
        var data = TestData(seed: 5)
        let a = data.matrix(30, 4)
        let coefficients = [1.0, -2, 0.5, 3]
        let fit = try LeastSquares.solve(a, a * coefficients)
        XCTAssertLessThan(relativeDifference(fit, coefficients), 1e-13)
        var deficient = a
        deficient.setColumn(3, to: zip(a.column(0), a.column(1)).map { $0 + $1 })
        XCTAssertEqual(try LeastSquares(deficient, Matrix(rows: 30, columns: 1), rcond: 1e-12).rank, 3)
    }

    func testFailuresAreThrownErrorsThatNameTheProblem() {
        var notSPD = Matrix.identity(4)
        notSPD[2, 2] = -1
        XCTAssertThrowsError(try DenseCholesky(notSPD)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 2, routine: "LAPACK dpotrf"))
            XCTAssertTrue("\(error)".contains("column 2"))
        }
        var singular = Matrix.identity(3)
        singular[1, 1] = 0
        XCTAssertThrowsError(try DenseLU(singular)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .singular(pivot: 1, routine: "LAPACK dgetrf"))
        }
        var withNaN = Matrix.identity(3)
        withNaN[2, 1] = .nan
        XCTAssertThrowsError(try ThinSVD(withNaN)) { error in
            XCTAssertTrue("\(error)".contains("NaN"), "\(error)")
            XCTAssertTrue("\(error)".contains("(2, 1)"), "\(error)")
        }
        XCTAssertThrowsError(try SymmetricEigen(Matrix(rows: 2, columns: 3))) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notSquare(rows: 2, columns: 3))
        }
    }
}
