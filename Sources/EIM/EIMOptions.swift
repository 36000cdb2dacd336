import LinearAlgebra

/// The norm in which the greedy measures the residual of each training parameter to pick the next one.
///
/// The point is always the largest pointwise residual (BMNP); only the choice of μ changes.
public enum EIMNorm: Sendable {
    /// max over the points of |r| (Barrault–Maday–Nguyen–Patera).
    case linf
    /// the Euclidean norm of the point values.
    case l2
    /// √(rᵀ M r) for a symmetric positive definite M (a mass matrix gives the L² norm of the field).
    case weighted(SparseMatrix)

    var name: String {
        switch self {
        case .linf: return "linf"
        case .l2: return "l2"
        case .weighted: return "weighted"
        }
    }
}

/// How the greedy is run: stopping rules, the norm, and the stabilized mode.
public struct EIMOptions: Sendable {
    /// Stop when the largest training error is at most this (relative to each column's norm when
    /// `relative`, else absolute).
    public var tolerance: Double
    /// Stop after this many terms (nil: as many as points or parameters allow).
    public var maxTerms: Int?
    /// The norm of the greedy's choice of μ.
    public var norm: EIMNorm
    /// Measure each training column's residual relative to the column's own norm (the error
    /// ‖g − I g‖ / ‖g‖ of docs/eim.md); false gives the classical absolute measure.
    public var relative: Bool
    /// Round-off robust mode (docs/eim.md, "stabilized"): every new basis function is recomputed
    /// from the original values with one step of iterative refinement, already selected points are
    /// excluded, and the greedy stops at the round-off floor instead of interpolating noise.
    public var stabilized: Bool
    /// The stabilized mode's floor, relative to the largest initial error (default 100 ε).
    public var roundOffFloor: Double

    /// Options with the classical defaults: ℓ∞, relative errors, not stabilized.
    public init(tolerance: Double = 1e-8, maxTerms: Int? = nil, norm: EIMNorm = .linf, relative: Bool = true,
                stabilized: Bool = false, roundOffFloor: Double = 100 * Double.ulpOfOne) {
        self.tolerance = tolerance
        self.maxTerms = maxTerms
        self.norm = norm
        self.relative = relative
        self.stabilized = stabilized
        self.roundOffFloor = roundOffFloor
    }

    func validate() throws {
        guard tolerance > 0, tolerance.isFinite else { throw EIMError.nonPositiveTolerance(tolerance) }
        if let m = maxTerms, m < 1 { throw EIMError.invalidTermLimit(m) }
        guard roundOffFloor >= 0, roundOffFloor.isFinite else {
            throw EIMError.invalidOption("the round-off floor must be a nonnegative number, got \(roundOffFloor)")
        }
    }
}

/// Why the greedy stopped.
public enum EIMStopReason: String, Sendable {
    /// The largest training error reached the tolerance.
    case tolerance
    /// The term limit (or the number of points or parameters) was reached.
    case termLimit
    /// Stabilized mode: the error reached the round-off floor.
    case roundOff
    /// Every remaining residual is exactly zero (the family has a finite rank).
    case exact
}
