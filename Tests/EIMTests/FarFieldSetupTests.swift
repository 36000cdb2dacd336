@testable import EIM
import LinearAlgebra
import XCTest

/// The shortcuts of the far-field set-up against the direct computation they replace: the tensor
/// (dgemm) evaluation of grid Lagrange functions at a child's nodes, the M2L matrices of opposite
/// offsets as transposes, the validation errors by one triangular solve, and the Lagrange
/// functions by one `dtrsm`; and the lazy residual row the set-up's reproducibility rests on, in
/// the generic store and in the far-field one; and the coarse training stopped at its first greedy
/// when the grid under-resolves the kernel.
final class FarFieldSetupTests: XCTestCase {
    /// Seeded values in [−1, 1).
    private func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in 2 * rng.nextUniform() - 1 })
    }

    /// Axis by axis on the child's tensor grid = point by point (φ(p)ᵀ values), 2D and 3D, at the
    /// nodes of each child octant, and point by point for scattered points.
    func testTensorInterpolationAtChildNodesMatchesPointByPoint() {
        for (d, n, child) in [(3, 6, 4), (2, 9, 7)] {
            let grid = ChebyshevFarField(dimension: d, n: n, estimatedError: 0)
            let values = randomMatrix(rows: grid.xNodes.count, columns: 5, seed: UInt64(d))
            let nodes = ChebyshevFarField(dimension: d, n: child, estimatedError: 0).xNodes
            let shift = SIMD3(0.25, -0.25, d == 3 ? 0.25 : 0)
            var rng = SplitMix64(seed: 9)
            let scattered = (0..<7).map { _ in SIMD3(rng.nextUniform() - 0.5, rng.nextUniform() - 0.5, d == 3 ? rng.nextUniform() - 0.5 : 0) }
            for points in [nodes.map { $0 / 2 + shift }, scattered] {
                let fast = grid.interpolate(values, at: points)
                XCTAssertEqual(fast.rows, points.count)
                for (k, p) in points.enumerated() {
                    let expected = values.applyTransposed(grid.lagrangeX(p))
                    for c in 0..<values.columns {
                        XCTAssertEqual(fast[k, c], expected[c], accuracy: 1e-13, "\(d)D point \(k) column \(c)")
                    }
                }
            }
        }
    }

    /// Every used M2L matrix equals [K(a (X_i − Y_j − o))] whether it was evaluated or taken as
    /// the transpose of its opposite offset's (even kernel, the same nodes on both sides).
    func testM2LOfOppositeOffsetsAreTransposes() {
        let kernel = GaussianKernel(h: 0.3), scale = 0.25
        let basis = ChebyshevFarField(dimension: 3, n: 3, estimatedError: 0)
        var level = LevelOperators(basis: basis, rawAlpha: 1, m2lAlpha: 1)
        let count = OffsetIndex.count(dimension: 3)
        let used = (0..<count).map { i -> Bool in
            let o = OffsetIndex.offset(i, dimension: 3)
            return max(abs(o.x), abs(o.y), abs(o.z)) >= 2 && i % 3 != 1  // some offsets without their opposite
        }
        level.buildM2L(kernel: kernel, used: used, dimension: 3, scale: scale)
        XCTAssertTrue(level.m2lTransposed.contains(true), "no offset shares its opposite's matrix")
        XCTAssertTrue(level.m2lTransposed.indices.contains { used[$0] && !level.m2lTransposed[$0] })
        for i in 0..<count {
            guard used[i] else { XCTAssertNil(level.m2l[i]); continue }
            let o = OffsetIndex.offset(i, dimension: 3)
            let shift = SIMD3<Double>(Double(o.x), Double(o.y), Double(o.z))
            guard let t = level.m2lMatrix(i) else { return XCTFail("offset \(o) has no matrix") }
            for j in 0..<basis.yNodes.count { for k in 0..<basis.xNodes.count {
                XCTAssertEqual(t[k, j], kernel(scale * (basis.xNodes[k] - basis.yNodes[j] - shift)), accuracy: 1e-15)
            } }
        }
    }

    /// The validation errors (one `dtrsm` and one `dgemm` on the greedy's state) equal
    /// max |g − Λ g[points]| with the Lagrange functions of the finished interpolation, and those
    /// (one `dtrsm`) are 1 at their own point and 0 at the others.
    func testValidationErrorsMatchTheLagrangeFunctions() throws {
        let n = 300, p = 80
        let x = (0..<n).map { Double($0) / Double(n - 1) }
        func family(_ mus: [Double]) -> Matrix {
            var g = Matrix(rows: n, columns: mus.count)
            for (j, mu) in mus.enumerated() { for i in 0..<n { g[i, j] = 1 / (x[i] + mu) } }
            return g
        }
        let train = (0..<p).map { 0.05 + 2 * Double($0) / Double(p) }
        let check = family([0.07, 0.3, 0.9, 1.7])
        let store = try SnapshotResidualStore(snapshots: family(train), norm: .linf, relative: false, stabilized: false)
        var greedy = EIMGreedy(store: store, pointCount: n, parameterCount: p,
                               options: EIMOptions(tolerance: 1e-6, maxTerms: 40, relative: false))
        let reason = try greedy.run()
        let eim = try EmpiricalInterpolation(greedy: greedy.state, stopReason: reason)
        XCTAssertGreaterThan(eim.terms, 3)
        let lagrange = EIMGridFarField.lagrangeFunctions(eim)
        for (i, point) in eim.points.enumerated() { for k in 0..<eim.terms {
            XCTAssertEqual(lagrange[point, k], i == k ? 1 : 0, accuracy: 1e-12)
        } }
        // The generic Lagrange functions (a forward substitution per unit vector) agree.
        let generic = eim.lagrangeFunctions
        for k in 0..<eim.terms { for x in 0..<n { XCTAssertEqual(lagrange[x, k], generic[x, k], accuracy: 1e-12 * max(1, abs(generic[x, k]))) } }
        let residual = check - lagrange * check.rows(eim.points)
        let fast = interpolationErrors(check, state: greedy.state).errors
        for j in 0..<check.columns {
            let expected = (0..<n).map { abs(residual[$0, j]) }.max()!
            XCTAssertEqual(fast[j], expected, accuracy: 1e-12 * max(1, expected))
            XCTAssertGreaterThan(fast[j], 0)
        }
    }

    /// The residual row r_j(x_m) of a new term is bitwise the same whether the tiles holding x_m
    /// were brought up to date before (eager) or still have terms pending (lazy): the set-up is
    /// then reproducible whatever tiles the threads of the parallel selection refreshed. (A row
    /// summing the pending terms in four lanes before subtracting them broke this, and two fresh
    /// set-ups gave different sums.)
    func testResidualRowDoesNotDependOnWhenTilesWereUpdated() throws {
        let n = 3000, p = 62  // not a multiple of 4: the far-field row's last columns one by one
        var g = Matrix(rows: n, columns: p)
        // Every other column 1e-12 times smaller: never the largest, so its tiles are never
        // brought up to date and its row has every term pending.
        for j in 0..<p { for i in 0..<n {
            g[i, j] = (j % 2 == 0 ? 1 : 1e-12) / (Double(i) / Double(n - 1) + 0.05 + 2 * Double(j) / Double(p))
        } }
        let store = try SnapshotResidualStore(snapshots: g, norm: .linf, relative: false, stabilized: false)
        var greedy = EIMGreedy(store: store, pointCount: n, parameterCount: p,
                               options: EIMOptions(tolerance: 0, maxTerms: 10, relative: false))
        _ = try greedy.run()
        let state = greedy.state
        XCTAssertEqual(state.terms, 10)
        var lazy = greedy.store, eager = greedy.store
        XCTAssertTrue(lazy.tileTerms.contains(0), "no tile with every term pending: the check is empty")
        for j in 0..<p { for b in 0..<eager.tileCount { _ = try eager.refresh(tile: b, column: j, state: state) } }
        // Points off the interpolation points (where every residual vanishes), one per tile.
        for x in [1, 1500, 2500].map({ x in (x..<n).first { !state.points.contains($0) }! }) {
            var fromLazy = [Double](repeating: 0, count: p), fromEager = fromLazy
            fromLazy.withUnsafeMutableBufferPointer { lazy.residualRow(point: x, state: state, into: $0) }
            fromEager.withUnsafeMutableBufferPointer { eager.residualRow(point: x, state: state, into: $0) }
            XCTAssertEqual(fromLazy, fromEager, "point \(x)")
            // The far-field store's row (gathered basis row, four columns per lane group) too.
            var far = FarFieldResidualStore(snapshots: greedy.store), fromFarField = fromLazy
            fromFarField.withUnsafeMutableBufferPointer { far.residualRow(point: x, state: state, into: $0) }
            XCTAssertEqual(fromFarField, fromEager, "point \(x), far-field row")
            XCTAssertGreaterThan(fromEager.map(abs).max()!, 0)
        }
    }

    /// The coarse training stops after its first greedy when that greedy already takes more of the
    /// grid than the limit (the level is then redone on the refined grid), and a limit above the
    /// final count changes nothing: the Gaussian h = 0.1 at a level-3 box (width 0.125) of the
    /// N = 1e5 benchmark at ε = 1e-3, whose first greedy takes 315 of the 1000 grid points.
    func testCoarseTrainingStopsWhenTheFirstGreedyUnderResolves() throws {
        let kernel = GaussianKernel(h: 0.1), family = TrainingFamily(dimension: 3)
        let tolerance = 3.6395914231255616e-07
        XCTAssertNil(try EIMFarField(kernel: kernel, family: family, scale: 0.125, tolerance: tolerance, underResolvedAbove: 300))
        let full = try XCTUnwrap(try EIMFarField(kernel: kernel, family: family, scale: 0.125, tolerance: tolerance))
        XCTAssertGreaterThan(full.xNodes.count, 300, "the validated greedy under-resolves too")
        let limited = try XCTUnwrap(try EIMFarField(kernel: kernel, family: family, scale: 0.125, tolerance: tolerance,
                                                    underResolvedAbove: 2000))
        XCTAssertEqual(limited.xNodes, full.xNodes)
        XCTAssertEqual(limited.xInverse.storage, full.xInverse.storage)
    }
}
