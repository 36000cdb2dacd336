import EIM
import LinearAlgebra
import XCTest

/// A small summation problem: points, charges in [0, 1), and the relative ℓ² error of a fast sum
/// against direct summation over every target.
struct SummationCase {
    let points: [SIMD3<Double>]
    let charges: [Double]
    let dimension: Int

    init(n: Int, dimension: Int, distribution: PointDistribution, seed: UInt64 = 3) {
        points = distribution.points(n, dimension: dimension, seed: seed)
        var rng = SplitMix64(seed: seed &+ 100)
        charges = (0..<n).map { _ in rng.nextUniform() }
        self.dimension = dimension
    }

    func error(kernel: any Kernel, options: FastSummationOptions) throws -> (error: Double, summation: FastSummation) {
        let fast = try FastSummation(kernel: kernel, sources: points, dimension: dimension, options: options)
        let f = try fast.evaluate(charges: charges)
        let exact = try DirectSummation.evaluate(kernel: kernel, sources: points, charges: charges, dimension: dimension)
        return (DirectSummation.relativeError(f, exact), fast)
    }
}

/// The built-in kernels of the accuracy tests, with length scales of the order of the tree's boxes.
func builtinKernels(dimension: Int, anisotropic h: SIMD3<Double> = SIMD3(0.5, 0.15, 0.15)) -> [any Kernel] {
    [dimension == 3 ? LaplaceKernel3D() : LaplaceKernel2D(), GaussianKernel(h: 0.2), MultiquadricKernel(c: 0.1),
     InverseMultiquadricKernel(c: 0.1), MaternKernel(length: 0.2), AnisotropicGaussianKernel(h: h),
     ClosureKernel(name: "cauchy") { r in 1 / (1 + 25 * (r * r).sum()) }]
}
