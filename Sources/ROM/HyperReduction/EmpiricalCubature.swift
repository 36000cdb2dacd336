import CBLAS
import Foundation
import LinearAlgebra

/// The Empirical Cubature Method (Hernández, Caicedo, Ferrer 2017, CMAME 313, "Dimensional
/// hyper-reduction of nonlinear finite element models via empirical cubature"): a few of the M
/// integration points of a mesh, with non-negative weights, that integrate a family of integrands
/// as the full quadrature does.
///
/// Input: the integrand matrix G (M × P: row g = integration point, column i = integrand, e.g.
/// σ(u_s) : ε(ψ_n) at every point) and the exact weights w (M, positive). Steps, as in the paper:
/// 1. An orthonormal basis of the integrands: the POD (``POD``, truncated at `svdTolerance`) of the
///    weighted integrands Ĝ = diag(√w) G, U (M × r); the weighted constant √w is appended
///    (orthogonalized) when it is not in the span, so the volume is integrated too. The exact
///    integrals of the basis functions u_j = U_{·j}/√w are b = Uᵀ √w.
/// 2. The greedy (the paper's Algorithm 1, a non-negative orthogonal matching pursuit): with
///    residual r = b − Σ_{g∈S} α_g U_g (U_g the row of point g), pick the candidate whose
///    normalized row U_g/‖U_g‖ is best aligned with r (largest positive U_g · r / ‖U_g‖); solve
///    the non-negative least squares on the selected points for α (the Lawson–Hanson inner loop,
///    ``PassiveSet``: points whose coefficient reaches zero leave S and become candidates again);
///    stop when the integrals of the original integrands meet
///    ‖G_Sᵀ ω_S − Gᵀ w‖ ≤ τ ‖Gᵀ w‖, with the weights ω_g = α_g √w_g.
///
/// Reconstruction notes (the paper is not at hand): the stopping test is on the original
/// integrands G, not on the basis; the Lawson–Hanson inner loop replaces the paper's "remove the
/// points with negative weights and solve again".
public struct EmpiricalCubature: Sendable {
    /// Stopping rules and the basis truncation.
    public struct Options: Sendable {
        /// τ: the relative integration error of the training integrands to reach.
        public var tolerance: Double
        /// The POD keeps the singular values above this fraction of the largest; nil: τ / 10.
        public var svdTolerance: Double?
        /// At most this many points; nil: no limit beyond the candidates.
        public var maximumPoints: Int?

        public init(tolerance: Double = 1e-4, svdTolerance: Double? = nil, maximumPoints: Int? = nil) {
            self.tolerance = tolerance
            self.svdTolerance = svdTolerance
            self.maximumPoints = maximumPoints
        }
    }

    /// The selected integration points (rows of G), increasing.
    public let points: [Int]
    /// Their weights ω (positive), in the order of `points`.
    public let weights: [Double]
    /// ‖G_Sᵀ ω − Gᵀ w‖ / ‖Gᵀ w‖ at the end.
    public let error: Double
    /// The relative error after each greedy iteration.
    public let errorHistory: [Double]
    /// r: the basis size (POD modes, plus the constant when it was appended).
    public let basisSize: Int
    /// Whether the weighted constant was appended to the basis.
    public let appendedConstant: Bool
    /// The singular values of Ĝ the POD resolved.
    public let singularValues: [Double]
    /// Seconds spent in the POD and in the greedy.
    public let podSeconds: Double, greedySeconds: Double

