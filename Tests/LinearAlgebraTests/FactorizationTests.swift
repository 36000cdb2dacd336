import ComplexModule
import Foundation
import LinearAlgebra
import XCTest

final class FactorizationTests: XCTestCase {
    func testCholeskySolvesToRoundOffForOneAndManyRightHandSides() throws {
        var data = TestData(seed: 20)
        for side in [10, 120] {  // simplicial (small) and supernodal (larger) factors
            let a = SparseMatrix.laplacian2D(side)
            let cholesky = try CholeskyFactorization(a)
            let b = data.vector(a.rows)
            XCTAssertLessThan(relativeResidual(a, try cholesky.solve(b), b), 1e-12)
            let many = data.matrix(a.rows, 3)
            let x = try cholesky.solve(many)
            for j in 0..<3 { XCTAssertLessThan(relativeResidual(a, x.column(j), many.column(j)), 1e-12) }
            // As a LinearOperator, the factorization applies A⁻¹.
            XCTAssertLessThan(relativeDifference(cholesky.apply(b), try cholesky.solve(b)), 1e-15)
        }
    }

    func testLogDeterminantMatchesTheDenseCholeskyForBothFactorKinds() throws {
        for side in [8, 80] {
            let a = SparseMatrix.laplacian2D(side)
            let sparse = try CholeskyFactorization(a)
            let expected: Double
            if side == 8 {
                expected = try DenseCholesky(a.dense).logDeterminant
                XCTAssertFalse(sparse.isSupernodal)
            } else {
                // Closed form: eigenvalues 4 − 2cos(jπ/(n+1)) − 2cos(kπ/(n+1)).
                let n = Double(side + 1)
                let cosines: [Double] = (1...side).map { 2 * cos(Double($0) * Double.pi / n) }
                var sum = 0.0
                for cj in cosines { for ck in cosines { sum += log(4 - cj - ck) } }
                expected = sum
                XCTAssertTrue(sparse.isSupernodal)
            }
            XCTAssertEqual(sparse.logDeterminant, expected, accuracy: 1e-11 * abs(expected))
        }
    }

    func testRefactorizationEqualsAFreshFactorization() throws {
        let a = SparseMatrix.laplacian2D(60)
        var shifted = 3.0 * a
        for i in 0..<shifted.rows { shifted.values[shifted.index(row: i, column: i)!] += 0.5 }
        let reused = try CholeskyFactorization(a)
        try reused.refactor(values: shifted.values)
        let fresh = try CholeskyFactorization(shifted)
        let b = (0..<a.rows).map { sin(Double($0)) }
        XCTAssertLessThan(relativeDifference(try reused.solve(b), try fresh.solve(b)), 1e-14)
        XCTAssertEqual(reused.logDeterminant, fresh.logDeterminant, accuracy: 1e-12 * abs(fresh.logDeterminant))
    }

