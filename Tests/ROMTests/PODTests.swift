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

    /// Snapshots of any magnitude: scaled by 1e-300 or 1e300 the POD keeps the same modes and
    /// scales the singular values (the Gram matrix alone would underflow or overflow).
    func testBadlyScaledSnapshotsKeepTheirModes() throws {
        var generator = SplitMix64(seed: 8)
        let s = Matrix(rows: 120, columns: 10, storage: (0..<1200).map { _ in generator.nextUniform() - 0.5 })
        for method in [POD.Method.snapshots, .svd] {
            let reference = try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: method)
            XCTAssertEqual(reference.modes.columns, 10)
            for factor in [1e-300, 1e300, 1e-200, 1e200] {
                let pod = try POD(snapshots: factor * s, truncation: .relativeSingularValue(1e-6), method: method)
                XCTAssertEqual(pod.modes.columns, reference.modes.columns, "\(method) × \(factor)")
                for (a, b) in zip(pod.singularValues, reference.singularValues) {
                    XCTAssertEqual(a / factor, b, accuracy: 1e-12 * reference.singularValues[0], "\(method) × \(factor)")
                }
                XCTAssertLessThan((pod.modes.gram - Matrix.identity(10)).maxAbs, 1e-14)
            }
        }
    }

    /// A tolerance below what the method of snapshots resolves (√(kε) σ₁) is not reported met:
    /// `.automatic` takes the SVD, an explicit `.snapshots` or a weighted product is an error.
    func testATolerancePastTheMethodOfSnapshotsIsNotReportedMet() throws {
        var generator = SplitMix64(seed: 9)
        let u = try PivotedQR(Matrix(rows: 300, columns: 4, storage: (0..<1200).map { _ in generator.nextUniform() - 0.5 })).q
        let v = try PivotedQR(Matrix(rows: 20, columns: 4, storage: (0..<80).map { _ in generator.nextUniform() - 0.5 })).q
        // σ₄ / σ₁ = 1e-9: below √(20 ε) ≈ 6.7e-8, which the Gram matrix cannot resolve.
        let s = u * Matrix.diagonal([1, 1e-3, 1e-6, 1e-9]) * v.transposed
        let automatic = try POD(snapshots: s, truncation: .relativeSingularValue(1e-10))
        XCTAssertEqual(automatic.method, .svd)
        XCTAssertEqual(automatic.modes.columns, 4)
        XCTAssertEqual(automatic.singularValues[3], 1e-9, accuracy: 1e-14)
        XCTAssertThrowsError(try POD(snapshots: s, truncation: .relativeSingularValue(1e-10), method: .snapshots)) { error in
            XCTAssertTrue("\(error)".contains("method of snapshots resolves"), "\(error)")
        }
        XCTAssertThrowsError(try POD(snapshots: s, innerProduct: .weighted(by: SparseMatrix.laplacian1D(300)),
                                     truncation: .relativeEnergy(1e-18)))
        // At a resolvable tolerance the method of snapshots keeps σ₁…σ₃.
        XCTAssertEqual(try POD(snapshots: s, truncation: .relativeSingularValue(1e-7), method: .snapshots).modes.columns, 3)
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
