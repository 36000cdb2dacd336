import Foundation

/// How the far field is interpolated.
public enum FarFieldMethod: String, Sendable, CaseIterable {
    /// Empirical interpolation of the kernel per level (EIFMM, Casenave 2014).
    case eim
    /// Tensor Chebyshev interpolation, the same number of points per axis (black-box FMM, Fong & Darve 2009).
    case chebyshev
}

/// Options of `FastSummation`.
public struct FastSummationOptions: Sendable {
    /// Requested relative accuracy ε of the sums.
    public var tolerance: Double
    /// The far-field interpolation.
    public var method: FarFieldMethod
    /// A box with more points than this is subdivided (nil: from ε and the dimension, so that the
    /// near field and the M2L products cost about the same).
    public var leafSize: Int?
    /// Threads of the evaluation loops.
    public var threads: Int
    /// The interpolation tolerance is `tolerance / safetyFactor` (the far field passes several
    /// interpolations, M2M/L2L chains, before it reaches a target).
    public var safetyFactor: Double
    /// The leaf size used: `leafSize`, else 100 per digit of ε in 3D (300 at 1e-3, 600 at 1e-6), 12 per
    /// digit + 16 in 2D. In 3D the M2L cost per point is about 378 p²/s flops and the near field 27 s
    /// kernel evaluations for leaves of s points: the optimum s is about 100 at 1e-3 and 200 at 1e-6,
    /// and a uniform octree whose boxes split above L points has leaves of L/8 to L points.
    public func effectiveLeafSize(dimension: Int) -> Int {
        if let leafSize { return leafSize }
        let digits = max(1, -log10(tolerance))
        return dimension == 3 ? Int(100 * digits) : Int(12 * digits) + 16
    }
    /// Deepest tree level (guards against coincident points).
    public var maxLevel: Int
    /// Recompress each M2L matrix by a truncated SVD (singular values below the level's
    /// interpolation tolerance relative to the largest are dropped) and apply it as two products
    /// when that costs fewer flops (Fong & Darve's individual SVD compression).
    public var compressM2L: Bool = false
    /// Below this interpolation tolerance (ε / safety factor) the EIM far field is evaluated through
    /// its Lagrange functions on a Chebyshev grid (`EIMGridFarField`): the kernel-column form loses
    /// digits to the conditioning of its interpolation matrix (asked for 2e-8 relative, inverse
    /// multiquadric, 3D sphere, it gave sums 2.5e-6 off instead of 1e-6). Default 1e-7.
    public var gridEIMBelow = 1e-7
    /// Largest Chebyshev points per axis of the grid EIM, (2D, 3D): the refined sample grid must
    /// sit densely enough between the points to see their error. Default (60, 24), set with the
    /// 1e-9 sweeps of `FastSummationAccuracyTests`.
    public var gridEIMMaxPointsPerAxis = (twoD: 60, threeD: 24)
    /// Largest Chebyshev points per axis of the Chebyshev far field, (2D, 3D). Default (40, 14).
    public var chebyshevMaxPointsPerAxis = (twoD: 40, threeD: 14)
    /// When the EIM greedy selects more than this fraction of its training grid, the grid
    /// under-resolves the kernel between its points (a Gaussian narrower than the box) and the
    /// level is redone in the grid form (`EIMGridFarField`) on the refined grid, as soon as the
    /// first greedy (before its validation rounds) or the validated one exceeds it. Default 0.3 (the Gaussian h = 0.1 sweep needed it).
    public var refineTrainingAbove = 0.3

    /// Defaults: EIM, automatic leaf size, one thread, safety factor 10.
    public init(tolerance: Double = 1e-6, method: FarFieldMethod = .eim, leafSize: Int? = nil, threads: Int = 1,
                safetyFactor: Double = 10, maxLevel: Int = 16) {
        self.tolerance = tolerance
        self.method = method
        self.leafSize = leafSize
        self.threads = threads
        self.safetyFactor = safetyFactor
        self.maxLevel = maxLevel
    }
}

/// What is wrong with the input of a fast summation; each case names the culprit.
public enum FastSummationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The dimension is not 2 or 3.
    case unsupportedDimension(Int)
    /// ε ≤ 0 or not finite.
    case nonPositiveTolerance(Double)
    /// A coordinate is NaN or infinite: which point set, which point.
    case nonFiniteCoordinate(set: String, index: Int)
    /// A charge vector of the wrong length.
    case chargeCountMismatch(expected: Int, got: Int)
    /// A charge is NaN or infinite.
    case nonFiniteCharge(index: Int)
    /// An option out of range.
    case invalidOption(String)
    /// No source points.
    case noSources

    public var description: String {
        switch self {
        case let .unsupportedDimension(d): return "the dimension must be 2 or 3, got \(d)"
        case let .nonPositiveTolerance(t): return "the tolerance ε must be positive and finite, got \(t)"
        case let .nonFiniteCoordinate(set, index): return "\(set) point \(index) has a NaN or infinite coordinate"
        case let .chargeCountMismatch(expected, got): return "\(got) charges given for \(expected) sources"
        case let .nonFiniteCharge(index): return "charge \(index) is NaN or infinite"
        case let .invalidOption(message): return message
        case .noSources: return "there is no source point"
        }
    }
}
