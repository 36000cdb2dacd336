import LinearAlgebra
import XCTest

/// The `LinearOperator` seam: adjoint products equal the transposed dense products, block
/// products equal the columns applied one by one, and a restriction computes the selected rows
/// from the entries it reads.
final class LinearOperatorTests: XCTestCase {
    private func randomSparse(_ rows: Int, _ columns: Int, seed: UInt64) -> SparseMatrix {
        var generator = SplitMix64(seed: seed)
        var builder = SparseBuilder<Double>(rows: rows, columns: columns)
        for i in 0..<rows {
            for _ in 0..<3 { builder.add(i, Int(generator.nextUniform() * Double(columns)) % columns, generator.nextUniform() - 0.5) }
        }
        return builder.build()
    }

    private func randomVector(_ n: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<n).map { _ in generator.nextUniform() - 0.5 }
    }

    func testAdjointIsTheTransposedProduct() throws {
        let a = randomSparse(30, 20, seed: 1)
        let x = randomVector(30, seed: 2)
        let dense = a.dense
        let expected = dense.transposed.apply(x)
        for (name, adjoint) in [("sparse", try a.applyAdjoint(x)), ("dense", try dense.applyAdjoint(x))] {
            for (e, f) in zip(expected, adjoint) { XCTAssertEqual(e, f, accuracy: 1e-14, name) }
        }
        // y · (A x) = (Aᵀ y) · x for the inverse of an LU factorization.
        let square = SparseMatrix.laplacian1D(25) + randomSparse(25, 25, seed: 3)
        let lu = try LUFactorization(square)
        let u = randomVector(25, seed: 4), v = randomVector(25, seed: 5)
        XCTAssertEqual(BLAS.dot(v, lu.apply(u)), BLAS.dot(try lu.applyAdjoint(v), u), accuracy: 1e-12)
        // Wrong length: an error, not a trap.
        XCTAssertThrowsError(try a.applyAdjoint([1, 2])) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .dimensionMismatch(what: "adjoint product input", expected: "30", found: "2"))
        }
    }

    func testBlockProductEqualsColumnByColumn() {
        let a = randomSparse(40, 15, seed: 6)
        let x = Matrix(rows: 15, columns: 4, storage: randomVector(60, seed: 7))
        for op in [a as any LinearOperator<Double>, a.dense] {
            let y = op.apply(block: x)
            XCTAssertEqual(y.rows, 40)
            for j in 0..<4 {
                for (e, f) in zip(op.apply(x.column(j)), y.column(j)) { XCTAssertEqual(e, f, accuracy: 1e-14) }
            }
        }
    }

    func testRestrictionReadsOnlyTheEntriesItNeeds() throws {
        let a = SparseMatrix.laplacian1D(100)
        let restricted = try a.restricted(rows: [50, 3, 99])
        // Rows 49…51, 2…4 and 98, 99 are read: 8 entries of x, not 100.
        XCTAssertEqual(restricted.sourceIndices, [2, 3, 4, 49, 50, 51, 98, 99])
        let x = randomVector(100, seed: 8)
        let full = a.apply(x)
        XCTAssertEqual(restricted.apply(fullVector: x), [full[50], full[3], full[99]])
        // The default restriction (through the whole operator) gives the same rows.
        let jacobi = try JacobiPreconditioner(a)
        let rows = try jacobi.restricted(rows: [7, 1])
        XCTAssertEqual(rows.sourceIndices.count, 100)
        XCTAssertEqual(rows.apply(fullVector: x), [x[7] / 2, x[1] / 2])
        XCTAssertThrowsError(try a.restricted(rows: [100])) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .indexOutOfRange(what: "restricted row 0", index: 100, count: 100))
        }
    }

    /// An operator without an adjoint says so instead of answering wrongly.
    func testAnOperatorWithoutAdjointThrows() {
        struct Shift: LinearOperator {
            var rows: Int { 3 }
            var columns: Int { 3 }
            func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
                for i in 0..<3 { y[i] = x[(i + 1) % 3] }
            }
        }
        XCTAssertEqual(Shift().apply([1, 2, 3]), [2, 3, 1])
        XCTAssertThrowsError(try Shift().applyAdjoint([1, 2, 3])) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .unsupported(operation: "adjoint product", of: "Shift"))
        }
    }
}