    /// Selects points and weights for `integrands` (M × P) with exact weights `weights` (M).
    /// - Throws: `ROMError.dimensionMismatch` / `.empty` / `.notFinite` / `.invalidOption` for bad
    ///   input (a weight not positive, τ outside (0, 1)), and
    ///   ``HyperReductionError/notConverged(method:iterations:detail:)`` when the greedy stops above
    ///   τ (no candidate improves, or `maximumPoints` reached).
    public init(integrands g: Matrix, weights w: [Double], options: Options = Options()) throws {
        let m = g.rows, p = g.columns
        guard m > 0, p > 0 else { throw ROMError.empty(what: "ECM integrand matrix (points × integrands)") }
        guard w.count == m else { throw ROMError.dimensionMismatch(what: "ECM weights (one per integration point)", expected: m, found: w.count) }
        if let k = g.firstNonFiniteIndex {
            throw ROMError.notFinite(what: "ECM integrand matrix (point \(k % m), integrand \(k / m))", index: k)
        }
        if let k = w.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw ROMError.invalidOption(name: "ECM weights", detail: "weight \(k) is \(w[k]); exact weights must be positive and finite")
        }
        let tau = options.tolerance
        guard tau > 0, tau < 1 else { throw ROMError.invalidOption(name: "ECM tolerance", detail: "must lie in (0, 1), got \(tau)") }
        let svdTolerance = options.svdTolerance ?? tau / 10
        guard svdTolerance > 0, svdTolerance < 1 else {
            throw ROMError.invalidOption(name: "ECM SVD tolerance", detail: "must lie in (0, 1), got \(svdTolerance)")
        }
        if let k = options.maximumPoints, k < 1 { throw ROMError.invalidOption(name: "ECM point limit", detail: "must be at least 1, got \(k)") }

        // Step 1: the basis of the weighted integrands, with the constant.
        let start = Date()
        let sqrtW = w.map { $0.squareRoot() }
        var weighted = g
        weighted.storage.withUnsafeMutableBufferPointer { gp in
            for j in 0..<p { for i in 0..<m { gp[i + j * m] *= sqrtW[i] } }
        }
        let pod = try POD(snapshots: weighted, truncation: .relativeSingularValue(svdTolerance))
        weighted = Matrix(rows: 0, columns: 0)
        var basis = pod.modes
        var constant = sqrtW
        for _ in 0..<2 { BLAS.axpy(-1, basis.applied(.none, to: basis.applyTransposed(constant)), &constant) }
        let remainder = BLAS.nrm2(constant)
        let appended = remainder > Self.constantTolerance * BLAS.nrm2(sqrtW)
        if appended {
            BLAS.scal(1 / remainder, &constant)
            basis.appendColumn(constant)
        }
        let podSeconds = Date().timeIntervalSince(start)
        let r = basis.columns
        let b = basis.applyTransposed(sqrtW)

