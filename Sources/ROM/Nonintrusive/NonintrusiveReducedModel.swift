import LinearAlgebra

/// The online stage of the nonintrusive reduced basis method: everything a query needs, nothing
/// of the truth problem. For μ, the d + 1 magic entries of A(μ) and the d_f + 1 of f(μ) give
/// β(μ) and γ(μ) (two forward substitutions), then
///
///     (Σ_{m<d} β_m Vᴴ Q_m V) u_N = Σ_{l<d_f} γ_l Vᴴ F_l                (one LU of order N)
///     η(μ) = (‖Θ r_d(μ)‖ + ‖Θ e(μ)‖) / α,
///     r_d = Σ_{l<d_f} γ_l F_l − Σ_{m<d} β_m Q_m V u_N,   e = β_d Q_d V u_N − γ_{d_f} F_{d_f},
///
/// where Θ is the residual sketch (`ResidualSketch`: ‖Θ g‖ ≈ ‖g‖_{X'}) and e the estimate of the
/// interpolation error of operator and right-hand side by their next terms. η is an indicator
/// of ‖u(μ) − V u_N(μ)‖_X (α, the stability constant, is the user's: 1 when unknown).
///
/// Without the entries, β and γ come from an interpolation in μ of their training values
/// (`coefficientInterpolation`, a cubic radial basis function fit, exact at the training
/// parameters and only as accurate as the training set is fine elsewhere).
public struct NonintrusiveReducedModel<Element: Scalar>: Sendable {
    /// The parameter box.
    public let parameterSpace: ParameterSpace
    /// The truth order n.
    public let order: Int
    /// The operator's magic entries (d + 1) and the part each reads.
    public let operatorPositions: [MatrixPosition]
    /// The part of each operator magic entry.
    public let operatorParts: [EntryPart]
    /// The operator's interpolation matrix ((d+1)², unit lower triangular).
    public let operatorInterpolationMatrix: Matrix
    /// The right-hand side's magic entries (d_f + 1).
    public let rightHandSideIndices: [Int]
    /// The part of each right-hand side magic entry.
    public let rightHandSideParts: [EntryPart]
    /// The right-hand side's interpolation matrix.
    public let rightHandSideInterpolationMatrix: Matrix
    /// Vᴴ Q_m V, m = 0 … d.
    public let reducedOperators: [DenseMatrix<Element>]
    /// Vᴴ F_l, l = 0 … d_f.
    public let reducedRightHandSides: [[Element]]
    /// Θ Q_m V (k × N), m = 0 … d.
    public let sketchedOperators: [DenseMatrix<Element>]
    /// Θ F_l (k), l = 0 … d_f.
    public let sketchedRightHandSides: [[Element]]
    /// α: the indicator is divided by it.
    public let stabilityConstant: Double
    /// μ ↦ (β, γ) from the training values, for queries without entries.
    public let coefficientInterpolation: ScatteredInterpolation?
    /// V (n × N), when kept.
    public let basis: DenseMatrix<Element>?

