import Foundation

/// The 3D Laplace kernel K(r) = 1/‖r‖ (no 1/4π, as FMM3D's `lfmm3d`); coincident points are skipped.
public struct LaplaceKernel3D: Kernel {
    /// The kernel.
    public init() {}
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double { 1 / (r * r).sum().squareRoot() }
    public var isSingularAtOrigin: Bool { true }
    public var homogeneityDegree: Double? { -1 }
    public var name: String { "laplace3d" }

    /// Σ σ_j / ‖x − y_j‖, four sources at a time in SIMD lanes (a floating-point sum is not
    /// reassociated by the compiler, so the lanes are explicit), r = 0 masked out.
    @inlinable
    public func sum(at x: SIMD3<Double>, sources: SourceView, range: Range<Int>) -> Double {
        let sx = sources.x, sy = sources.y, sz = sources.z, q = sources.charges
        let px = SIMD4<Double>(repeating: x.x), py = SIMD4<Double>(repeating: x.y), pz = SIMD4<Double>(repeating: x.z)
        var acc = SIMD4<Double>.zero
        var j = range.lowerBound
        while j + 4 <= range.upperBound {
            let dx = px - SIMD4(sx[j], sx[j + 1], sx[j + 2], sx[j + 3])
            let dy = py - SIMD4(sy[j], sy[j + 1], sy[j + 2], sy[j + 3])
            let dz = pz - SIMD4(sz[j], sz[j + 1], sz[j + 2], sz[j + 3])
            let r2 = dx * dx + dy * dy + dz * dz
            let inv = (1 / r2.squareRoot()).replacing(with: 0, where: r2 .== 0)
            acc += SIMD4(q[j], q[j + 1], q[j + 2], q[j + 3]) * inv
            j += 4
        }
        var total = acc.sum()
        while j < range.upperBound {
            let dx = x.x - sx[j], dy = x.y - sy[j], dz = x.z - sz[j]
            let r2 = dx * dx + dy * dy + dz * dz
            total += r2 > 0 ? q[j] / r2.squareRoot() : 0
            j += 1
        }
        return total
    }
}

/// The 2D Laplace kernel K(r) = −log ‖r‖; coincident points are skipped.
public struct LaplaceKernel2D: Kernel {
    /// The kernel.
    public init() {}
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double { -0.5 * log(r.x * r.x + r.y * r.y) }
    public var isSingularAtOrigin: Bool { true }
    public var name: String { "laplace2d" }
}

/// The Gaussian K(r) = exp(−‖r‖²/h²).
public struct GaussianKernel: Kernel {
    /// The length scale h.
    public let h: Double
    /// A Gaussian of length scale `h` (> 0).
    public init(h: Double) { self.h = h }
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double { exp(-(r * r).sum() / (h * h)) }
    public var name: String { "gaussian(h=\(h))" }
}

/// The anisotropic Gaussian K(r) = exp(−Σ_k r_k²/h_k²), one length scale per axis.
public struct AnisotropicGaussianKernel: Kernel {
    /// The length scales (h_x, h_y, h_z); h_z is unused in 2D.
    public let h: SIMD3<Double>
    /// An anisotropic Gaussian with positive length scales.
    public init(h: SIMD3<Double>) { self.h = h }
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double {
        let s = r / h
        return exp(-(s * s).sum())
    }
    public var name: String { "anisotropic-gaussian(h=\(h.x),\(h.y),\(h.z))" }
}

/// The multiquadric K(r) = √(‖r‖² + c²).
public struct MultiquadricKernel: Kernel {
    /// The shape parameter c.
    public let c: Double
    /// A multiquadric with shape parameter `c`.
    public init(c: Double) { self.c = c }
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double { ((r * r).sum() + c * c).squareRoot() }
    public var name: String { "multiquadric(c=\(c))" }
}

/// The inverse multiquadric K(r) = 1/√(‖r‖² + c²).
public struct InverseMultiquadricKernel: Kernel {
    /// The shape parameter c.
    public let c: Double
    /// An inverse multiquadric with shape parameter `c`.
    public init(c: Double) { self.c = c }
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double { 1 / ((r * r).sum() + c * c).squareRoot() }
    public var name: String { "inverse-multiquadric(c=\(c))" }
}

/// The Matérn kernel with ν = 3/2: K(r) = (1 + √3 ‖r‖/ℓ) exp(−√3 ‖r‖/ℓ).
public struct MaternKernel: Kernel {
    /// The length scale ℓ.
    public let length: Double
    /// A Matérn 3/2 kernel of length scale `length`.
    public init(length: Double) { self.length = length }
    @inlinable public func callAsFunction(_ r: SIMD3<Double>) -> Double {
        let s = 3.0.squareRoot() * (r * r).sum().squareRoot() / length
        return (1 + s) * exp(-s)
    }
    public var name: String { "matern32(l=\(length))" }
}

/// A kernel given by a closure on r = x − y (summed by the generic loop).
public struct ClosureKernel: Kernel {
    private let k: @Sendable (SIMD3<Double>) -> Double
    public let isEven: Bool
    public let isSingularAtOrigin: Bool
    public let homogeneityDegree: Double?
    public let name: String

    /// `k(r)` is K(r); say whether K(−r) = K(r), whether K(0) is infinite, and the degree d of
    /// K(a r) = a^d K(r) if there is one.
    public init(name: String = "closure", isEven: Bool = true, isSingularAtOrigin: Bool = false, homogeneityDegree: Double? = nil,
                _ k: @escaping @Sendable (SIMD3<Double>) -> Double) {
        self.k = k
        self.isEven = isEven
        self.isSingularAtOrigin = isSingularAtOrigin
        self.homogeneityDegree = homogeneityDegree
        self.name = name
    }

    public func callAsFunction(_ r: SIMD3<Double>) -> Double { k(r) }
}

/// The built-in kernels by name (drivers and benchmarks).
public enum KernelCatalog {
    /// The names `kernel(named:dimension:scale:)` accepts.
    public static let names = ["laplace", "gaussian", "multiquadric", "inverse-multiquadric", "matern", "anisotropic-gaussian"]

    /// "laplace" is 1/r in 3D and −log r in 2D; `scale` is h (Gaussian), c (multiquadrics), ℓ (Matérn),
    /// and h_x of the anisotropic Gaussian (h_y = h_z = scale / 5).
    public static func kernel(named name: String, dimension: Int, scale: Double) throws -> any Kernel {
        guard dimension == 2 || dimension == 3 else { throw FastSummationError.unsupportedDimension(dimension) }
        guard scale > 0, scale.isFinite else { throw FastSummationError.invalidOption("the kernel scale must be positive, got \(scale)") }
        switch name {
        case "laplace": return dimension == 3 ? LaplaceKernel3D() : LaplaceKernel2D()
        case "gaussian": return GaussianKernel(h: scale)
        case "multiquadric": return MultiquadricKernel(c: scale)
        case "inverse-multiquadric": return InverseMultiquadricKernel(c: scale)
        case "matern": return MaternKernel(length: scale)
        case "anisotropic-gaussian": return AnisotropicGaussianKernel(h: SIMD3(scale, scale / 5, scale / 5))
        default: throw FastSummationError.invalidOption("unknown kernel '\(name)'; one of \(names.joined(separator: ", "))")
        }
    }
}
