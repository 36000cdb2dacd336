import LinearAlgebra
import XCTest

/// `GeneralizedSymmetricEigen` (LAPACK dsygvx) on pencils with known eigenvalues: A = L Q Λ Qᵀ Lᵀ
/// and B = L Lᵀ have the eigenvalues Λ (v = L⁻ᵀ q), with a singular A among them.
final class GeneralizedSymmetricEigenTests: XCTestCase {
    func testSmallestEigenpairsOfAPencilWithKnownEigenvalues() throws {
        var data = TestData(seed: 11)
        let n = 30
        var l = data.matrix(n, n)
        for j in 0..<n { for i in 0..<j { l[i, j] = 0 }; l[j, j] = 2 + abs(l[j, j]) }
        let q = try PivotedQR(data.matrix(n, n)).q
        let lambda = (0..<n).map { $0 == 0 ? 0 : Double($0 * $0) / 7 }     // λ₀ = 0: A is singular
        let a = l * q * Matrix.diagonal(lambda) * q.transposed * l.transposed, b = l * l.transposed
        let pencil = try GeneralizedSymmetricEigen(a, b, smallest: 5)
        XCTAssertEqual(pencil.values.count, 5)
        for (found, expected) in zip(pencil.values, lambda) { XCTAssertEqual(found, expected, accuracy: 1e-12 * lambda[n - 1]) }
        let v = pencil.vectors
        XCTAssertLessThan((Matrix.product(.transposed, v, .none, b * v) - Matrix.identity(5)).maxAbs, 1e-12)
        XCTAssertLessThan((a * v - b * v * Matrix.diagonal(pencil.values)).maxAbs, 1e-10 * a.maxAbs)
        XCTAssertEqual(try GeneralizedSymmetricEigen(a, b, smallest: 0).values, [])
        XCTAssertEqual(try GeneralizedSymmetricEigen(a, b, smallest: 99).values.count, n)
    }

    func testAnIndefiniteRightHandMatrixIsANamedError() {
        let a = Matrix.identity(3), b = Matrix.diagonal([1, -1, 1])
        XCTAssertThrowsError(try GeneralizedSymmetricEigen(a, b, smallest: 1)) {
            XCTAssertEqual($0 as? LinearAlgebraError, .notPositiveDefinite(column: 1, routine: "LAPACK dsygvx (B)"))
        }
        XCTAssertThrowsError(try GeneralizedSymmetricEigen(a, Matrix.identity(2), smallest: 1))
    }
}
