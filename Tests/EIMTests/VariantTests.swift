import EIM
import LinearAlgebra
import XCTest

/// Symmetric, rectangular, stabilized, DEIM / Q-DEIM and the adaptive training set.
final class VariantTests: XCTestCase {
    func testSymmetricFormulationEqualsClassical() throws {
        let g = Fixtures.gaussian(side: 20, params: 8)
        let classical = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-6))
        let symmetric = try classical.symmetricFormulation(snapshots: g)
        XCTAssertEqual(symmetric.formulation, .symmetric)
        XCTAssertEqual(symmetric.points, classical.points)
        for j in 0..<g.columns {
            let column = g.column(j)
            let a = try classical.interpolate(field: column), b = try symmetric.interpolate(field: column)
            let size = column.map(abs).max()!
            for i in 0..<a.count { XCTAssertEqual(a[i], b[i], accuracy: 1e-12 * size) }
        }
    }

    func testRemovedPointKeepsTheErrorWithinAFactorTen() throws {
        let family = PlanarFamily(kind: .gaussian, side: 25, parameters: PlanarFamily.grid(10))
        let g = family.snapshots()
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-6))
        let tests = PlanarFamily(kind: .gaussian, side: 25, parameters: PlanarFamily.random(50, seed: 7)).snapshots()
        let full = eim.maxRelativeError(snapshots: tests)
        // More points than functions (least squares), then a sensor breaks: its function is kept.
        let oversampled = try eim.addingPoints(2)
        XCTAssertEqual(oversampled.points.count, eim.points.count + 2)
        XCTAssertEqual(Set(oversampled.points).count, oversampled.points.count)
        XCTAssertLessThanOrEqual(oversampled.maxRelativeError(snapshots: tests), 10 * full)
        let broken = try oversampled.removingPoint(at: eim.points.count / 2)
        XCTAssertEqual(broken.points.count, eim.points.count + 1)
        XCTAssertEqual(broken.terms, eim.terms)
        XCTAssertEqual(broken.formulation, .rectangular)
        XCTAssertFalse(broken.points.contains(eim.points[eim.points.count / 2]))
        XCTAssertLessThanOrEqual(broken.maxRelativeError(snapshots: tests), 10 * full)
    }

    func testStabilizedHandlesTinyValuesAndStopsAtRoundOff() throws {
        let g = Fixtures.gaussian(side: 20, params: 8)
        let tiny = 1e-280 * g
        // The classical absolute measure sees nothing to interpolate at a usual tolerance.
        let absolute = try EmpiricalInterpolation(snapshots: tiny, options: EIMOptions(tolerance: 1e-12, relative: false))
        XCTAssertEqual(absolute.terms, 0)
        let reference = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-10, stabilized: true))
        let stabilized = try EmpiricalInterpolation(snapshots: tiny, options: EIMOptions(tolerance: 1e-10, stabilized: true))
        XCTAssertEqual(stabilized.points, reference.points)
        XCTAssertLessThan(stabilized.maxRelativeError(snapshots: tiny), 1e-9)
        // Below round-off it stops instead of interpolating noise: points stay distinct, Λ moderate.
        let floor = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-30, stabilized: true))
        XCTAssertEqual(floor.stopReason, .roundOff)
        XCTAssertEqual(Set(floor.points).count, floor.points.count)
        XCTAssertLessThan(floor.lebesgueConstant, 1e6)
    }

    func testDEIMAndQDEIMPointsAreDistinctAndQDEIMMatchesPivotedQR() throws {
        let g = Fixtures.inverseDistance(side: 20, params: 8)
        let svd = try ThinSVD(g)
        let u = svd.u.columns(0..<12)
        for selection in [PointSelection.deim, .qdeim] {
            let points = try selection.points(for: u)
            XCTAssertEqual(points.count, 12)
            XCTAssertEqual(Set(points).count, 12, "\(selection)")
            let eim = try EmpiricalInterpolation(basis: u, selection: selection)
            XCTAssertLessThan(eim.lebesgueConstant, 1e3)
        }
        XCTAssertEqual(try PointSelection.qdeim.points(for: u), Array(try PivotedQR(u.transposed).permutation.prefix(12)))
        XCTAssertThrowsError(try PointSelection.deim.points(for: Matrix(rows: 3, columns: 5))) {
            XCTAssertEqual($0 as? EIMError, .invalidBasis(rows: 3, columns: 5))
        }
    }

    func testDEIMFromSnapshotsInterpolatesTheTrainingSet() throws {
        let g = Fixtures.gaussian(side: 20, params: 8)
        let eim = try EmpiricalInterpolation(snapshots: g, selection: .qdeim, tolerance: 1e-10)
        // POD is absolute: the error is measured against the largest snapshot value.
        var worst = 0.0
        for j in 0..<g.columns {
            let column = g.column(j), approx = try eim.interpolate(field: column)
            for i in 0..<column.count { worst = max(worst, abs(column[i] - approx[i])) }
        }
        XCTAssertLessThan(worst / g.maxAbs, 1e-8)
    }

    func testAdaptiveTrainingFollowsTheTrainingErrorNearTheSingularCorner() throws {
        let side = 20
        let sample: @Sendable ([Double], UnsafeMutableBufferPointer<Double>) -> Void = { mu, values in
            PlanarFamily(kind: .inverseDistance, side: side, parameters: [(mu[0], mu[1])]).evaluate(parameter: 0, into: values)
        }
        let adaptive = try AdaptiveTraining(lower: [-1, -1], upper: [-0.01, -0.01], initialGrid: 5)
        let (eim, report) = try adaptive.run(pointCount: side * side, options: EIMOptions(tolerance: 1e-6), sample: sample)
        XCTAssertGreaterThan(report.trainingSet.count, 25)
        // Fresh parameters near the corner, where a fixed 5×5 grid fails.
        let corner = PlanarFamily(kind: .inverseDistance, side: side,
                                  parameters: PlanarFamily.random(200, seed: 3, lower: -0.1, upper: -0.01)).snapshots()
        XCTAssertLessThan(eim.maxRelativeError(snapshots: corner), 1e-4)
        let fixed = try EmpiricalInterpolation(snapshots: PlanarFamily(kind: .inverseDistance, side: side,
                                                                       parameters: PlanarFamily.grid(5)).snapshots(),
                                               options: EIMOptions(tolerance: 1e-6))
        XCTAssertGreaterThan(fixed.maxRelativeError(snapshots: corner), 10 * eim.maxRelativeError(snapshots: corner))
        XCTAssertThrowsError(try AdaptiveTraining(lower: [0], upper: [0], initialGrid: 5))
    }
}
