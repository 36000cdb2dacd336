import Foundation
import LinearAlgebra
import ROM
import XCTest

final class GappyPODTests: XCTestCase {
    /// q(x; μ) = 1 / (1 + μ x²) on 400 points of [0, 1], μ ∈ [1, 10].
    static func field(_ mu: Double, points m: Int = 400) -> [Double] {
        (0..<m).map { i in let x = (Double(i) + 0.5) / Double(m); return 1 / (1 + mu * x * x) }
    }

    static func snapshots() -> Matrix {
        Matrix(columns: (0..<30).map { field(1 + 9 * Double($0) / 29) })
    }

    /// A field in the span is reconstructed exactly from its samples; with five requested points
    /// (fewer than the modes) Q-DEIM adds points, and the sampled rows are well-conditioned.
    func testExactOnTheSpanAndPointsAddedWhenNeeded() throws {
        let gappy = try GappyPOD(snapshots: Self.snapshots(), truncation: .relativeSingularValue(1e-9), points: [3, 50, 120, 260, 399])
        XCTAssertGreaterThan(gappy.size, 5)
        XCTAssertFalse(gappy.addedPoints.isEmpty)
        XCTAssertGreaterThanOrEqual(gappy.points.count, gappy.size)
        XCTAssertEqual(Array(gappy.points.prefix(5)), [3, 50, 120, 260, 399])
        XCTAssertLessThan(gappy.conditionNumber, GappyPOD.defaultMaximumCondition)
        var generator = SplitMix64(seed: 2)
        let coefficients = (0..<gappy.size).map { _ in generator.nextUniform() - 0.5 }
        let inSpan = gappy.basis.applied(to: coefficients)
        let reconstructed = try gappy.reconstruct(sampled: try gappy.sample(inSpan))
        var difference = reconstructed
        BLAS.axpy(-1, inSpan, &difference)
        XCTAssertLessThan(BLAS.nrm2(difference) / BLAS.nrm2(inSpan), 1e-12)
    }

    /// A held-out μ: the reconstruction error from the samples stays within a small factor of the
    /// best approximation in the basis (the orthogonal projection), both near 1e-9.
    func testHeldOutFieldIsReconstructedNearTheProjectionError() throws {
        let gappy = try GappyPOD(snapshots: Self.snapshots(), truncation: .relativeSingularValue(1e-9), points: [10, 200, 390])
        for mu in [2.345, 7.77] {
            let q = Self.field(mu)
            var error = try gappy.reconstruct(sampled: try gappy.sample(q))
            BLAS.axpy(-1, q, &error)
            var projection = gappy.basis.applied(to: gappy.basis.applyTransposed(q))
            BLAS.axpy(-1, q, &projection)
            let relative = BLAS.nrm2(error) / BLAS.nrm2(q), best = BLAS.nrm2(projection) / BLAS.nrm2(q)
            XCTAssertLessThan(relative, 1e-7, "μ = \(mu)")
            XCTAssertLessThan(relative, 100 * best + 1e-13, "μ = \(mu): \(relative) against the projection's \(best)")
        }
    }

    /// Six components per point (a stress): the sampled set is a set of points, all six rows each.
    func testSeveralComponentsPerPoint() throws {
        let m = 400
        func stacked(_ mu: Double) -> [Double] {
            let q = Self.field(mu, points: m)
            var out = [Double](repeating: 0, count: 6 * m)
            for row in 0..<(6 * m) { out[row] = q[row / 6] * Double(row % 6 + 1) }
            return out
        }
        let snapshots = Matrix(columns: (0..<30).map { stacked(1 + 9 * Double($0) / 29) })
        let gappy = try GappyPOD(snapshots: snapshots, componentsPerPoint: 6, truncation: .relativeSingularValue(1e-9), points: [7, 300])
        XCTAssertEqual(gappy.pointCount, m)
        let q = stacked(4.2)
        let sampled = try gappy.sample(q)
        XCTAssertEqual(sampled.count, 6 * gappy.points.count)
        var error = try gappy.reconstruct(sampled: sampled)
        BLAS.axpy(-1, q, &error)
        XCTAssertLessThan(BLAS.nrm2(error) / BLAS.nrm2(q), 1e-7)
    }

    func testBadInputIsAnError() throws {
        let snapshots = Self.snapshots()
        XCTAssertThrowsError(try GappyPOD(snapshots: snapshots, truncation: .count(4), points: [400]))
        XCTAssertThrowsError(try GappyPOD(snapshots: snapshots, truncation: .count(4), points: [1, 1]))
        XCTAssertThrowsError(try GappyPOD(snapshots: snapshots, componentsPerPoint: 7, truncation: .count(4), points: [1]))
        let gappy = try GappyPOD(snapshots: snapshots, truncation: .count(4), points: [1, 2, 3, 4])
        XCTAssertThrowsError(try gappy.reconstruct(sampled: [1, 2]))
        XCTAssertThrowsError(try gappy.reconstruct(sampled: [Double](repeating: .nan, count: gappy.points.count)))
    }
}
