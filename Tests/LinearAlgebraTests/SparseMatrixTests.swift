import ComplexModule
import LinearAlgebra
import XCTest

final class SparseMatrixTests: XCTestCase {
    func testBuilderSumsDuplicatesAndSortsColumns() {
        var builder = SparseBuilder<Double>(rows: 3, columns: 4)
        builder.add(0, 3, 1)
        builder.add(0, 1, 2)
        builder.add(0, 3, 5)
        builder.add(2, 0, -1)
        builder.add(2, 0, 1)  // sums to an explicit zero, kept in the pattern
        let a = builder.build()
        XCTAssertEqual(a.rowPointers, [0, 2, 2, 3])
        XCTAssertEqual(a.columnIndices, [1, 3, 0])
        XCTAssertEqual(a.values, [2, 6, 0])
        XCTAssertEqual(a[0, 3], 6)
        XCTAssertEqual(a[1, 1], 0)
        XCTAssertEqual(a.index(row: 0, column: 3), 1)
        XCTAssertNil(a.index(row: 1, column: 0))
        XCTAssertEqual(a.entries(at: [(0, 1), (2, 0), (1, 2)]), [2, 0, 0])
    }

    func testMatVecAndTransposeMatchTheDenseProducts() {
        var data = TestData(seed: 10)
        let a = data.sparse(300, perRow: 6)
        let dense = a.dense
        let x = data.vector(300)
        XCTAssertLessThan(relativeDifference(a.apply(x), dense * x), 1e-14)
        XCTAssertLessThan(relativeDifference(a.applyTransposed(x), dense.applyTransposed(x)), 1e-14)
        XCTAssertEqual(a.transposed.dense, dense.transposed)
        XCTAssertEqual(a.bilinearForm(x, x), BLAS.dot(x, dense * x), accuracy: 1e-11)
        // Large enough for the threaded path (≥ 200,000 entries).
        let big = SparseMatrix.laplacian2D(250)
        let xb = data.vector(big.rows)
        var expected = [Double](repeating: 0, count: big.rows)
        for i in 0..<big.rows {
            for k in big.rowPointers[i]..<big.rowPointers[i + 1] { expected[i] += big.values[k] * xb[big.columnIndices[k]] }
        }
        XCTAssertEqual(big.apply(xb), expected)
    }

    func testAddScaleAndLinearCombination() {
        var data = TestData(seed: 11)
        let a = data.sparse(40, perRow: 3), b = data.sparse(40, perRow: 3)
        XCTAssertLessThan(((a + b).dense - (a.dense + b.dense)).maxAbs, 1e-15)
        XCTAssertLessThan(((a - b).dense - (a.dense - b.dense)).maxAbs, 1e-15)
        XCTAssertEqual((2.5 * a).dense, 2.5 * a.dense)
        // Terms on one pattern: the values are combined, the pattern shared.
        let l = SparseMatrix.laplacian2D(6)
        let m = SparseMatrix(rows: l.rows, columns: l.columns, rowPointers: l.rowPointers, columnIndices: l.columnIndices,
                             values: data.vector(l.nonzeroCount))
        let combination = SparseMatrix.linearCombination([(0.5, l), (-2, m)])
        XCTAssertTrue(combination.hasSamePattern(as: l))
        XCTAssertLessThan((combination.dense - (0.5 * l.dense - 2 * m.dense)).maxAbs, 1e-15)
    }

    func testExtractionAndRefill() {
        let l = SparseMatrix.laplacian1D(5)
        XCTAssertEqual(l.diagonal, [2, 2, 2, 2, 2])
        XCTAssertEqual(l.row(0), [2, -1, 0, 0, 0])
        XCTAssertEqual(l.column(4), [0, 0, 0, -1, 2])
        let restricted = l.rows([4, 1])
        XCTAssertEqual(restricted.dense, Matrix(rowMajor: [[0, 0, 0, -1, 2], [-1, 2, -1, 0, 0]]))
        var refilled = l
        refilled.refill(values: l.values.map { 3 * $0 })
        XCTAssertTrue(refilled.hasSamePattern(as: l))
        XCTAssertEqual(refilled[2, 3], -3)
        XCTAssertTrue(l.isSymmetric())
        XCTAssertFalse(SparseMatrix(rows: 2, columns: 2, rowPointers: [0, 1, 2], columnIndices: [1, 1], values: [1, 1]).isSymmetric())
    }

    func testComplexBuilderAndProduct() {
        var builder = SparseBuilder<Complex<Double>>(rows: 2, columns: 2)
        builder.add(0, 0, Complex(1, 1))
        builder.add(0, 0, Complex(1, 0))
        builder.add(1, 0, Complex(0, 2))
        let a = builder.build()
        XCTAssertEqual(a[0, 0], Complex(2, 1))
        XCTAssertEqual(a.apply([Complex(1, 0), Complex(0, 1)]), [Complex(2, 1), Complex(0, 2)])
    }
}
