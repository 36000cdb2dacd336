import EIM
import LinearAlgebra
import XCTest

/// The classical greedy: interpolation property, nestedness, triangular matrix, norms, known answers.
final class EmpiricalInterpolationTests: XCTestCase {
    func testModuleName() { XCTAssertEqual(EIMModule.name, "EIM") }

    func testInterpolationPropertyAtTheSelectedPoints() throws {
        let g = Fixtures.gaussian()
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-10))
        XCTAssertGreaterThan(eim.terms, 5)
        for j in [0, 7, 20, 63] {
            let column = g.column(j)
            let approx = try eim.interpolate(field: column)
            let size = column.map(abs).max()!
            for x in eim.points { XCTAssertLessThanOrEqual(abs(approx[x] - column[x]), 1e-13 * size) }
        }
    }

    func testNestedness() throws {
        let g = Fixtures.inverseDistance()
        let long = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-9))
        let short = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-9, maxTerms: 10))
        XCTAssertEqual(short.terms, 10)
        XCTAssertEqual(Array(long.points.prefix(10)), short.points)
        XCTAssertEqual(Array(long.parameters.prefix(10)), short.parameters)
        XCTAssertEqual(Array(long.errorHistory.prefix(11)), short.errorHistory)
    }

    func testInterpolationMatrixIsUnitLowerTriangular() throws {
        let eim = try EmpiricalInterpolation(snapshots: Fixtures.inverseDistance(), options: EIMOptions(tolerance: 1e-9))
        let f = eim.interpolationMatrix
        for j in 0..<f.columns {
            XCTAssertEqual(f[j, j], 1)
            for i in 0..<j { XCTAssertEqual(f[i, j], 0) }
            for i in (j + 1)..<f.rows { XCTAssertLessThanOrEqual(abs(f[i, j]), 1 + 1e-12) }  // |q_k| ≤ 1 in ℓ∞
        }
    }

    func testErrorHistoryReachesTheToleranceAndMatchesAFreshCheck() throws {
        let g = Fixtures.inverseDistance()
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-8))
        XCTAssertEqual(eim.stopReason, .tolerance)
        XCTAssertEqual(eim.errorHistory.count, eim.terms + 1)
        XCTAssertEqual(eim.errorHistory[0], 1, accuracy: 1e-15)  // relative: every column has norm 1
        XCTAssertLessThanOrEqual(eim.errorHistory.last!, 1e-8)
        // The lazily updated residuals give the same error as interpolating every column afresh.
        XCTAssertEqual(eim.maxRelativeError(snapshots: g), eim.errorHistory.last!, accuracy: 1e-11)
    }

    func testEveryNormConverges() throws {
        let g = Fixtures.gaussian(side: 15, params: 6)
        let n = g.rows
        // A lumped mass matrix of the uniform grid: an SPD weight.
        let mass = SparseMatrix.diagonal((0..<n).map { 1 + Double($0 % 3) })
        for norm in [EIMNorm.linf, .l2, .weighted(mass)] {
            let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-9, norm: norm))
            XCTAssertEqual(eim.stopReason, .tolerance, "\(norm)")
            XCTAssertLessThanOrEqual(eim.errorHistory.last!, 1e-9, "\(norm)")
            XCTAssertLessThan(eim.maxRelativeError(snapshots: g), 1e-6, "\(norm)")
        }
    }

    func testRankRFamilyIsCapturedExactlyInRTerms() throws {
        let g = Fixtures.rank(4)
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-11))
        XCTAssertEqual(eim.terms, 4)
        XCTAssertLessThan(eim.maxRelativeError(snapshots: g), 1e-11)
    }

    func testOnDemandFamilyGivesTheSnapshotResult() throws {
        let family = PlanarFamily(kind: .inverseDistance, side: 20, parameters: PlanarFamily.grid(8))
        let a = try EmpiricalInterpolation(family: family, options: EIMOptions(tolerance: 1e-8), storage: .onDemand)
        let b = try EmpiricalInterpolation(snapshots: family.snapshots(), options: EIMOptions(tolerance: 1e-8))
        XCTAssertEqual(a.points, b.points)
        XCTAssertEqual(a.parameters, b.parameters)
        XCTAssertEqual(a.basis.storage.count, b.basis.storage.count)
        // Same functions up to the round-off of the lazy updates, amplified by 1/error at the last terms.
        XCTAssertLessThan((a.basis - b.basis).maxAbs, 1e-6)
    }

    func testOnlineCallsWriteIntoCallerBuffers() throws {
        let g = Fixtures.gaussian()
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-8))
        let column = g.column(11)
        let values = eim.points.map { column[$0] }
        var alpha = [Double](repeating: 0, count: eim.terms), out = [Double](repeating: 0, count: g.rows)
        values.withUnsafeBufferPointer { v in
            alpha.withUnsafeMutableBufferPointer { a in out.withUnsafeMutableBufferPointer { eim.interpolate(v, coefficients: a, into: $0) } }
        }
        XCTAssertEqual(out, try eim.interpolate(values))
        XCTAssertEqual(alpha, try eim.coefficients(values))
    }

    func testLebesgueConstantIsAtLeastOneAndBoundsTheError() throws {
        let eim = try EmpiricalInterpolation(snapshots: Fixtures.inverseDistance(), options: EIMOptions(tolerance: 1e-8))
        let lambda = eim.lebesgueConstant
        XCTAssertGreaterThanOrEqual(lambda, 1 - 1e-12)
        XCTAssertLessThan(lambda, 1e4)
    }

    func testCallerSnapshotsAreLeftUnchanged() throws {
        // The greedy works in the snapshot storage only when it holds the only reference.
        let g = Fixtures.inverseDistance()
        let copy = g.storage
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-8))
        XCTAssertEqual(g.storage, copy)
        let consumed = try EmpiricalInterpolation(snapshots: Fixtures.inverseDistance(), options: EIMOptions(tolerance: 1e-8))
        XCTAssertEqual(consumed.points, eim.points)
        XCTAssertEqual(consumed.errorHistory, eim.errorHistory)
    }

    func testBadInputsThrowNamedErrors() throws {
        var g = Fixtures.gaussian(side: 5, params: 3)
        g[3, 2] = .nan
        XCTAssertThrowsError(try EmpiricalInterpolation(snapshots: g)) {
            XCTAssertEqual($0 as? EIMError, .notFinite(point: 3, parameter: 2))
        }
        XCTAssertThrowsError(try EmpiricalInterpolation(snapshots: Matrix(rows: 4, columns: 0))) {
            XCTAssertEqual($0 as? EIMError, .emptyTrainingSet)
        }
        XCTAssertThrowsError(try EmpiricalInterpolation(snapshots: Fixtures.gaussian(side: 5, params: 3), options: EIMOptions(tolerance: 0))) {
            XCTAssertEqual($0 as? EIMError, .nonPositiveTolerance(0))
            XCTAssertTrue(String(describing: $0).contains("tolerance"))
        }
        XCTAssertThrowsError(try EmpiricalInterpolation(basis: Matrix.identity(3), points: [0, 5, 1], formulation: .classical)) {
            XCTAssertEqual($0 as? EIMError, .pointOutOfRange(index: 5, count: 3))
        }
        let eim = try EmpiricalInterpolation(snapshots: Fixtures.gaussian(side: 5, params: 3))
        XCTAssertThrowsError(try eim.removingPoint(at: 99)) {
            XCTAssertEqual($0 as? EIMError, .pointOutOfRange(index: 99, count: eim.points.count))
        }
    }
}
