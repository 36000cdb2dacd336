import LinearAlgebra

/// Interpolation of values given at scattered parameters by the cubic radial basis function with
/// a linear polynomial, s(μ) = Σ_j w_j ‖μ − μ_j‖³ + c_0 + Σ_i c_i μ_i (polyharmonic spline; the
/// fit is unique when the centres are not all on one hyperplane). Parameters are first scaled to
/// the unit box of the parameter space, so no component dominates the distance. Exact at the
/// centres; between them as accurate as the centres are dense and the values smooth.
public struct ScatteredInterpolation: Sendable {
    /// The centres scaled to the unit box, p × D column-major (row j = centre j).
    public let centres: Matrix
    /// Lower bounds and widths of the box the centres were scaled by.
    public let lower: [Double], width: [Double]
    /// The weights (p + D + 1) × (number of values): RBF weights, then c_0, c_1 … c_D.
    public let weights: Matrix

    /// D.
    public var dimension: Int { centres.columns }
    /// Number of values interpolated together.
    public var valueCount: Int { weights.columns }

    /// Fits the values (`values[j]` at `parameters[j]`, one row per parameter) in `space`.
    public init(parameters: [Parameter], values: [[Double]], space: ParameterSpace) throws {
        let p = parameters.count, dim = space.dimension
        guard p > 0 else { throw ROMError.empty(what: "training parameters of the coefficient interpolation") }
        guard values.count == p else { throw ROMError.dimensionMismatch(what: "coefficient rows", expected: p, found: values.count) }
        let c = values[0].count
        lower = space.lower
        width = zip(space.lower, space.upper).map { $1 > $0 ? $1 - $0 : 1 }
        var x = Matrix(rows: p, columns: dim)
        for (j, mu) in parameters.enumerated() { for i in 0..<dim { x[j, i] = (mu[i] - lower[i]) / width[i] } }
        centres = x
        let size = p + dim + 1
        var system = Matrix(rows: size, columns: size)
        for a in 0..<p {
            for b in 0..<p { system[a, b] = Self.kernel(Self.distance(x, a, x, b)) }
            system[a, p] = 1
            system[p, a] = 1
            for i in 0..<dim { system[a, p + 1 + i] = x[a, i]; system[p + 1 + i, a] = x[a, i] }
        }
        var rhs = Matrix(rows: size, columns: c)
        for j in 0..<p {
            guard values[j].count == c else { throw ROMError.dimensionMismatch(what: "coefficient row \(j)", expected: c, found: values[j].count) }
            for k in 0..<c { rhs[j, k] = values[j][k] }
        }
        // Duplicate centres make the system singular: least squares gives the minimum-norm fit.
        weights = try LeastSquares(system, rhs).solution
    }

    /// An interpolation from its stored arrays (a model file): centres scaled to the unit box of `space`.
    init(centres: Matrix, space: ParameterSpace, weights: Matrix) {
        self.centres = centres
        lower = space.lower
        width = zip(space.lower, space.upper).map { $1 > $0 ? $1 - $0 : 1 }
        self.weights = weights
    }

    @inline(__always)
    static func kernel(_ r: Double) -> Double { r * r * r }

    static func distance(_ a: Matrix, _ i: Int, _ b: Matrix, _ j: Int) -> Double {
        var s = 0.0
        for k in 0..<a.columns { let d = a[i, k] - b[j, k]; s += d * d }
        return s.squareRoot()
    }

    /// The values at μ (components) into `output` (`valueCount` entries); `scratch` holds
    /// p + D + 1 entries. No allocation.
    public func evaluate(_ mu: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>,
                         into output: UnsafeMutableBufferPointer<Double>) {
        let p = centres.rows, dim = dimension
        centres.storage.withUnsafeBufferPointer { x in
            for j in 0..<p {
                var s = 0.0
                for i in 0..<dim { let d = (mu[i] - lower[i]) / width[i] - x[j + i * p]; s += d * d }
                scratch[j] = Self.kernel(s.squareRoot())
            }
        }
        scratch[p] = 1
        for i in 0..<dim { scratch[p + 1 + i] = (mu[i] - lower[i]) / width[i] }
        weights.gemv(.transposed, UnsafeBufferPointer(scratch), into: output)
    }
}
