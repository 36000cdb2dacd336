import EIM
import LinearAlgebra
import XCTest

/// The contract of `FastSummation` beyond accuracy: EIM against Chebyshev points, one setup for many
/// charge vectors, the `LinearOperator` seam, separate targets, and errors naming bad input.
final class FastSummationTests: XCTestCase {
    /// At equal accuracy EIM needs no more points than Chebyshev per level, and fewer on the
    /// anisotropic kernel (the fixed tensor grid resolves every axis like the steepest one).
    func testEIMNeedsNoMorePointsThanChebyshev() throws {
        for (dimension, n) in [(2, 4000), (3, 3000)] {
            let problem = SummationCase(n: n, dimension: dimension, distribution: .uniform)
            for kernel in [dimension == 3 ? LaplaceKernel3D() : LaplaceKernel2D(), GaussianKernel(h: 0.2),
                           AnisotropicGaussianKernel(h: SIMD3(0.5, 0.15, 0.15))] as [any Kernel] {
                let (eimError, eim) = try problem.error(kernel: kernel, options: FastSummationOptions(tolerance: 1e-3, method: .eim, leafSize: 40))
                let (chebError, cheb) = try problem.error(kernel: kernel, options: FastSummationOptions(tolerance: 1e-3, method: .chebyshev, leafSize: 40))
                XCTAssertLessThanOrEqual(eimError, 1e-3)
                XCTAssertLessThanOrEqual(chebError, 1e-3)
                for (e, c) in zip(eim.interpolationPoints, cheb.interpolationPoints) where c > 0 {
                    XCTAssertLessThanOrEqual(e, c, "\(kernel.name) \(dimension)D: EIM \(eim.interpolationPoints), Chebyshev \(cheb.interpolationPoints)")
                }
                if kernel is AnisotropicGaussianKernel {
                    XCTAssertLessThan(eim.interpolationPoints.reduce(0, +), cheb.interpolationPoints.reduce(0, +),
                                      "\(dimension)D: EIM \(eim.interpolationPoints), Chebyshev \(cheb.interpolationPoints)")
                }
            }
        }
    }

    /// SVD recompression of the Chebyshev M2L matrices (n² nodes, low numerical rank): factors are
    /// used, and the sums stay within ε of the direct ones and of the uncompressed fast sums.
    func testCompressedM2LKeepsTheAccuracy() throws {
        let problem = SummationCase(n: 4000, dimension: 2, distribution: .uniform)
        var options = FastSummationOptions(tolerance: 1e-6, method: .chebyshev, leafSize: 40)
        let (plainError, plain) = try problem.error(kernel: LaplaceKernel2D(), options: options)
        options.compressM2L = true
        let (compressedError, compressed) = try problem.error(kernel: LaplaceKernel2D(), options: options)
        XCTAssertEqual(plain.compressedM2LCounts.reduce(0, +), 0)
        XCTAssertGreaterThan(compressed.compressedM2LCounts.reduce(0, +), 0)
        XCTAssertLessThanOrEqual(plainError, 1e-6)
        XCTAssertLessThanOrEqual(compressedError, 1e-6)
        let a = try plain.evaluate(charges: problem.charges), b = try compressed.evaluate(charges: problem.charges)
        XCTAssertLessThanOrEqual(DirectSummation.relativeError(b, a), 1e-6)
    }

    /// A second charge vector on the same setup gives what a fresh setup gives (bit for bit: the
    /// setup is deterministic and the evaluation keeps no state between calls).
    func testSecondChargeVectorMatchesFreshSetup() throws {
        let problem = SummationCase(n: 3000, dimension: 3, distribution: .clustered)
        let options = FastSummationOptions(tolerance: 1e-6, leafSize: 50)
        let sum = try FastSummation(kernel: GaussianKernel(h: 0.2), sources: problem.points, dimension: 3, options: options)
        _ = try sum.evaluate(charges: problem.charges)
        var rng = SplitMix64(seed: 99)
        let second = (0..<problem.points.count).map { _ in rng.nextUniform() - 0.5 }
        let reused = try sum.evaluate(charges: second)
        let fresh = try FastSummation(kernel: GaussianKernel(h: 0.2), sources: problem.points, dimension: 3, options: options)
            .evaluate(charges: second)
        XCTAssertEqual(reused, fresh)
        let exact = try DirectSummation.evaluate(kernel: GaussianKernel(h: 0.2), sources: problem.points, charges: second)
        XCTAssertLessThanOrEqual(DirectSummation.relativeError(reused, exact), 1e-6)
    }

