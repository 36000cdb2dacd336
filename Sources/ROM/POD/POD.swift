import LinearAlgebra

/// Proper orthogonal decomposition of a snapshot matrix S (one snapshot per column): the modes
/// that best approximate the snapshots in the norm of an inner product M, and the singular values
/// that say how well.
///
/// Two methods: the thin SVD of S (Euclidean product only), and the method of snapshots
/// (Sirovich 1987): the correlation matrix C = SᵀMS (BLAS `syrk` when M = I), its eigenpairs by
/// LAPACK `dsyevr`, modes S V Σ⁻¹, then reorthonormalized in M by two rounds of Cholesky QR, so they
/// are M-orthonormal to round-off. The method of snapshots resolves singular values down to about
/// √ε σ₁; below that use the SVD.
public struct POD: Sendable {
    /// How the POD is computed.
    public enum Method: Sendable, Equatable {
        /// Thin SVD of the snapshot matrix (LAPACK gesdd); Euclidean inner product only.
        case svd
        /// Eigen-decomposition of the correlation matrix SᵀMS, modes reorthonormalized.
        case snapshots
        /// `snapshots` when there are at least twice as many rows as snapshots, else `svd`
        /// (always `snapshots` for a weighted inner product).
        case automatic
    }

    /// How many modes are kept.
    public enum Truncation: Sendable, Equatable {
        /// Exactly this many (fewer if the snapshots span less).
        case count(Int)
        /// The fewest modes whose discarded energy Σ_{i>N} σᵢ² / Σ σᵢ² is at most the tolerance.
        case relativeEnergy(Double)
        /// The modes with σᵢ > tolerance · σ₁.
        case relativeSingularValue(Double)
    }

    /// The kept modes, one per column, orthonormal in the inner product.
    public let modes: Matrix
    /// All singular values the method resolved, decreasing (beyond the kept ones too).
    public let singularValues: [Double]
    /// The method used.
    public let method: Method

    /// Computes the POD of `snapshots`.
    /// - Throws: `ROMError.empty`, `.notFinite` (with the index), `.invalidOption` for a bad
    ///   truncation, and LAPACK failures.
    public init(snapshots: Matrix, innerProduct: InnerProduct = .euclidean, truncation: Truncation,
                method: Method = .automatic) throws {
        guard snapshots.rows > 0, snapshots.columns > 0 else { throw ROMError.empty(what: "snapshot matrix") }
        if let index = snapshots.firstNonFiniteIndex { throw ROMError.notFinite(what: "snapshot matrix", index: index) }
        if let m = innerProduct.matrix, m.rows != snapshots.rows {
            throw ROMError.dimensionMismatch(what: "inner-product matrix order vs snapshot length", expected: snapshots.rows, found: m.rows)
        }
        try Self.validate(truncation)
        var chosen = method
        if chosen == .automatic {
            chosen = innerProduct.matrix != nil || !innerProduct.isSerial || snapshots.rows >= 2 * snapshots.columns ? .snapshots : .svd
        }
        if chosen == .svd && (innerProduct.matrix != nil || !innerProduct.isSerial) {
            throw ROMError.invalidOption(name: "POD method", detail: "the SVD method needs the serial Euclidean inner product; use .snapshots")
        }
        self.method = chosen
        if chosen == .svd {
            let svd = try ThinSVD(snapshots)
            singularValues = svd.singularValues
            let kept = Self.keptCount(svd.singularValues, truncation)
            modes = svd.u.columns(0..<kept)
        } else {
            (modes, singularValues) = try Self.methodOfSnapshots(snapshots, innerProduct, truncation)
        }
    }

    /// The number of modes `truncation` keeps out of `singularValues`.
    static func keptCount(_ sigma: [Double], _ truncation: Truncation) -> Int {
        let positive = sigma.prefix { $0 > 0 }.count
        switch truncation {
        case .count(let n): return Swift.min(n, positive)
        case .relativeSingularValue(let tol):
            guard let first = sigma.first, first > 0 else { return 0 }
            return sigma.prefix { $0 > tol * first }.count
        case .relativeEnergy(let tol):
            let total = sigma.reduce(0) { $0 + $1 * $1 }
            guard total > 0 else { return 0 }
            var discarded = total
            for (i, s) in sigma.enumerated() {
                discarded -= s * s
                if discarded <= tol * total { return Swift.min(i + 1, positive) }
            }
            return positive
        }
    }

    static func validate(_ truncation: Truncation) throws {
        switch truncation {
        case .count(let n) where n < 1:
            throw ROMError.invalidOption(name: "POD truncation", detail: "mode count must be at least 1, got \(n)")
        case .relativeEnergy(let t) where !(t >= 0 && t < 1), .relativeSingularValue(let t) where !(t >= 0 && t < 1):
            throw ROMError.invalidOption(name: "POD truncation", detail: "tolerance must lie in [0, 1), got \(t)")
        default: return
        }
    }

    private static func methodOfSnapshots(_ s: Matrix, _ product: InnerProduct, _ truncation: Truncation) throws
        -> (Matrix, [Double]) {
        let correlation = product.gram(s)
        let eigen = try SymmetricEigen(correlation)
        let k = s.columns
        // Descending order; eigenvalues below ε·λ₁ (k of them at most) are round-off.
        let lambda = eigen.values.reversed().map { Swift.max($0, 0) }
        let floor = (lambda.first ?? 0) * Double(k) * Double.ulpOfOne
        let sigma = lambda.map { $0 > floor ? $0.squareRoot() : 0 }
        let kept = keptCount(sigma, truncation)
        guard kept > 0 else { return (Matrix(rows: s.rows, columns: 0), sigma) }
        var v = Matrix(rows: k, columns: kept)
        for j in 0..<kept {
            let column = eigen.vectors.column(k - 1 - j)
            v.setColumn(j, to: column.map { $0 / sigma[j] })
        }
        var modes = s * v
        for _ in 0..<2 { modes = try choleskyQR(modes, product) }
        return (modes, sigma)
    }

    /// Φ L⁻ᵀ with L Lᵀ = ΦᵀMΦ: one round of Cholesky QR in the inner product.
    static func choleskyQR(_ phi: Matrix, _ product: InnerProduct) throws -> Matrix {
        let l = try DenseCholesky(product.gram(phi, phi)).l
        let lInverseTransposed = try DenseLU(l.transposed).solve(Matrix.identity(l.rows))
        return phi * lInverseTransposed
    }
}
