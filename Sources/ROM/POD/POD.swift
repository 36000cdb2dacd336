import LinearAlgebra

/// Proper orthogonal decomposition of a snapshot matrix S (one snapshot per column): the modes
/// that best approximate the snapshots in the norm of an inner product M, and the singular values
/// that say how well.
///
/// Two methods: the thin SVD of S (Euclidean product only), and the method of snapshots
/// (Sirovich 1987): the correlation matrix C = SᵀMS (BLAS `syrk` when M = I), its eigenpairs by
/// LAPACK `dsyevr`, modes S V Σ⁻¹, then reorthonormalized in M by two rounds of Cholesky QR, so they
/// are M-orthonormal to round-off. The method of snapshots resolves singular values down to about
/// √(kε) σ₁ (k snapshots); a truncation that needs more is an error for it, and `.automatic`
/// takes the SVD then (Euclidean product). Snapshots of any magnitude (1e-300 or 1e300) are
/// scaled by a power of two before the products, exactly, and the singular values scaled back.
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
        if chosen != .svd && !Self.snapshotsResolve(truncation, count: snapshots.columns) {
            guard method == .automatic, innerProduct.matrix == nil, innerProduct.isSerial else {
                throw ROMError.invalidOption(
                    name: "POD truncation",
                    detail: "\(truncation) asks for singular values below what the method of snapshots resolves "
                        + "(about √(kε) σ₁ = \(Self.snapshotsResolution(count: snapshots.columns)) σ₁ for k = \(snapshots.columns)); "
                        + "use the SVD method or a larger tolerance")
            }
            chosen = .svd
        }
        self.method = chosen
        let (scaled, scale) = Self.scaledToSafeRange(snapshots)
        if chosen == .svd {
            let svd = try ThinSVD(scaled)
            singularValues = svd.singularValues.map { $0 * scale }
            let kept = Self.keptCount(svd.singularValues, truncation)
            modes = svd.u.columns(0..<kept)
        } else {
            let (modes, sigma) = try Self.methodOfSnapshots(scaled, innerProduct, truncation)
            (self.modes, singularValues) = (modes, sigma.map { $0 * scale })
        }
    }

    /// The smallest σᵢ / σ₁ the method of snapshots resolves with k snapshots: √(kε).
    static func snapshotsResolution(count k: Int) -> Double { (Double(k) * Double.ulpOfOne).squareRoot() }

    /// Whether the method of snapshots resolves what `truncation` asks: a relative singular value
    /// tolerance above its resolution, an energy tolerance above its square.
    static func snapshotsResolve(_ truncation: Truncation, count k: Int) -> Bool {
        let resolution = snapshotsResolution(count: k)
        switch truncation {
        case .count: return true
        case .relativeSingularValue(let t): return t >= resolution
        case .relativeEnergy(let t): return t >= resolution * resolution
        }
    }

    /// S itself when its entries are of moderate size, else S · 2⁻ᵉ with 2ᵉ about its largest
    /// magnitude (exact: a power of two), so SᵀMS neither overflows nor underflows; and 2ᵉ.
    static func scaledToSafeRange(_ s: Matrix) -> (Matrix, Double) {
        let largest = s.storage.withUnsafeBufferPointer { BLAS.maxAbs($0) }
        guard largest > 0x1p-200 && largest < 0x1p200 else {
            guard largest > 0 else { return (s, 1) }
            let scale = Double(sign: .plus, exponent: largest.exponent, significand: 1)
            return (Double(sign: .plus, exponent: -largest.exponent, significand: 1) * s, scale)
        }
        return (s, 1)
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