    /// As a `LinearOperator` it is the kernel matrix: apply equals evaluate, and it is linear.
    func testLinearOperatorIsTheKernelMatrix() throws {
        let problem = SummationCase(n: 2000, dimension: 2, distribution: .uniform)
        let sum = try FastSummation(kernel: MaternKernel(length: 0.2), sources: problem.points, dimension: 2,
                                    options: FastSummationOptions(tolerance: 1e-6, leafSize: 30))
        XCTAssertEqual(sum.rows, 2000)
        XCTAssertEqual(sum.columns, 2000)
        let y = sum.apply(problem.charges)
        XCTAssertEqual(y, try sum.evaluate(charges: problem.charges))
        let twice = sum.apply(problem.charges.map { 2 * $0 })
        for i in stride(from: 0, to: 2000, by: 97) { XCTAssertEqual(twice[i], 2 * y[i], accuracy: 1e-12 * abs(y[i])) }
    }

    /// Targets distinct from the sources (another point set, another count).
    func testSeparateTargets() throws {
        let sources = PointDistribution.uniform.points(3000, dimension: 3, seed: 5)
        let targets = PointDistribution.sphere.points(1500, dimension: 3, seed: 6)
        var rng = SplitMix64(seed: 8)
        let q = (0..<3000).map { _ in rng.nextUniform() }
        let sum = try FastSummation(kernel: LaplaceKernel3D(), sources: sources, targets: targets, dimension: 3,
                                    options: FastSummationOptions(tolerance: 1e-6, leafSize: 50))
        XCTAssertEqual(sum.rows, 1500)
        let f = try sum.evaluate(charges: q)
        let exact = try DirectSummation.evaluate(kernel: LaplaceKernel3D(), sources: sources, charges: q, targets: targets)
        XCTAssertLessThanOrEqual(DirectSummation.relativeError(f, exact), 1e-6)
    }

    func testBadInputThrowsErrorsNamingTheProblem() throws {
        let points = PointDistribution.uniform.points(100, dimension: 3)
        XCTAssertThrowsError(try FastSummation(kernel: LaplaceKernel3D(), sources: points, dimension: 4)) {
            XCTAssertEqual($0 as? FastSummationError, .unsupportedDimension(4))
        }
        XCTAssertThrowsError(try FastSummation(kernel: LaplaceKernel3D(), sources: points, dimension: 3,
                                               options: FastSummationOptions(tolerance: 0))) {
            XCTAssertEqual($0 as? FastSummationError, .nonPositiveTolerance(0))
        }
        var bad = points
        bad[17].y = .nan
        XCTAssertThrowsError(try FastSummation(kernel: LaplaceKernel3D(), sources: bad, dimension: 3)) {
            XCTAssertEqual($0 as? FastSummationError, .nonFiniteCoordinate(set: "source", index: 17))
            XCTAssertTrue("\($0)".contains("17"))
        }
        let sum = try FastSummation(kernel: LaplaceKernel3D(), sources: points, dimension: 3)
        XCTAssertThrowsError(try sum.evaluate(charges: [1, 2, 3])) {
            XCTAssertEqual($0 as? FastSummationError, .chargeCountMismatch(expected: 100, got: 3))
        }
        XCTAssertThrowsError(try KernelCatalog.kernel(named: "nope", dimension: 3, scale: 1))
    }
}
