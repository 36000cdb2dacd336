import Foundation
import LinearAlgebra
import XCTest

/// The kernels under the randomized POD: Householder orthonormalization, Gaussian test matrices,
/// and the one-pass absolute sum that checks the snapshots.
final class RandomizedKernelTests: XCTestCase {
    /// Monomial columns xᵖ, p < 12, on [0, 1] (condition number about 1e8): Q orthonormal to round-off,
    /// spanning the same columns (Q Qᵀ A = A), the first j columns of Q spanning the first j of A.
    func testHouseholderOrthonormalizationOfIllConditionedColumns() throws {
        let n = 500, k = 12
        let x = (0..<n).map { Double($0) / Double(n - 1) }
        let a = Matrix(columns: (0..<k).map { p in x.map { pow($0, Double(p)) } })
        var q = a
        try q.orthonormalizeColumns()
        XCTAssertLessThan((q.gram - Matrix.identity(k)).maxAbs, 1e-15 * Double(k))
        let projected = q * Matrix.product(.transposed, q, .none, a)
        XCTAssertLessThan((projected - a).maxAbs, 1e-13)
        // Column 0 of Q is ± the normalized first column of A.
        let first = a.column(0).map { $0 / BLAS.nrm2(a.column(0)) }
        XCTAssertEqual(abs(BLAS.dot(first, q.column(0))), 1, accuracy: 1e-15)
        var wide = Matrix(rows: 2, columns: 3, repeating: 1)
        XCTAssertThrowsError(try wide.orthonormalizeColumns())
        var bad = a
        bad[3, 4] = .nan
        XCTAssertThrowsError(try bad.orthonormalizeColumns())
    }

    /// 200,000 Box–Muller samples: mean within 4 standard errors of 0, variance within 4 of 1,
    /// the fraction beyond ±1.96 within 4 standard errors of 5 %; the same seed, the same samples.
    func testGaussianSamplesHaveTheMomentsOfTheStandardNormal() {
        var generator = SplitMix64(seed: 42)
        let count = 200_000
        let g = generator.standardNormalMatrix(rows: count / 4, columns: 4).storage
        let mean = g.reduce(0, +) / Double(count)
        let variance = g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        let tails = Double(g.filter { abs($0) > 1.959964 }.count) / Double(count)
        XCTAssertLessThan(abs(mean), 4 / Double(count).squareRoot())
        XCTAssertLessThan(abs(variance - 1), 4 * 2.0.squareRoot() / Double(count).squareRoot())
        XCTAssertLessThan(abs(tails - 0.05), 4 * (0.05 * 0.95 / Double(count)).squareRoot())
        var again = SplitMix64(seed: 42)
        XCTAssertEqual(again.standardNormalMatrix(rows: count / 4, columns: 4).storage, g)
        var odd = [Double](repeating: 0, count: 3)
        var third = SplitMix64(seed: 1)
        odd.withUnsafeMutableBufferPointer { third.fillStandardNormal($0) }
        XCTAssertTrue(odd.allSatisfy { $0 != 0 && $0.isFinite }, "an odd count fills every entry")
    }

    /// `absoluteSum` is Σ|xᵢ|, and not finite exactly when an entry is NaN or infinite (or the
    /// sum overflows).
    func testAbsoluteSumIsFiniteExactlyForFiniteEntries() {
        let x = (0..<100_001).map { sin(Double($0)) }
        let expected = x.reduce(0) { $0 + abs($1) }
        let sum = x.withUnsafeBufferPointer { BLAS.absoluteSum($0) }
        XCTAssertEqual(sum, expected, accuracy: 1e-9 * expected)
        for value in [Double.nan, .infinity, -.infinity] {
            var y = x
            y[77_777] = value
            XCTAssertFalse(y.withUnsafeBufferPointer { BLAS.absoluteSum($0) }.isFinite, "\(value)")
        }
        XCTAssertEqual([Double]().withUnsafeBufferPointer { BLAS.absoluteSum($0) }, 0)
    }
}
