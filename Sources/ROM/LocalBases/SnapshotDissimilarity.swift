import LinearAlgebra

/// How much two snapshots differ, computed from inner products alone: the whole m×m matrix comes
/// from the Gram matrix G = SᵀMS of the snapshots (one BLAS `syrk` for the Euclidean product, one
/// `gemm` after M S otherwise), never pair by pair over the truth vectors.
public enum SnapshotDissimilarity: String, Sendable, Codable, CaseIterable {
    /// The sine dissimilarity d(u, v) = √(1 − ⟨u,v⟩²_M / (‖u‖²_M ‖v‖²_M)), the sine of the angle
    /// between the lines ℝu and ℝv (Daniel, Casenave, Akkari, Ryckelynck 2022): invariant to the
    /// scaling and the sign of either snapshot, which is what a linear basis cannot tell apart.
    case sine
    /// The distance ‖u − v‖_M = √(‖u‖² + ‖v‖² − 2⟨u,v⟩) (k-medoids in the Euclidean sense).
    case euclidean

    /// d(u, v) from ⟨u,u⟩, ⟨v,v⟩ and ⟨u,v⟩ (rounding below zero clipped).
    public func callAsFunction(uu: Double, vv: Double, uv: Double) -> Double {
        switch self {
        case .sine:
            let cosineSquared = Swift.min(uv * uv / (uu * vv), 1)
            return (1 - cosineSquared).squareRoot()
        case .euclidean:
            return Swift.max(uu + vv - 2 * uv, 0).squareRoot()
        }
    }

    /// D_ij = d(s_i, s_j) from the Gram matrix G_ij = ⟨s_i, s_j⟩ (symmetric, zero diagonal).
    /// - Throws: `ROMError.dimensionMismatch` for a matrix that is not square, `.notFinite` for a
    ///   NaN entry, `.invalidOption` under `.sine` for a snapshot of zero norm (its line is undefined).
    public func matrix(gram g: Matrix) throws -> Matrix {
        guard g.rows == g.columns else { throw ROMError.dimensionMismatch(what: "Gram matrix columns", expected: g.rows, found: g.columns) }
        if let bad = g.firstNonFiniteIndex { throw ROMError.notFinite(what: "Gram matrix", index: bad) }
        let m = g.rows
        if self == .sine, let zero = (0..<m).first(where: { !(g[$0, $0] > 0) }) {
            throw ROMError.invalidOption(name: "sine dissimilarity", detail: "snapshot \(zero) has norm zero: it spans no line")
        }
        var d = Matrix(rows: m, columns: m)
        g.storage.withUnsafeBufferPointer { gs in
            d.storage.withUnsafeMutableBufferPointer { ds in
                for j in 0..<m {
                    let vv = gs[j * m + j]
                    for i in 0..<j {
                        let value = self(uu: gs[i * m + i], vv: vv, uv: gs[j * m + i])
                        ds[j * m + i] = value
                        ds[i * m + j] = value
                    }
                }
            }
        }
        return d
    }

    /// D for the columns of `snapshots` in `innerProduct`.
    public func matrix(snapshots: Matrix, innerProduct: InnerProduct = .euclidean) throws -> Matrix {
        try matrix(gram: innerProduct.gram(snapshots))
    }
}