    func testCholeskyRejectsNonSPDNonSymmetricAndNaN() throws {
        var indefinite = SparseMatrix.laplacian1D(10)
        indefinite.values[indefinite.index(row: 6, column: 6)!] = -5
        XCTAssertThrowsError(try CholeskyFactorization(indefinite)) { error in
            guard case .notPositiveDefinite(let column, "CHOLMOD")? = error as? LinearAlgebraError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(column, 6)
            XCTAssertTrue("\(error)".contains("not positive definite"))
        }
        // The supernodal path (a large matrix) names the column in the original numbering too.
        var large = SparseMatrix.laplacian2D(100)
        large.values[large.index(row: 5000, column: 5000)!] = -1
        XCTAssertThrowsError(try CholeskyFactorization(large)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(column: 5000, routine: "CHOLMOD"))
        }
        var nonsymmetric = SparseMatrix.laplacian1D(10)
        nonsymmetric.values[nonsymmetric.index(row: 3, column: 4)!] = -0.5
        XCTAssertThrowsError(try CholeskyFactorization(nonsymmetric)) { error in
            XCTAssertTrue("\(error)".contains("not symmetric"), "\(error)")
            XCTAssertEqual(error as? LinearAlgebraError, .notSymmetric(row: 3, column: 4, routine: "CholeskyFactorization"))
        }
        var withNaN = SparseMatrix.laplacian1D(10)
        withNaN.values[7] = .nan
        XCTAssertThrowsError(try CholeskyFactorization(withNaN)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notFinite(what: "matrix values", index: 7))
        }
        // A refactorization with bad values throws too.
        let good = try CholeskyFactorization(SparseMatrix.laplacian1D(10))
        XCTAssertThrowsError(try good.refactor(values: indefinite.values))
    }

    func testUMFPACKSolvesRealAndComplexSystems() throws {
        var data = TestData(seed: 21)
        let a = data.sparse(500, perRow: 5)
        let lu = try LUFactorization(a)
        let b = data.vector(500)
        XCTAssertLessThan(relativeResidual(a, try lu.solve(b), b), 1e-12)
        let many = data.matrix(500, 2)
        let x = try lu.solve(many)
        XCTAssertLessThan(relativeResidual(a, x.column(1), many.column(1)), 1e-12)

        // Complex: A + i B, a nonsymmetric complex matrix.
        let imaginary = SparseMatrix(rows: a.rows, columns: a.columns, rowPointers: a.rowPointers,
                                     columnIndices: a.columnIndices, values: data.vector(a.nonzeroCount))
        let c = ComplexSparseMatrix(real: a, imaginary: imaginary)
        let zb = (0..<500).map { _ in Complex(data.value(), data.value()) }
        let z = try LUFactorization(c).solve(zb)
        let residual = zip(c.apply(z), zb).map { ($0 - $1).length }
        let norm = zb.reduce(0.0) { $0 + $1.lengthSquared }.squareRoot()
        XCTAssertLessThan(residual.reduce(0.0) { $0 + $1 * $1 }.squareRoot() / norm, 1e-12)
    }

    func testUMFPACKRejectsSingularMatrices() {
        // Row 2 is zero: structurally singular.
        var builder = SparseBuilder<Double>(rows: 3, columns: 3)
        builder.add(0, 0, 1); builder.add(1, 1, 1); builder.add(0, 2, 1)
        XCTAssertThrowsError(try LUFactorization(builder.build())) { error in
            guard case .singular? = error as? LinearAlgebraError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue("\(error)".contains("singular"))
        }
        // Numerically singular: row 2 = row 0 + row 1.
        let dense = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6], [5, 7, 9]])
        var numeric = SparseBuilder<Double>(rows: 3, columns: 3)
        for i in 0..<3 { for j in 0..<3 { numeric.add(i, j, dense[i, j]) } }
        XCTAssertThrowsError(try LUFactorization(numeric.build())) { error in
            guard case .singular? = error as? LinearAlgebraError else { return XCTFail("unexpected \(error)") }
        }
    }
}

final class CholeskyWorkspaceTests: XCTestCase {
    /// Solves of different widths in any order reuse CHOLMOD's workspace correctly.
    func testAlternatingWidthsGiveTheSameColumns() throws {
        var data = TestData(seed: 30)
        for side in [12, 120] {
            let a = SparseMatrix.laplacian2D(side)
            let cholesky = try CholeskyFactorization(a)
            let b = data.matrix(a.rows, 4)
            let singles = try (0..<4).map { try cholesky.solve(b.column($0)) }
            for _ in 0..<2 {
                let block = try cholesky.solve(b)
                for j in 0..<4 { XCTAssertLessThan(relativeDifference(block.column(j), singles[j]), 1e-14, "side \(side) column \(j)") }
                XCTAssertLessThan(relativeDifference(try cholesky.solve(b.column(2)), singles[2]), 1e-14)
            }
        }
    }
}
