import EIM
import LinearAlgebra

/// The offline data of `ResidualNormMethod.empiricalInterpolation` (Casenave, Ern, Lelièvre,
/// M2AN 48 (2014) 207–229): an empirical interpolation of the squared dual norm of the residual.
///
/// The residual of u_N(μ) is r(μ) = Σ_k c_k(μ) g_k with c(μ) = (θ'_p, −θ_q u_n) (K entries), so
/// ‖r(μ)‖² = Σ_{k,l} G_kl c_k(μ) c_l(μ) is a fixed linear functional Φ of the function
/// g_μ(k, l) = c_k(μ) c_l(μ) over the "points" (k, l), k ≤ l. The EIM greedy (stabilized) on that
/// family over a training set picks S points (k_t, l_t) and parameters μ_s, and in the symmetric
/// formulation (the basis functions are the g_{μ_s} themselves)
///
///     g_μ ≈ Σ_s λ_s(μ) g_{μ_s},   F λ(μ) = (c_{k_t}(μ) c_{l_t}(μ))_t,   F_ts = c_{k_t}(μ_s) c_{l_t}(μ_s),
///
/// hence, Φ being linear, ‖r(μ)‖² ≈ Σ_s λ_s(μ) ‖r(μ_s)‖². Each ‖r(μ_s)‖² is computed offline from
/// the residual vector f(μ_s) − A(μ_s) V u_N(μ_s) formed with the truth operators, and its dual
/// norm by a half solve with X: no term of size ‖f‖² is ever subtracted, so these numbers are
/// accurate to round-off however small. Online: c(μ) (K entries), S products, one S×S solve with
/// the LU factors of F made here, and one dot product; nothing depends on n.
///
/// Why the symmetric formulation and not the classical one (basis q_s, the greedy's normalized
/// residuals, with Φ(q_s) = Σ_kl G_kl q_s(k, l), weight 2 off the diagonal): q_s is a difference of
/// snapshots of size max c_k c_l, and Φ(q_s) evaluated through G loses ε‖G‖ max|c|² ≈ ε‖f‖² to
/// cancellation, exactly the floor of `.standard` (‖r‖ stalls near √ε relative). In the symmetric
/// formulation the functional is only ever applied to the g_{μ_s}, where it is an accurately
/// computed squared residual norm: the estimate is a combination of small numbers, each exact to
/// round-off, with the bounded interpolation weights λ(μ).
///
/// Accuracy (docs/rom.md, measured on the thermal block): the error in ‖r‖² is of order
/// Λ max_s ‖r(μ_s)‖², Λ the Lebesgue constant, not relative to ‖r(μ)‖²: the estimate follows the
/// residual one to two decades below the `.standard` floor, not down to round-off like
/// `.orthonormalized`, and with several parameters the greedy needs many terms S.
public struct ResidualNormInterpolation: Sendable {
    /// k_t of the interpolation points (k_t ≤ l_t), indices into c(μ).
    public let rows: [Int]
    /// l_t of the interpolation points.
    public let columns: [Int]
    /// F (S×S): F_ts = c_{k_t}(μ_s) c_{l_t}(μ_s).
    public let interpolationMatrix: Matrix
    /// ‖r(μ_s)‖²_{X'}, computed at the truth level.
    public let squaredResidualNorms: [Double]
    /// μ_s (parameter dimension × S), one column per selected parameter.
    public let parameters: Matrix
    /// P F = L U, made once.
    let factorization: DenseLU

    /// The data from its arrays; checks the shapes against K (the length of c(μ)) and factors F.
    /// - Throws: `ROMError.dimensionMismatch` for arrays that disagree, `ROMError.invalidOption`
    ///   for a point outside 0..<K or with k > l, or a singular F.
    public init(rows: [Int], columns: [Int], interpolationMatrix: Matrix, squaredResidualNorms: [Double],
                parameters: Matrix, coefficientCount k: Int) throws {
        let s = rows.count
        func require(_ condition: Bool, _ what: String, _ found: Int) throws {
            if !condition { throw ROMError.dimensionMismatch(what: what, expected: s, found: found) }
        }
        try require(columns.count == s, "residual interpolation point columns", columns.count)
        try require(interpolationMatrix.rows == s, "residual interpolation matrix rows", interpolationMatrix.rows)
        try require(interpolationMatrix.columns == s, "residual interpolation matrix columns", interpolationMatrix.columns)
        try require(squaredResidualNorms.count == s, "residual norms at the interpolation parameters", squaredResidualNorms.count)
        try require(parameters.columns == s, "residual interpolation parameters", parameters.columns)
        guard s > 0 else { throw ROMError.empty(what: "residual norm interpolation (no terms)") }
        for t in 0..<s where rows[t] < 0 || columns[t] < rows[t] || columns[t] >= k {
            throw ROMError.invalidOption(name: "residual interpolation point \(t)",
                                         detail: "(\(rows[t]), \(columns[t])) is not a pair k ≤ l of 0..<\(k)")
        }
        if let bad = squaredResidualNorms.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw ROMError.notFinite(what: "squared residual norms (or a negative one)", index: bad)
        }
        do {
            factorization = try DenseLU(interpolationMatrix)
        } catch {
            throw ROMError.invalidOption(name: "residual interpolation matrix", detail: "cannot be factored: \(error)")
        }
        self.rows = rows
        self.columns = columns
        self.interpolationMatrix = interpolationMatrix
        self.squaredResidualNorms = squaredResidualNorms
        self.parameters = parameters
    }

    /// Number of terms S.
    public var terms: Int { rows.count }

    /// The pair (k, l), k ≤ l, of packed index i = l(l+1)/2 + k (the EIM family's point order).
    static func pair(ofPacked i: Int) -> (k: Int, l: Int) {
        var l = Int((Double(8 * i + 1).squareRoot() - 1) / 2)
        while l * (l + 1) / 2 > i { l -= 1 }
        while (l + 1) * (l + 2) / 2 <= i { l += 1 }
        return (i - l * (l + 1) / 2, l)
    }
}

/// The family g_μ(k, l) = c_k(μ) c_l(μ), k ≤ l, over the training parameters, for the EIM greedy:
/// the points are packed column by column of the upper triangle, i = l(l+1)/2 + k.
struct ResidualProductFamily: ParametricFamily {
    /// c(μ_j) for every training parameter: K × (training size).
    let coefficients: Matrix

    var pointCount: Int { coefficients.rows * (coefficients.rows + 1) / 2 }
    var parameterCount: Int { coefficients.columns }

    func evaluate(parameter j: Int, into values: UnsafeMutableBufferPointer<Double>) {
        let k = coefficients.rows
        coefficients.storage.withUnsafeBufferPointer { c in
            let column = j * k
            var i = 0
            for l in 0..<k {
                let cl = c[column + l]
                for row in 0...l {
                    values[i] = c[column + row] * cl
                    i += 1
                }
            }
        }
    }

    func value(point i: Int, parameter j: Int) -> Double {
        let (k, l) = ResidualNormInterpolation.pair(ofPacked: i)
        return coefficients[k, j] * coefficients[l, j]
    }
}
