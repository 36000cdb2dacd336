import CSuiteSparse
import Foundation
import LinearAlgebra
import XCTest

final class GrowingHouseholderQRTests: XCTestCase {
    /// Blocks of 3, 4, 1 and 4 columns give LAPACK's R of the whole matrix (`PivotedQR` without
    /// pivoting is not available, so R is checked through RᵀR = YᵀY, its triangular shape and
    /// ‖R c‖ = ‖Y c‖), and each returned column is that column of R.
    func testBlockAppendsFactorTheWholeMatrix() throws {
        var data = TestData(seed: 31)
        let y = data.matrix(50, 12)
        var qr = GrowingHouseholderQR(rows: 50)
        var returned: [[Double]] = []
        var start = 0
        for size in [3, 4, 1, 4] {
            returned += try qr.append(y.columns(start..<(start + size)))
            start += size
        }
        let r = qr.r
        XCTAssertEqual(r.rows, 12)
        XCTAssertEqual(r.columns, 12)
        XCTAssertEqual(qr.columnCount, 12)
        for j in 0..<12 {
            for i in (j + 1)..<12 { XCTAssertEqual(r[i, j], 0) }
            XCTAssertEqual(returned[j], Array(r.column(j).prefix(j + 1)))
        }
        XCTAssertLessThan((r.gram - y.gram).maxAbs, 1e-13 * y.gram.maxAbs)
        let c = data.vector(12)
        XCTAssertEqual(BLAS.nrm2(r.apply(c)), BLAS.nrm2(y.apply(c)), accuracy: 1e-14 * BLAS.nrm2(y.apply(c)))
    }

    /// More columns than rows: R becomes 5×8 (trapezoidal) and still ‖R c‖ = ‖Y c‖.
    func testWideMatrixGivesTrapezoidalR() throws {
        var data = TestData(seed: 32)
        let y = data.matrix(5, 8)
        var qr = GrowingHouseholderQR(rows: 5)
        try qr.append(y.columns(0..<3))
        try qr.append(y.columns(3..<6))
        try qr.append(y.columns(6..<8))
        XCTAssertEqual(qr.reflectorCount, 5)
        XCTAssertEqual(qr.r.rows, 5)
        XCTAssertEqual(qr.r.columns, 8)
        for _ in 0..<5 {
            let c = data.vector(8)
            XCTAssertEqual(BLAS.nrm2(qr.r.apply(c)), BLAS.nrm2(y.apply(c)), accuracy: 1e-14 * 10)
        }
    }

    /// The point of the class: ‖Y c‖ for a combination that cancels to 1e-13 of the columns' size
    /// comes out of ‖R c‖ with a relative error near 1e-3 at worst, while √(cᵀ YᵀY c) (the
    /// Gram route) has only round-off of the columns' size (1e-8 relative) left.
    func testCancellingCombinationStaysAccurate() throws {
        var data = TestData(seed: 33)
        let n = 400
        let a = data.vector(n), z = data.vector(n), b = data.vector(n)
        let nearCopy = zip(a, z).map { $0 + 1e-13 * $1 }
        let y = Matrix(columns: [a, b, nearCopy])
        var qr = GrowingHouseholderQR(rows: n)
        try qr.append(y.columns(0..<2))
        try qr.append(y.columns(2..<3))
        let c = [1.0, 0, -1]
        let exact = 1e-13 * BLAS.nrm2(z)
        XCTAssertEqual(BLAS.nrm2(qr.r.apply(c)), exact, accuracy: 1e-2 * exact)
        let viaGram = max(BLAS.dot(c, y.gram.apply(c)), 0).squareRoot()
        XCTAssertGreaterThan(abs(viaGram - exact), 10 * exact)
    }

    func testNonFiniteBlockIsRejected() {
        var qr = GrowingHouseholderQR(rows: 3)
        XCTAssertThrowsError(try qr.append(Matrix(rows: 3, columns: 1, storage: [1, .nan, 2])))
        XCTAssertEqual(qr.columnCount, 0)
    }
}

final class CholeskyWhiteningTests: XCTestCase {
    /// WᵀW = Bᵀ A⁻¹ B for a simplicial LDLᵀ and a supernodal LLᵀ factor, and the OpenMP settings
    /// of the calling thread are what they were before the factorization.
    func testWhitenedColumnsHaveTheDualInnerProducts() throws {
        var data = TestData(seed: 34)
        for side in [10, 120] {
            let a = SparseMatrix.laplacian2D(side)
            let threads = omp_get_max_threads(), dynamic = omp_get_dynamic()
            let cholesky = try CholeskyFactorization(a)
            XCTAssertEqual(cholesky.isSupernodal, side == 120)
            XCTAssertEqual(omp_get_max_threads(), threads)
            XCTAssertEqual(omp_get_dynamic(), dynamic)
            let b = data.matrix(a.rows, 3)
            let w = try cholesky.whitened(b)
            let expected = Matrix.product(.transposed, b, .none, try cholesky.solve(b))
            XCTAssertLessThan((w.gram - expected).maxAbs, 1e-12 * expected.maxAbs)
        }
    }
}

final class ConstrainedOrderingTests: XCTestCase {
    /// With the top grid row ordered last, L⁻¹P B for a B living on that row vanishes above the
    /// trailing block, and `whitenedTrailing` gives the trailing rows of `whitened`.
    func testTrailingWhiteningEqualsTheFullOne() throws {
        let side = 12, n = side * side
        let a = SparseMatrix.laplacian2D(side)
        let last = Array((n - side)..<n).reversed().map { $0 }
        let cholesky = try CholeskyFactorization(a, options: .init(ordering: .constrainedLast(last)))
        XCTAssertEqual(cholesky.trailingCount, side)
        var builder = SparseBuilder<Double>(rows: n, columns: 3)
        var data = TestData(seed: 35)
        for i in last { for j in 0..<3 where (i + j) % 2 == 0 { builder.add(i, j, data.value()) } }
        let b = builder.build()
        let full = try cholesky.whitened(b.dense)
        let trailing = try cholesky.whitenedTrailing(b)
        XCTAssertEqual(trailing.rows, side)
        for j in 0..<3 {
            for i in 0..<(n - side) { XCTAssertEqual(full[i, j], 0, accuracy: 1e-15) }
            for r in 0..<side { XCTAssertEqual(trailing[r, j], full[n - side + r, j], accuracy: 1e-13) }
        }
        var outside = SparseBuilder<Double>(rows: n, columns: 1)
        outside.add(0, 0, 1)
        XCTAssertThrowsError(try cholesky.whitenedTrailing(outside.build()))
    }

    /// Rows and columns in any order, including unsorted columns.
    func testSubmatrixPicksRowsAndColumnsInOrder() {
        let a = SparseMatrix.laplacian2D(4)
        let rows = [5, 0, 9], columns = [9, 4, 5, 1]
        let sub = a.submatrix(rows: rows, columns: columns)
        let dense = a.dense
        for (r, i) in rows.enumerated() { for (c, j) in columns.enumerated() { XCTAssertEqual(sub[r, c], dense[i, j]) } }
        for r in 0..<sub.rows {
            let cols = sub.columnIndices[sub.rowPointers[r]..<sub.rowPointers[r + 1]]
            XCTAssertEqual(Array(cols), cols.sorted())
        }
    }
}
