import EIM
import Foundation
import LinearAlgebra
import XCTest

/// Relative error ≤ ε against direct summation for every built-in kernel (and a closure kernel),
/// in 2D and 3D, on uniform and non-uniform points.
///
/// The 3D sweeps take minutes per kernel at ε = 1e-9: `make test` runs their representative
/// kernels (1/r, and the Gaussian at 1e-9) and `ROMKIT_FULL_ACCURACY=1` runs every kernel and
/// distribution (`ROMKIT_FULL_ACCURACY=1 swift test -c release --filter FastSummationAccuracyTests`,
/// 17 minutes here: 1,012 s of tests, all passing, on 2026-12-01).
final class FastSummationAccuracyTests: XCTestCase {
    private var fullSweep: Bool { ProcessInfo.processInfo.environment["ROMKIT_FULL_ACCURACY"] == "1" }

    /// Every built-in kernel in the full sweep, else the representative ones.
    private func kernels(_ dimension: Int, representative: [any Kernel]) -> [any Kernel] {
        fullSweep ? builtinKernels(dimension: dimension) : representative
    }
    private func check(dimension: Int, distribution: PointDistribution, tolerance: Double, n: Int, leafSize: Int,
                       method: FarFieldMethod = .eim, kernels: [any Kernel]? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let problem = SummationCase(n: n, dimension: dimension, distribution: distribution)
        for kernel in kernels ?? builtinKernels(dimension: dimension) {
            let (error, fast) = try problem.error(kernel: kernel, options: FastSummationOptions(tolerance: tolerance, method: method, leafSize: leafSize))
            XCTAssertLessThanOrEqual(error, tolerance, "\(kernel.name) \(dimension)D \(distribution) ε=\(tolerance) points \(fast.interpolationPoints)",
                                     file: file, line: line)
            XCTAssertGreaterThan(fast.interpolationPoints.reduce(0, +), 0, "\(kernel.name): no far field was used", file: file, line: line)
        }
    }

    func test3DUniform() throws {
        let sweep = kernels(3, representative: [LaplaceKernel3D()])
        try check(dimension: 3, distribution: .uniform, tolerance: 1e-3, n: 3000, leafSize: 40, kernels: sweep)
        try check(dimension: 3, distribution: .uniform, tolerance: 1e-6, n: 3000, leafSize: 60, kernels: sweep)
    }

    func test3DNonUniform() throws {
        let sweep = kernels(3, representative: [LaplaceKernel3D()])
        try check(dimension: 3, distribution: .clustered, tolerance: 1e-3, n: 3000, leafSize: 40, kernels: sweep)
        try check(dimension: 3, distribution: .sphere, tolerance: 1e-6, n: 3000, leafSize: 60, kernels: sweep)
    }

    func test2DUniform() throws {
        try check(dimension: 2, distribution: .uniform, tolerance: 1e-3, n: 4000, leafSize: 30)
        try check(dimension: 2, distribution: .uniform, tolerance: 1e-6, n: 4000, leafSize: 40)
    }

    /// ε = 1e-9 with both variants in 2D; EIM (its Lagrange functions on the Chebyshev grid,
    /// `EIMGridFarField`) with no more points per level than Chebyshev.
    func test2DAtTightTolerance() throws {
        try check(dimension: 2, distribution: .uniform, tolerance: 1e-9, n: 4000, leafSize: 60, method: .chebyshev,
                  kernels: [LaplaceKernel2D(), GaussianKernel(h: 0.2)])
        try check(dimension: 2, distribution: .uniform, tolerance: 1e-9, n: 4000, leafSize: 60, method: .eim,
                  kernels: [LaplaceKernel2D(), GaussianKernel(h: 0.2)])
        let problem = SummationCase(n: 4000, dimension: 2, distribution: .uniform)
        for kernel in [LaplaceKernel2D(), GaussianKernel(h: 0.2)] as [any Kernel] {
            let eim = try FastSummation(kernel: kernel, sources: problem.points, dimension: 2,
                                        options: FastSummationOptions(tolerance: 1e-9, method: .eim, leafSize: 60))
            let cheb = try FastSummation(kernel: kernel, sources: problem.points, dimension: 2,
                                         options: FastSummationOptions(tolerance: 1e-9, method: .chebyshev, leafSize: 60))
            for (e, c) in zip(eim.interpolationPoints, cheb.interpolationPoints) where c > 0 {
                XCTAssertLessThanOrEqual(e, c, "\(kernel.name): EIM \(eim.interpolationPoints), Chebyshev \(cheb.interpolationPoints)")
            }
        }
    }

    /// ε = 1e-9 with EIM for every kernel in 3D, uniform and on a sphere (before the grid
    /// evaluation 1/r stalled at 3e-5 here; before the tolerance followed the mean kernel value the
    /// Gaussian reached 1.9e-9; before the validated training the anisotropic one reached 7e-8).
    func test3DAtTightTolerance() throws {
        let sweep = kernels(3, representative: [LaplaceKernel3D(), GaussianKernel(h: 0.2)])
        try check(dimension: 3, distribution: .uniform, tolerance: 1e-9, n: 3000, leafSize: 60, method: .eim, kernels: sweep)
        if fullSweep { try check(dimension: 3, distribution: .sphere, tolerance: 1e-9, n: 3000, leafSize: 60, method: .eim) }
    }

    /// ε = 1e-9 for every kernel in 2D, uniform and clustered.
    func test2DEveryKernelAtTightTolerance() throws {
        try check(dimension: 2, distribution: .uniform, tolerance: 1e-9, n: 4000, leafSize: 60)
        try check(dimension: 2, distribution: .clustered, tolerance: 1e-9, n: 4000, leafSize: 60)
    }

    func test2DNonUniform() throws {
        try check(dimension: 2, distribution: .clustered, tolerance: 1e-6, n: 4000, leafSize: 40)
        try check(dimension: 2, distribution: .sphere, tolerance: 1e-6, n: 4000, leafSize: 40)
    }
}
