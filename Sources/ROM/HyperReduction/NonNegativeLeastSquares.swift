import CBLAS
import LinearAlgebra

/// The non-negative least-squares problem min ‖A x − b‖₂ subject to x ≥ 0, by the active-set
/// method of Lawson and Hanson (1974, *Solving Least Squares Problems*, ch. 23, algorithm NNLS).
///
/// With w = Aᵀ(b − A x) the negative gradient, the solution satisfies the KKT conditions
/// x ≥ 0, w ≤ 0 where x = 0 and w = 0 where x > 0. Starting from x = 0 (every column active):
/// 1. if no active column has w_j > tolerance, stop;
/// 2. move the active column with the largest w_j to the passive set P;
/// 3. solve min ‖A_P s − b‖; if some s_i ≤ 0, step from x towards s until the first coefficient
///    reaches zero, return the columns at zero to the active set, and solve again (``PassiveSet``);
/// 4. x_P = s, update w, go to 1.
/// The least squares of step 3 are solved by an updated QR of A_P (``UpdatableQR``): appending or
/// removing a column costs O(m k), a solve O(k²).
public struct NonNegativeLeastSquares: Sendable {
    /// Stopping and safety settings.
    public struct Options: Sendable {
        /// Step 1 stops when max w_j ≤ this; nil: 10 ε ‖A‖₁ max(m, n) (the choice of MATLAB's
        /// `lsqnonneg`, scale invariant in A).
        public var tolerance: Double?
        /// Inner iterations (least-squares solves) before the method gives up; nil: 3 n (SciPy's
        /// default for `nnls`).
        public var maximumIterations: Int?

        public init(tolerance: Double? = nil, maximumIterations: Int? = nil) {
            self.tolerance = tolerance
            self.maximumIterations = maximumIterations
        }
    }

    /// The minimizer x (n, non-negative).
    public let solution: [Double]
    /// ‖A x − b‖₂.
    public let residualNorm: Double
    /// The negative gradient Aᵀ(b − A x) at the solution (the KKT multipliers).
    public let gradient: [Double]
    /// Least-squares solves done.
    public let iterations: Int

    /// Solves the problem for the m × n matrix `a` and the m-vector `b`.
    /// - Throws: `ROMError.dimensionMismatch` when b does not have m entries, `ROMError.notFinite`
    ///   for NaN or infinity in A or b, `ROMError.invalidOption` for a bad option, and
    ///   ``HyperReductionError/notConverged(method:iterations:detail:)`` past the iteration limit.
    public init(_ a: Matrix, _ b: [Double], options: Options = Options()) throws {
        let m = a.rows, n = a.columns
        guard b.count == m else { throw ROMError.dimensionMismatch(what: "NNLS right-hand side (rows of A)", expected: m, found: b.count) }
        if let k = a.firstNonFiniteIndex { throw ROMError.notFinite(what: "NNLS matrix A", index: k) }
        if let k = b.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "NNLS right-hand side b", index: k) }
        if let t = options.tolerance, !(t >= 0 && t.isFinite) {
            throw ROMError.invalidOption(name: "NNLS tolerance", detail: "must be a nonnegative number, got \(t)")
        }
        if let i = options.maximumIterations, i < 1 {
            throw ROMError.invalidOption(name: "NNLS iteration limit", detail: "must be at least 1, got \(i)")
        }
        let columnSums = (0..<n).map { j in (0..<m).reduce(0.0) { $0 + abs(a[$1, j]) } }
        let tolerance = options.tolerance ?? 10 * Double.ulpOfOne * (columnSums.max() ?? 0) * Double(Swift.max(m, n))
        let limit = options.maximumIterations ?? 3 * Swift.max(n, 1)

        var x = [Double](repeating: 0, count: n)
        var w = a.applyTransposed(b)
        var residual = b
        var passive = PassiveSet(rows: m, capacity: Swift.min(m, n), target: b)
        var inPassive = [Bool](repeating: false, count: n)
        var refused = [Bool](repeating: false, count: n)  // dependent columns, until the passive set shrinks
        try a.storage.withUnsafeBufferPointer { ap in
            while true {
                var entering = -1, largest = tolerance
                for j in 0..<n where !inPassive[j] && !refused[j] && w[j] > largest { largest = w[j]; entering = j }
                guard entering >= 0 else { break }
                switch try passive.insert(id: entering, column: ap.baseAddress! + entering * m, stride: 1,
                                          iterationLimit: limit, method: "NNLS (Lawson–Hanson)") {
                case .dependent:
                    refused[entering] = true
                    continue
                case .entered(let dropped):
                    if !dropped.isEmpty { for j in 0..<n { refused[j] = false } }
                    if dropped.contains(entering) { refused[entering] = true }  // no progress along it
                }
                for j in 0..<n { inPassive[j] = false; x[j] = 0 }
                for (k, id) in passive.ids.enumerated() { inPassive[id] = true; x[id] = passive.values[k] }
                // r = b − A x, w = Aᵀ r.
                residual = b
                x.withUnsafeBufferPointer { xp in
                    residual.withUnsafeMutableBufferPointer { rp in
                        cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(m), Int32(n), -1, ap.baseAddress, Int32(Swift.max(m, 1)),
                                    xp.baseAddress, 1, 1, rp.baseAddress, 1)
                    }
                }
                w = a.applyTransposed(residual)
            }
        }
        solution = x
        residualNorm = BLAS.nrm2(residual)
        gradient = w
        iterations = passive.iterations
    }
}