    /// Assembles a model from its arrays, checking that their shapes agree.
    public init(parameterSpace: ParameterSpace, order: Int, operatorPositions: [MatrixPosition], operatorParts: [EntryPart],
                operatorInterpolationMatrix: Matrix, rightHandSideIndices: [Int], rightHandSideParts: [EntryPart],
                rightHandSideInterpolationMatrix: Matrix, reducedOperators: [DenseMatrix<Element>],
                reducedRightHandSides: [[Element]], sketchedOperators: [DenseMatrix<Element>],
                sketchedRightHandSides: [[Element]], stabilityConstant: Double,
                coefficientInterpolation: ScatteredInterpolation?, basis: DenseMatrix<Element>?) throws {
        func require(_ condition: Bool, _ what: String, _ expected: Int, _ found: Int) throws {
            if !condition { throw ROMError.dimensionMismatch(what: what, expected: expected, found: found) }
        }
        let d = operatorPositions.count, l = rightHandSideIndices.count
        let n = reducedOperators.first?.rows ?? 0, k = sketchedOperators.first?.rows ?? 0
        try require(d >= 1, "operator magic entries (at least the estimator's)", 1, d)
        try require(l >= 1, "right-hand side magic entries (at least the estimator's)", 1, l)
        try require(operatorParts.count == d, "operator entry parts", d, operatorParts.count)
        try require(rightHandSideParts.count == l, "right-hand side entry parts", l, rightHandSideParts.count)
        try require(operatorInterpolationMatrix.rows == d && operatorInterpolationMatrix.columns == d,
                    "operator interpolation matrix order", d, operatorInterpolationMatrix.rows)
        try require(rightHandSideInterpolationMatrix.rows == l && rightHandSideInterpolationMatrix.columns == l,
                    "right-hand side interpolation matrix order", l, rightHandSideInterpolationMatrix.rows)
        try require(reducedOperators.count == d, "reduced operator terms", d, reducedOperators.count)
        try require(sketchedOperators.count == d, "sketched operator terms", d, sketchedOperators.count)
        try require(reducedRightHandSides.count == l, "reduced right-hand side terms", l, reducedRightHandSides.count)
        try require(sketchedRightHandSides.count == l, "sketched right-hand side terms", l, sketchedRightHandSides.count)
        for a in reducedOperators { try require(a.rows == n && a.columns == n, "reduced operator order", n, a.rows == n ? a.columns : a.rows) }
        for s in sketchedOperators { try require(s.rows == k && s.columns == n, "sketched operator shape", n, s.columns) }
        for f in reducedRightHandSides { try require(f.count == n, "reduced right-hand side length", n, f.count) }
        for f in sketchedRightHandSides { try require(f.count == k, "sketched right-hand side length", k, f.count) }
        for p in operatorPositions where p.row < 0 || p.row >= order || p.column < 0 || p.column >= order {
            throw ROMError.invalidOption(name: "operator magic entry", detail: "\(p) is outside the \(order)×\(order) matrix")
        }
        for i in rightHandSideIndices where i < 0 || i >= order {
            throw ROMError.invalidOption(name: "right-hand side magic entry", detail: "\(i) is outside 0..<\(order)")
        }
        for (name, b) in [("operator", operatorInterpolationMatrix), ("right-hand side", rightHandSideInterpolationMatrix)] {
            for j in 0..<b.rows where b[j, j] != 1 {
                throw ROMError.invalidOption(name: "\(name) interpolation matrix", detail: "diagonal entry \(j) is \(b[j, j]), not 1")
            }
        }
        guard stabilityConstant > 0, stabilityConstant.isFinite else {
            throw ROMError.invalidOption(name: "stability constant", detail: "must be positive, got \(stabilityConstant)")
        }
        if let c = coefficientInterpolation {
            try require(c.dimension == parameterSpace.dimension, "coefficient interpolation parameter dimension", parameterSpace.dimension, c.dimension)
            try require(c.valueCount == d + l, "coefficient interpolation values", d + l, c.valueCount)
        }
        if let basis { try require(basis.columns == n && basis.rows == order, "basis shape", order, basis.rows) }
        self.parameterSpace = parameterSpace
        self.order = order
        self.operatorPositions = operatorPositions
        self.operatorParts = operatorParts
        self.operatorInterpolationMatrix = operatorInterpolationMatrix
        self.rightHandSideIndices = rightHandSideIndices
        self.rightHandSideParts = rightHandSideParts
        self.rightHandSideInterpolationMatrix = rightHandSideInterpolationMatrix
        self.reducedOperators = reducedOperators
        self.reducedRightHandSides = reducedRightHandSides
        self.sketchedOperators = sketchedOperators
        self.sketchedRightHandSides = sketchedRightHandSides
        self.stabilityConstant = stabilityConstant
        self.coefficientInterpolation = coefficientInterpolation
        self.basis = basis
    }

    /// N.
    public var size: Int { reducedOperators.first?.rows ?? 0 }
    /// d (the estimator term excluded).
    public var operatorTerms: Int { operatorPositions.count - 1 }
    /// d_f (the estimator term excluded).
    public var rightHandSideTerms: Int { rightHandSideIndices.count - 1 }
    /// k.
    public var sketchSize: Int { sketchedOperators.first?.rows ?? 0 }
}
