import LinearAlgebra

/// An empirical interpolant, the online object: I g = Σ_k α_k φ_k with F α = g(x_I), F_ik = φ_k(x_i).
///
/// Online, only the values of g at `points` are needed; `coefficients` and `interpolate` write into
/// caller storage and allocate nothing. Built by the greedy (`init(snapshots:options:)`,
/// `init(family:options:)`), by DEIM / Q-DEIM from a basis, or as a variant (symmetric,
/// rectangular) of another interpolant.
public struct EmpiricalInterpolation: Sendable {
    /// How the approximation is written.
    public enum Formulation: String, Sendable {
        /// φ_k = q_k, the greedy's normalized residuals; F unit lower triangular (BMNP).
        case classical
        /// φ_k = g(·; μ_k), the snapshots at the selected parameters; F_ik = g(x_i; μ_k) (Casenave–Ern–Lelièvre).
        case symmetric
        /// As many points as wanted, any number of functions; α by least squares (minimum norm).
        case rectangular
        /// Points chosen from a given basis by DEIM or Q-DEIM.
        case deim
    }

    enum Solver: Sendable {
        case unitLower
        case lu(SmallLU)
        case pseudoInverse(Matrix)
    }

    /// The interpolation points (indices into the family's points), in the order chosen.
    public let points: [Int]
    /// The functions φ_k at every point: n × (number of functions).
    public let basis: Matrix
    /// F = basis rows at `points`: (number of points) × (number of functions).
    public let interpolationMatrix: Matrix
    /// The training parameters the greedy picked (indices into the training set), in order.
    public let parameters: [Int]
    /// The greedy's largest training error with 0, 1, …, M terms (empty when not built by the greedy).
    public let errorHistory: [Double]
    /// Why the greedy stopped (nil when not built by the greedy).
    public let stopReason: EIMStopReason?
    /// How the approximation is written.
    public let formulation: Formulation
    let solver: Solver

    /// Number of functions.
    public var terms: Int { basis.columns }
    /// Number of points the family is sampled at.
    public var pointCount: Int { basis.rows }

    /// An interpolant from its functions and points; a square, triangular F with unit diagonal is
    /// solved by substitution, another square F by LU, a rectangular F by its pseudo-inverse.
    public init(basis: Matrix, points: [Int], parameters: [Int] = [], errorHistory: [Double] = [],
                stopReason: EIMStopReason? = nil, formulation: Formulation) throws {
        for p in points where p < 0 || p >= basis.rows { throw EIMError.pointOutOfRange(index: p, count: basis.rows) }
        if let k = basis.firstNonFiniteIndex { throw EIMError.notFinite(point: k % max(basis.rows, 1), parameter: k / max(basis.rows, 1)) }
        let f = basis.rows(points)
        self.points = points
        self.basis = basis
        interpolationMatrix = f
        self.parameters = parameters
        self.errorHistory = errorHistory
        self.stopReason = stopReason
        self.formulation = formulation
        let d = f.rows
        if f.rows == f.columns && Self.isUnitLowerTriangular(f) {
            solver = .unitLower
        } else if f.rows == f.columns && formulation != .rectangular {
            solver = .lu(try SmallLU(f.storage, order: d))
        } else {
            let identity = Matrix.identity(f.rows)
            solver = .pseudoInverse(f.rows == 0 || f.columns == 0 ? Matrix(rows: f.columns, columns: f.rows)
                                    : try LeastSquares(f, identity).solution)
        }
    }

    static func isUnitLowerTriangular(_ f: Matrix) -> Bool {
        let d = f.rows
        for j in 0..<d {
            if f[j, j] != 1 { return false }
            for i in 0..<j where abs(f[i, j]) > 1e-13 { return false }
        }
        return true
    }

    /// α with F α = v (least squares for a rectangular F), v the values at `points`; no allocation.
    public func coefficients(_ values: UnsafeBufferPointer<Double>, into alpha: UnsafeMutableBufferPointer<Double>) {
        precondition(values.count == points.count && alpha.count == terms,
                     "EmpiricalInterpolation.coefficients: \(values.count) values for \(points.count) points, \(alpha.count) slots for \(terms) terms")
        switch solver {
        case .unitLower:
            interpolationMatrix.storage.withUnsafeBufferPointer { f in
                let d = terms
                for i in 0..<d {
                    var s = values[i]
                    for k in 0..<i { s -= f[i + k * d] * alpha[k] }
                    alpha[i] = s
                }
            }
        case let .lu(lu):
            for i in 0..<terms { alpha[i] = values[i] }
            lu.solve(alpha)
        case let .pseudoInverse(pinv):
            pinv.gemv(.none, values, into: alpha)
        }
    }

    /// I g at every point, from g's values at `points`; `alpha` (terms entries) is scratch and
    /// holds the coefficients on return. No allocation.
    public func interpolate(_ values: UnsafeBufferPointer<Double>, coefficients alpha: UnsafeMutableBufferPointer<Double>,
                            into output: UnsafeMutableBufferPointer<Double>) {
        precondition(output.count == pointCount, "EmpiricalInterpolation.interpolate: output has \(output.count) entries, expected \(pointCount)")
        coefficients(values, into: alpha)
        basis.gemv(.none, UnsafeBufferPointer(alpha), into: output)
    }

    /// The coefficients of `values` (at `points`), as a new array; throws on a length mismatch.
    public func coefficients(_ values: [Double]) throws -> [Double] {
        guard values.count == points.count else { throw EIMError.sizeMismatch(what: "values at the points", expected: points.count, got: values.count) }
        var alpha = [Double](repeating: 0, count: terms)
        values.withUnsafeBufferPointer { v in alpha.withUnsafeMutableBufferPointer { coefficients(v, into: $0) } }
        return alpha
    }

    /// I g at every point from g's values at `points`, as a new array.
    public func interpolate(_ values: [Double]) throws -> [Double] {
        let alpha = try coefficients(values)
        return basis * alpha
    }

    /// I g of a full field g (its values at every point are read at `points`).
    public func interpolate(field g: [Double]) throws -> [Double] {
        guard g.count == pointCount else { throw EIMError.sizeMismatch(what: "field", expected: pointCount, got: g.count) }
        return try interpolate(points.map { g[$0] })
    }

    /// The Lagrange functions ℓ_i (n × points): I g = Σ_i g(x_i) ℓ_i.
    public var lagrangeFunctions: Matrix {
        var inverse = Matrix(rows: terms, columns: points.count)
        var e = [Double](repeating: 0, count: points.count), column = [Double](repeating: 0, count: terms)
        for i in 0..<points.count {
            e[i] = 1
            e.withUnsafeBufferPointer { ep in column.withUnsafeMutableBufferPointer { coefficients(ep, into: $0) } }
            e[i] = 0
            for k in 0..<terms { inverse[k, i] = column[k] }
        }
        return basis * inverse
    }

    /// The Lebesgue constant Λ = max_x Σ_i |ℓ_i(x)|: ‖g − I g‖∞ ≤ (1 + Λ) · (best error in the span).
    public var lebesgueConstant: Double {
        let l = lagrangeFunctions
        var largest = 0.0
        for x in 0..<l.rows {
            var s = 0.0
            for i in 0..<l.columns { s += abs(l.storage[x + i * l.rows]) }
            largest = max(largest, s)
        }
        return largest
    }
}
