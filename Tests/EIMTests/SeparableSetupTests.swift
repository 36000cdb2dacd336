@testable import EIM
import LinearAlgebra
import XCTest

/// The set-up's shortcuts of the fourteenth session of issue 20 against what they replace: kernel
/// matrices of an axis-separable kernel from per-axis tables against entry by entry; the
/// validation's missed positions joining the grid greedy with the check's residuals against
/// their recomputation; and the level a steep Gaussian under-resolves on the coarse grid, now in
/// the grid form, against direct summation.
final class SeparableSetupTests: XCTestCase {
    /// Entry by entry, the reference `KernelMatrix` replaces.
    private func direct(_ kernel: any Kernel, scale: Double, x: [SIMD3<Double>], y: [SIMD3<Double>], shift: SIMD3<Double>,
                        mirrored: Bool) -> [Double] {
        var out: [Double] = []
        for b in y { for a in x {
            let r = scale * (a - b - shift)
            out.append(kernel(mirrored ? -r : r))
        } }
        return out
    }

    /// The Gaussian and the anisotropic Gaussian on tensor-grid nodes (3D and 2D), an M2L shift,
    /// mirrored or not, a range of columns: within a few units in the last place of K's own value
    /// times the size of the exponent (both forms round the argument of exp, whose relative
    /// sensitivity is the argument); a kernel that is not separable is evaluated entry by entry,
    /// bitwise.
    func testSeparableKernelMatrixMatchesEntryByEntry() {
        for d in [3, 2] {
            let grid = ChebyshevFarField(dimension: d, n: d == 3 ? 7 : 12, estimatedError: 0).xNodes
            let x = stride(from: 0, to: grid.count, by: 3).map { grid[$0] }
            let y = stride(from: 1, to: grid.count, by: 2).map { grid[$0] }
            let shift = SIMD3(2.0, -3.0, d == 3 ? 1.0 : 0)
            let kernels: [any Kernel] = [GaussianKernel(h: 0.13), AnisotropicGaussianKernel(h: SIMD3(0.3, 0.1, 0.2)), LaplaceKernel3D()]
            for kernel in kernels { for mirrored in [false, true] {
                let matrix = KernelMatrix(kernel: kernel, scale: 0.25, x: x, y: y, mirrored: mirrored)
                XCTAssertEqual(matrix.fromAxisTables, kernel is any AxisSeparableKernel, "\(kernel.name)")
                let expected = direct(kernel, scale: 0.25, x: x, y: y, shift: shift, mirrored: mirrored)
                let columns = 3..<(y.count - 2)
                var out = [Double](repeating: .nan, count: x.count * columns.count)
                out.withUnsafeMutableBufferPointer { matrix.fill(columns: columns, shift: shift, into: $0.baseAddress!, ld: x.count) }
                var worst = 0.0
                for j in columns { for i in x.indices {
                    let e = expected[i + j * x.count], got = out[i + (j - columns.lowerBound) * x.count]
                    if matrix.fromAxisTables {
                        worst = max(worst, abs(got - e) / (abs(e) * (1 + abs(log(e)))))
                    } else {
                        XCTAssertEqual(got, e, "\(kernel.name) (\(i), \(j))")
                    }
                } }
                XCTAssertLessThanOrEqual(worst, 8 * Double.ulpOfOne, "\(kernel.name), \(d)D, mirrored \(mirrored)")
                XCTAssertGreaterThan(expected.min()!, 1e-300, "no entry underflows: the relative check holds everywhere")
            } }
        }
    }

    /// The coordinates of a tensor grid: n distinct values per axis, each point's indices.
    func testAxisCoordinatesOfATensorGrid() {
        let grid = ChebyshevFarField(dimension: 3, n: 5, estimatedError: 0).xNodes
        let axes = AxisCoordinates(grid)
        XCTAssertEqual(axes.values.map(\.count), [5, 5, 5])
        for (i, p) in grid.enumerated() { for k in 0..<3 { XCTAssertEqual(axes.values[k][Int(axes.index[k][i])], p[k]) } }
        XCTAssertEqual(AxisCoordinates([SIMD3(0.0, -0.0, 1), SIMD3(-0.0, 0, 1)]).values.map(\.count), [1, 1, 1])
    }

    /// Positions joining a running grid greedy with the residuals the check computed (one dtrsm
    /// and one dgemm) hold the same residuals as the store's own recomputation (forward
    /// substitution and one daxpy per term), to round-off; the continued greedies pick the same terms.
    func testMissedPositionsJoinWithTheCheckResiduals() throws {
        let kernel = GaussianKernel(h: 0.2), family = TrainingFamily(dimension: 3, axis: chebyshevNodes(8))
        let n = family.samples.count, tolerance = 1e-6
        let g = family.snapshots(kernel: kernel, scale: 0.25, mirrored: false)
        func greedy() throws -> EIMGreedy<FarFieldResidualStore> {
            let store = FarFieldResidualStore(snapshots: try SnapshotResidualStore(snapshots: g, norm: .linf, relative: false, stabilized: false))
            return EIMGreedy(store: store, pointCount: n, parameterCount: g.columns,
                             options: EIMOptions(tolerance: tolerance, maxTerms: 400, relative: false))
        }
        var given = try greedy(), recomputed = try greedy()
        _ = try given.run()
        _ = try recomputed.run()
        let fresh = family.shellPositions(count: 64, seed: 5)
        let check = TrainingFamily(family, params: fresh).snapshots(kernel: kernel, scale: 0.25, mirrored: false)
        let (errors, residuals) = interpolationErrors(check, state: given.state)
        XCTAssertGreaterThan(errors.max()!, tolerance, "some positions miss")
        try given.appendTrainingResiduals(residuals)
        recomputed.state.appendParameters(check.columns)
        try recomputed.store.snapshots.append(columns: check, state: recomputed.state)
        let p = g.columns, a = given.store.snapshots.residuals, b = recomputed.store.snapshots.residuals
        let size = check.maxAbs
        for k in (p * n)..<((p + check.columns) * n) { XCTAssertEqual(a[k], b[k], accuracy: 1e-13 * size, "entry \(k - p * n)") }
        _ = try given.run()
        _ = try recomputed.run()
        XCTAssertEqual(given.state.points, recomputed.state.points)
        XCTAssertEqual(given.state.parameters, recomputed.state.parameters)
    }

    /// The Gaussian h = 0.1 at ε = 1e-3 is under-resolved on the coarse grid at its finest level:
    /// that level is built in the grid form, and the sums meet ε against direct summation.
    func testUnderResolvedLevelIsTheGridForm() throws {
        let problem = SummationCase(n: 6000, dimension: 3, distribution: .uniform)
        var options = FastSummationOptions(tolerance: 1e-3)
        options.leafSize = 60
        let (error, summation) = try problem.error(kernel: GaussianKernel(h: 0.1), options: options)
        let forms = summation.levels.map { level in level.basis.map { $0 is EIMGridFarField ? "grid" : "columns" } ?? "none" }
        XCTAssertTrue(forms.contains("grid"), "\(forms)")
        XCTAssertTrue(forms.contains("columns"), "\(forms)")
        XCTAssertLessThanOrEqual(error, 1e-3)
        XCTAssertGreaterThan(error, 1e-9)
    }
}