        // Step 2: the greedy.
        let greedyStart = Date()
        let exact = g.applyTransposed(w)
        let exactNorm = BLAS.nrm2(exact)
        guard exactNorm > 0 else { throw ROMError.invalidOption(name: "ECM integrands", detail: "every exact integral Gᵀw is zero: nothing to integrate") }
        var rowNorms = [Double](repeating: 0, count: m)
        for j in 0..<r { basis.storage.withUnsafeBufferPointer { u in for i in 0..<m { rowNorms[i] += u[i + j * m] * u[i + j * m] } } }
        for i in 0..<m { rowNorms[i] = rowNorms[i].squareRoot() }
        let largestRow = rowNorms.max() ?? 0
        var candidate = rowNorms.map { $0 > Self.emptyRowTolerance * largestRow }
        var residual = b
        var alignment = [Double](repeating: 0, count: m)
        var integrals = [Double](repeating: 0, count: p)
        var passive = PassiveSet(rows: r, capacity: r, target: b)
        var history: [Double] = []
        var error = 1.0
        let pointLimit = Swift.min(options.maximumPoints ?? m, m)
        let iterationLimit = 10 * Swift.max(r, 1) + 100
        var stopReason = ""
        // The rows of U and G of the passive points, gathered once when a point enters (a row of a
        // column-major matrix is strided: reading it each iteration would miss the cache P times).
        var slotOf = [Int](repeating: -1, count: m)
        var freeSlots = Array((0..<r).reversed())
        var rowsU = [Double](repeating: 0, count: r * r), rowsG = [Double](repeating: 0, count: p * r)
        try basis.storage.withUnsafeBufferPointer { u in
            try g.storage.withUnsafeBufferPointer { gp in
                while error > tau {
                    // c = U r; the candidate of largest positive normalized alignment.
                    residual.withUnsafeBufferPointer { rp in
                        alignment.withUnsafeMutableBufferPointer { cp in
                            cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(m), Int32(r), 1, u.baseAddress, Int32(m), rp.baseAddress, 1, 0, cp.baseAddress, 1)
                        }
                    }
                    var best = -1, largest = 0.0
                    for i in 0..<m where candidate[i] {
                        let score = alignment[i] / rowNorms[i]
                        if score > largest { largest = score; best = i }
                    }
                    guard best >= 0 else { stopReason = "no candidate point is positively aligned with the residual"; break }
                    candidate[best] = false
                    switch try passive.insert(id: best, column: u.baseAddress! + best, stride: m, iterationLimit: iterationLimit,
                                              method: "ECM (non-negative least squares on the selected points)") {
                    case .dependent:
                        continue
                    case .entered(let dropped):
                        for d in dropped {
                            if d != best { candidate[d] = true }
                            if slotOf[d] >= 0 { freeSlots.append(slotOf[d]); slotOf[d] = -1 }
                        }
                        if !dropped.contains(best), let slot = freeSlots.popLast() {
                            slotOf[best] = slot
                            rowsU.withUnsafeMutableBufferPointer { cblas_dcopy(Int32(r), u.baseAddress! + best, Int32(m), $0.baseAddress! + slot * r, 1) }
                            rowsG.withUnsafeMutableBufferPointer { cblas_dcopy(Int32(p), gp.baseAddress! + best, Int32(m), $0.baseAddress! + slot * p, 1) }
                        }
                    }
                    // r = b − Σ α_g U_g and the integrals Σ ω_g G_g of the original integrands.
                    residual = b
                    for i in 0..<p { integrals[i] = 0 }
                    residual.withUnsafeMutableBufferPointer { rp in
                        integrals.withUnsafeMutableBufferPointer { ip in
                            rowsU.withUnsafeBufferPointer { ru in
                                rowsG.withUnsafeBufferPointer { rg in
                                    for (k, id) in passive.ids.enumerated() {
                                        let alpha = passive.values[k], slot = slotOf[id]
                                        cblas_daxpy(Int32(r), -alpha, ru.baseAddress! + slot * r, 1, rp.baseAddress, 1)
                                        cblas_daxpy(Int32(p), alpha * sqrtW[id], rg.baseAddress! + slot * p, 1, ip.baseAddress, 1)
                                    }
                                }
                            }
                        }
                    }
                    var difference = integrals
                    BLAS.axpy(-1, exact, &difference)
                    error = BLAS.nrm2(difference) / exactNorm
                    history.append(error)
                    if passive.count >= pointLimit && error > tau { stopReason = "the limit of \(pointLimit) points is reached"; break }
                }
            }
        }
        if error > tau {
            throw HyperReductionError.notConverged(
                method: "ECM", iterations: history.count,
                detail: "\(stopReason); relative integration error \(error) > τ = \(tau) with \(passive.count) points "
                    + "(basis of \(r) functions; a smaller SVD tolerance than \(svdTolerance) enlarges it)")
        }
        let order = passive.ids.indices.sorted { passive.ids[$0] < passive.ids[$1] }
        points = order.map { passive.ids[$0] }
        weights = order.map { passive.values[$0] * sqrtW[passive.ids[$0]] }
        self.error = error
        errorHistory = history
        basisSize = r
        appendedConstant = appended
        singularValues = pod.singularValues
        self.podSeconds = podSeconds
        greedySeconds = Date().timeIntervalSince(greedyStart)
    }

    /// The weighted constant joins the basis when its part outside the POD span exceeds this
    /// fraction of its norm.
    static let constantTolerance = 1e-10
    /// Points whose basis row is below this fraction of the largest row are never candidates
    /// (every integrand vanishes there).
    static let emptyRowTolerance = 1e-14
}
