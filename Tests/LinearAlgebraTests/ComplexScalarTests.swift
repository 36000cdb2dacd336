import ComplexModule
import LinearAlgebra
import XCTest

/// `DenseMatrix` and `CSRMatrix` over complex numbers: the generic members and the `z…` BLAS
/// products against sums written out by hand.
final class ComplexScalarTests: XCTestCase {
    private func randomComplex(_ count: Int, seed: UInt64) -> [Complex<Double>] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Complex(generator.nextUniform() - 0.5, generator.nextUniform() - 0.5) }
    }

    func testComplexProductsMatchTheSumsByHand() {
        let a = ComplexMatrix(rows: 4, columns: 3, storage: randomComplex(12, seed: 1))
        let b = ComplexMatrix(rows: 3, columns: 2, storage: randomComplex(6, seed: 2))
        let c = a * b
        for i in 0..<4 {
            for j in 0..<2 {
                var sum = Complex<Double>.zero
                for k in 0..<3 { sum += a[i, k] * b[k, j] }
                XCTAssertLessThan((c[i, j] - sum).length, 1e-15)
            }
        }
        // Aᴴ A is Hermitian with a real, positive diagonal.
        let g = ComplexMatrix.product(.adjoint, a, .none, a)
        for i in 0..<3 {
            XCTAssertEqual(g[i, i].imaginary, 0, accuracy: 1e-15)
            XCTAssertGreaterThan(g[i, i].real, 0)
            for j in 0..<3 { XCTAssertLessThan((g[i, j] - g[j, i].conjugate).length, 1e-15) }
        }
        XCTAssertEqual(g, a.adjoint * a)
        // y = Aᴴ x, and the Hermitian dot product conjugates its first argument.
        let x = randomComplex(4, seed: 3)
        let y = a.applied(.adjoint, to: x)
        for j in 0..<3 {
            var sum = Complex<Double>.zero
            for i in 0..<4 { sum += a[i, j].conjugate * x[i] }
            XCTAssertLessThan((y[j] - sum).length, 1e-15)
        }
        let u = randomComplex(5, seed: 4), v = randomComplex(5, seed: 5)
        let dot = u.withUnsafeBufferPointer { up in v.withUnsafeBufferPointer { Complex<Double>.dot(n: 5, up.baseAddress!, $0.baseAddress!) } }
        let expected = zip(u, v).reduce(Complex<Double>.zero) { $0 + $1.0.conjugate * $1.1 }
        XCTAssertLessThan((dot - expected).length, 1e-15)
        XCTAssertEqual((a + a - a), a)
    }

    func testComplexSparseMatrixSharesTheGenericMembers() {
        var builder = SparseBuilder<Complex<Double>>(rows: 3, columns: 4)
        builder.add(0, 1, Complex(1, 2))
        builder.add(2, 3, Complex(0, -1))
        builder.add(2, 0, Complex(3, 0))
        builder.add(0, 1, Complex(1, 0))        // summed: (2, 2)
        let a = builder.build()
        XCTAssertEqual(a[0, 1], Complex(2, 2))
        XCTAssertEqual(a[1, 1], .zero)
        XCTAssertEqual(a.transposed[3, 2], Complex(0, -1))
        XCTAssertEqual(a.rows([2]).row(0), [Complex(3, 0), .zero, .zero, Complex(0, -1)])
        XCTAssertEqual(a.dense[2, 3], Complex(0, -1))
        XCTAssertEqual(a.apply([1, 1, 1, 1]), [Complex(2, 2), .zero, Complex(3, -1)])
    }

    /// A complex sparse matrix is a `LinearOperator<Complex<Double>>`: ⟨y, A x⟩ = ⟨Aᴴ y, x⟩ for the
    /// Hermitian product, and a restriction computes the selected rows from the entries they read.
    func testComplexSparseMatrixIsALinearOperator() throws {
        var builder = SparseBuilder<Complex<Double>>(rows: 30, columns: 30)
        let values = randomComplex(90, seed: 7)
        for i in 0..<30 {
            for (d, offset) in [-1, 0, 1].enumerated() where (0..<30).contains(i + offset) { builder.add(i, i + offset, values[3 * i + d]) }
        }
        let a = builder.build()
        let op: any LinearOperator<Complex<Double>> = a
        let x = randomComplex(30, seed: 8), y = randomComplex(30, seed: 9)
        func hermitian(_ u: [Complex<Double>], _ v: [Complex<Double>]) -> Complex<Double> {
            zip(u, v).reduce(.zero) { $0 + $1.0.conjugate * $1.1 }
        }
        let left = hermitian(y, op.apply(x)), right = hermitian(try op.applyAdjoint(y), x)
        XCTAssertLessThan((left - right).length, 1e-13)
        for (u, v) in zip(op.apply(x), a.dense.apply(x)) { XCTAssertLessThan((u - v).length, 1e-15) }
        let restricted = try a.restricted(rows: [4, 29])
        XCTAssertEqual(restricted.sourceIndices, [3, 4, 5, 28, 29])
        let full = a.apply(x)
        XCTAssertEqual(restricted.apply(fullVector: x), [full[4], full[29]])
    }

    /// `Scalar.posv` (potrf + two trsv) solves a Hermitian positive definite system, real and
    /// complex, as `gesv` does, and reports an indefinite one by its info, leaving b untouched.
    func testPosvSolvesHermitianPositiveDefiniteSystemsAndReportsIndefiniteOnes() {
        func check<T: Scalar>(_ a: [T], _ b: [T], n: Int) {
            var factor = a, x = b, lu = a, y = b, pivots = [Int32](repeating: 0, count: n)
            XCTAssertEqual(T.posv(n: n, a: &factor, b: &x), 0)
            XCTAssertEqual(T.gesv(n: n, nrhs: 1, a: &lu, b: &y, pivots: &pivots), 0)
            for (u, v) in zip(x, y) { XCTAssertEqual((u - v).modulus, 0, accuracy: 1e-13 * y.map(\.modulus).max()!) }
        }
        // Real: A = Bᵀ B + I; complex: A = Bᴴ B + I (column-major, every entry set).
        let n = 5
        let br = (0..<(n * n)).map { Double(($0 * 7) % 11) / 11 - 0.5 }
        let ar = (0..<(n * n)).map { k -> Double in
            let (i, j) = (k % n, k / n)
            return (0..<n).reduce(i == j ? 1 : 0) { $0 + br[$1 + i * n] * br[$1 + j * n] }
        }
        check(ar, (0..<n).map { Double($0) - 1.5 }, n: n)
        let bc = randomComplex(n * n, seed: 4)
        let ac = (0..<(n * n)).map { k -> Complex<Double> in
            let (i, j) = (k % n, k / n)
            return (0..<n).reduce(Complex<Double>(i == j ? 1 : 0)) { $0 + bc[$1 + i * n].conjugate * bc[$1 + j * n] }
        }
        check(ac, randomComplex(n, seed: 5), n: n)
        var indefinite: [Double] = [1, 2, 2, 1], rhs: [Double] = [3, 4]
        XCTAssertEqual(Double.posv(n: 2, a: &indefinite, b: &rhs), 2, "not positive definite at column 1")
        XCTAssertEqual(rhs, [3, 4])
    }
}
