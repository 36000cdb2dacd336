import LinearAlgebra
import ROM
import XCTest

final class PODTests: XCTestCase {
    /// A rank-3 matrix with known singular values: both methods recover them and the span.
    func testPODReproducesTheSVDOfALowRankMatrix() throws {
        var generator = SplitMix64(seed: 5)
        func random(_ r: Int, _ c: Int) -> Matrix {
            Matrix(rows: r, columns: c, storage: (0..<r * c).map { _ in generator.nextUniform() - 0.5 })
        }
        let u = try PivotedQR(random(500, 3)).q, v = try PivotedQR(random(40, 3)).q
        let s = u * Matrix.diagonal([10, 1, 0.01]) * v.transposed
        for method in [POD.Method.svd, .snapshots] {
            let pod = try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: method)
            XCTAssertEqual(pod.modes.columns, 3, "\(method)")
            XCTAssertEqual(pod.singularValues[0], 10, accuracy: 1e-12)
            XCTAssertEqual(pod.singularValues[1], 1, accuracy: 1e-12)
            XCTAssertEqual(pod.singularValues[2], 0.01, accuracy: 1e-10)
            XCTAssertLessThan((pod.modes.gram - Matrix.identity(3)).maxAbs, 1e-14, "\(method) modes orthonormal")
            // Same span: projecting S on the modes reproduces S.
            let projection = pod.modes * Matrix.product(.transposed, pod.modes, .none, s)
            XCTAssertLessThan((projection - s).maxAbs, 1e-12)
        }
        // Energy truncation: σ₃² / Σσ² = 1e-4 / 101.0001 ≈ 9.9e-7, σ₂² / Σσ² ≈ 9.9e-3.
        XCTAssertEqual(try POD(snapshots: s, truncation: .relativeEnergy(1e-5)).modes.columns, 2)
        XCTAssertEqual(try POD(snapshots: s, truncation: .relativeEnergy(1e-7)).modes.columns, 3)
        XCTAssertEqual(try POD(snapshots: s, truncation: .relativeEnergy(1e-1)).modes.columns, 1)
        XCTAssertEqual(try POD(snapshots: s, truncation: .count(1)).modes.columns, 1)
    }

    func testWeightedModesAreOrthonormalInTheInnerProduct() throws {
        let m = SparseMatrix.laplacian1D(200)
        var generator = SplitMix64(seed: 6)
        let s = Matrix(rows: 200, columns: 12, storage: (0..<2400).map { _ in generator.nextUniform() })
        let product = InnerProduct.weighted(by: m)
        let pod = try POD(snapshots: s, innerProduct: product, truncation: .count(8))
        XCTAssertEqual(pod.method, .snapshots)
        XCTAssertLessThan((product.gram(pod.modes, pod.modes) - Matrix.identity(8)).maxAbs, 1e-12)
        // Singular values of M^{1/2} S: the eigenvalues of Sᵀ M S are their squares.
        let eigen = try SymmetricEigen(product.gram(s, s), computeVectors: false)
        XCTAssertEqual(pod.singularValues[0], eigen.values.last!.squareRoot(), accuracy: 1e-10 * pod.singularValues[0])
        XCTAssertThrowsError(try POD(snapshots: s, innerProduct: product, truncation: .count(2), method: .svd))
    }

    func testIncrementalPODMatchesTheBatchPOD() throws {
        var generator = SplitMix64(seed: 7)
        // Snapshots of a smooth family: sin(k x + t) for a range of t: low rank (2).
        let x = (0..<300).map { Double($0) / 299 }
        let snapshots = Matrix(columns: (0..<30).map { t in x.map { sin(3 * $0 + Double(t) * 0.1) + 0.1 * cos(7 * $0 * Double(t % 5)) } })
        let batch = try POD(snapshots: snapshots, truncation: .relativeSingularValue(1e-10))
        var incremental = try IncrementalPOD(dimension: 300, truncation: .relativeSingularValue(1e-10))
        for start in stride(from: 0, to: 30, by: 7) {
            try incremental.add(snapshots.columns(start..<min(start + 7, 30)))
        }
        XCTAssertEqual(incremental.snapshotCount, 30)
        XCTAssertEqual(incremental.modes.columns, batch.modes.columns)
        for (a, b) in zip(incremental.singularValues, batch.singularValues) { XCTAssertEqual(a, b, accuracy: 1e-9 * batch.singularValues[0]) }
        _ = generator.next()
    }

    func testBadInputIsAnError() {
        var s = Matrix(rows: 4, columns: 2, repeating: 1)
        s[3, 1] = .nan
        XCTAssertThrowsError(try POD(snapshots: s, truncation: .count(1))) { error in
            XCTAssertEqual(error as? ROMError, .notFinite(what: "snapshot matrix", index: 7))
        }
        XCTAssertThrowsError(try POD(snapshots: Matrix(rows: 0, columns: 0), truncation: .count(1)))
        XCTAssertThrowsError(try POD(snapshots: Matrix(rows: 3, columns: 2, repeating: 1), truncation: .relativeEnergy(2)))
    }
}
