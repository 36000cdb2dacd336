import LinearAlgebra
import Materials

/// The integration points a hyper-reduced model evaluates its constitutive law at, with what the
/// online Newton needs there: the strains of the N displacement modes (B_k, 6 × N: the Voigt
/// strain ε(ψ_n) at point k in column n) and the cubature weight w_k.
///
/// The B_k are stacked in one (6K) × N matrix, point k in rows 6k..<6k+6, so the strains of all
/// points are one `dgemv` (ε = B c) and the internal forces another (Bᵀ (w σ)). A weight of zero
/// marks a point that is only sampled: its law is updated (its internal variables carried over
/// time) for the Gappy-POD reconstruction of dual quantities, but it does not enter the residual.
/// The driver computes B_k with the finite elements; ROM never sees the mesh.
public struct ReducedIntegrationPoints: Sendable, Equatable {
    /// (6K) × N: rows 6k..<6k+6 hold B_k.
    public let strainModes: Matrix
    /// w_k (K, ≥ 0).
    public let weights: [Double]
    /// The index of each point among the mesh's integration points (K, distinct), for the
    /// Gappy-POD (its sampled rows) and the model file.
    public let pointIndices: [Int]
    /// Their positions x_k (3 per point), when known: an online stage evaluates a new load field
    /// there (a temperature T(x_k, t) at another level).
    public let positions: [Double]?

    /// K.
    public var count: Int { weights.count }
    /// N.
    public var modeCount: Int { strainModes.columns }

    /// Checks the shapes (6K rows, K weights and indices, 3K positions), finiteness, w_k ≥ 0 with
    /// at least one positive, and distinct non-negative indices.
    public init(strainModes: Matrix, weights: [Double], pointIndices: [Int], positions: [Double]? = nil) throws {
        let k = weights.count
        guard k > 0, strainModes.columns > 0 else { throw ROMError.empty(what: "reduced integration points (points or modes)") }
        guard strainModes.rows == Voigt.count * k else {
            throw ROMError.dimensionMismatch(what: "rows of the stacked strain modes (6 per point)", expected: Voigt.count * k, found: strainModes.rows)
        }
        guard pointIndices.count == k else { throw ROMError.dimensionMismatch(what: "reduced point indices", expected: k, found: pointIndices.count) }
        if let bad = strainModes.firstNonFiniteIndex { throw ROMError.notFinite(what: "strain modes B_k", index: bad) }
        if let bad = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw ROMError.invalidOption(name: "reduced point weights", detail: "weight \(bad) is \(weights[bad]); expected finite and ≥ 0")
        }
        guard weights.contains(where: { $0 > 0 }) else {
            throw ROMError.invalidOption(name: "reduced point weights", detail: "all are zero: nothing is integrated")
        }
        if let bad = pointIndices.firstIndex(where: { $0 < 0 }) {
            throw ROMError.invalidOption(name: "reduced point indices", detail: "index \(bad) is \(pointIndices[bad]), expected ≥ 0")
        }
        guard Set(pointIndices).count == k else { throw ROMError.invalidOption(name: "reduced point indices", detail: "a point is listed twice") }
        if let positions {
            guard positions.count == 3 * k else { throw ROMError.dimensionMismatch(what: "reduced point positions (3 per point)", expected: 3 * k, found: positions.count) }
            if let bad = positions.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "reduced point positions", index: bad) }
        }
        self.strainModes = strainModes
        self.positions = positions
        self.weights = weights
        self.pointIndices = pointIndices
    }

    /// The points `points` of a full set (the mesh's M points: `strainModes` (6M) × N), with
    /// `weights` for them (and their `positions`, 3 per selected point, when given): what a
    /// driver hands over after the ECM.
    public init(selecting points: [Int], weights: [Double], fromStrainModes full: Matrix, positions: [Double]? = nil) throws {
        guard full.rows % Voigt.count == 0 else {
            throw ROMError.dimensionMismatch(what: "rows of the full strain modes (6 per point)", expected: full.rows - full.rows % Voigt.count, found: full.rows)
        }
        let m = full.rows / Voigt.count
        if let bad = points.firstIndex(where: { $0 < 0 || $0 >= m }) {
            throw ROMError.invalidOption(name: "reduced point indices", detail: "index \(bad) is \(points[bad]), outside 0..<\(m)")
        }
        let rows = points.flatMap { p in (0..<Voigt.count).map { Voigt.count * p + $0 } }
        try self.init(strainModes: full.rows(rows), weights: weights, pointIndices: points, positions: positions)
    }
}
