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
///
/// A third method, randomized, reads the snapshots a few times instead of forming SᵀMS and
/// certifies the truncation by an a posteriori estimate (Buhr–Smetana 2018). In the Euclidean
/// product on a tall matrix it first sketches the row space (`rowSketchPOD`: one pass of a
/// sparse sign embedding, one `dgemm` with the sketch's directions and the test vectors, the
/// method of snapshots on that small block); where that does not certify the truncation, the
/// adaptive range finder (`RandomizedRangeFinder`: Halko–Martinsson–Tropp 2011). `.automatic`
/// tries it on large tall matrices and takes the exact method where no estimate certifies the
/// tolerance.
public struct POD: Sendable {
    /// How the POD is computed.
    public enum Method: Sendable, Equatable {
        /// Thin SVD of the snapshot matrix (LAPACK gesdd); Euclidean inner product only.
        case svd
        /// Eigen-decomposition of the correlation matrix SᵀMS, modes reorthonormalized.
        case snapshots
        /// In the Euclidean product on a tall matrix (k ≥ 2s, n ≥ 2k, s the row sketch's size),
        /// first the row-space sketch (`rowSketchPOD`), whose estimate bounds ‖S(I − PPᵀ)‖;
        /// where it does not certify the truncation, a randomized range finder grown until its
        /// a posteriori estimate of ‖(I − QQᵀM)S‖ certifies the truncation (with probability 1 − p, p =
        /// `RandomizedOptions.failureProbability`; deterministic for the energy truncation),
        /// then the SVD of QᵀMS; serial inner products. An error when the estimate cannot
        /// certify the truncation with min(n, k) vectors.
        case randomized
        /// `randomized` for a serial product on a tall matrix of at least
        /// `RandomizedOptions.automaticMinimumEntries` entries where its estimate certifies the
        /// truncation within `automaticRankFraction` · k vectors; otherwise `snapshots` when there
        /// are at least twice as many rows as snapshots, else `svd` (always `snapshots` for a
        /// weighted or distributed inner product).
        case automatic

        /// "svd", "snapshots", "randomized" or "automatic".
        public var name: String {
            switch self {
            case .svd: return "svd"
            case .snapshots: return "snapshots"
            case .randomized: return "randomized"
            case .automatic: return "automatic"
            }
        }
    }

    /// The seconds of one stage of the computation (e.g. "gram", "eigen", "sketch").
    public struct StageTime: Sendable, Equatable {
        /// The stage.
        public let name: String
        /// Its wall-clock seconds.
        public let seconds: Double
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
    /// The method used (never `.automatic`).
    public let method: Method
    /// For the randomized method, the a posteriori estimate of ‖(I − QQᵀM)S‖ (operator norm
    /// from Euclidean ℝᵏ to (ℝⁿ, M)) for its range basis Q: every singular value is within it of
    /// the exact one, and the kept modes' projection error is at most it plus σ_{N+1}. Nil for
    /// the exact methods.
    public let errorEstimate: Double?
    /// Where the time went, stage by stage (the check of the snapshots first).
    public let stages: [StageTime]

    /// Computes the POD of `snapshots`.
    /// - Parameter randomized: the options of the randomized method (used by `.randomized` and
    ///   `.automatic`).
    /// - Throws: `ROMError.empty`, `.notFinite` (with the index), `.invalidOption` for a bad
    ///   truncation or option, a randomized method that cannot certify the truncation, and
    ///   LAPACK failures.
    public init(snapshots: Matrix, innerProduct: InnerProduct = .euclidean, truncation: Truncation,
                method: Method = .automatic, randomized options: RandomizedOptions = RandomizedOptions()) throws {
        var stages: [StageTime] = []
        guard snapshots.rows > 0, snapshots.columns > 0 else { throw ROMError.empty(what: "snapshot matrix") }
        if let m = innerProduct.matrix, m.rows != snapshots.rows {
            throw ROMError.dimensionMismatch(what: "inner-product matrix order vs snapshot length", expected: snapshots.rows, found: m.rows)
        }
        try Self.validate(truncation)
        try options.validate()
        if method == .randomized && !innerProduct.isSerial {
            throw ROMError.invalidOption(name: "POD method", detail: "the randomized method needs a serial inner product; use .snapshots")
        }
        let randomizedRank: Int? = method == .randomized ? snapshots.columns
            : method == .automatic ? Self.automaticRandomizedRank(snapshots, innerProduct, truncation, options) : nil
        // The Euclidean randomized method first sketches the row space: its pass is the check too.
        if let rank = randomizedRank, innerProduct.matrix == nil,
           let result = try Self.rowSketchPOD(snapshots, truncation, options, maximumRank: rank, stages: &stages) {
            self.method = .randomized
            (modes, singularValues, errorEstimate) = (result.modes, result.sigma, result.estimate)
            self.stages = stages
            return
        }
        let clock = Stopwatch()
        // One pass (BLAS dasum) for the finite check and the scale, a second only when the sum is
        // not finite or not moderate.
        let sum = snapshots.storage.withUnsafeBufferPointer { BLAS.absoluteSum($0) }
        if !sum.isFinite, let index = snapshots.firstNonFiniteIndex { throw ROMError.notFinite(what: "snapshot matrix", index: index) }
        let moderate = sum > Double(snapshots.storage.count) * 0x1p-200 && sum < 0x1p200
        let largest = moderate ? 1 : snapshots.storage.withUnsafeBufferPointer { BLAS.maxAbs($0) }
        let (scaled, scale) = Self.scaledToSafeRange(snapshots, largest: largest)
        stages.append(StageTime(name: "check", seconds: clock.seconds))
        if let rank = randomizedRank {
            if let result = try Self.randomizedPOD(scaled, innerProduct, truncation, options, maximumRank: rank, stages: &stages) {
                self.method = .randomized
                modes = result.modes
                singularValues = result.sigma.map { $0 * scale }
                errorEstimate = result.estimate * scale
                self.stages = stages
                return
            }
            guard method == .automatic else {
                throw ROMError.invalidOption(
                    name: "POD method",
                    detail: "the randomized range finder's estimate does not certify \(truncation) with \(Swift.min(snapshots.rows, snapshots.columns)) "
                        + "vectors (its round-off floor is about \(Self.randomizedErrorFloor) σ₁); use .snapshots or .svd")
            }
            // Not certified within the cap: the exact method below (the time spent stays in `stages`).
        }
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
        errorEstimate = nil
        if chosen == .svd {
            let svdClock = Stopwatch()
            let svd = try ThinSVD(scaled)
            singularValues = svd.singularValues.map { $0 * scale }
            let kept = Self.keptCount(svd.singularValues, truncation)
            modes = svd.u.columns(0..<kept)
            stages.append(StageTime(name: "svd", seconds: svdClock.seconds))
        } else {
            let (modes, sigma) = try Self.methodOfSnapshots(scaled, innerProduct, truncation, stages: &stages)
            (self.modes, singularValues) = (modes, sigma.map { $0 * scale })
        }
        self.stages = stages
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
    /// magnitude `largest` (exact: a power of two), so SᵀMS neither overflows nor underflows; and 2ᵉ.
    static func scaledToSafeRange(_ s: Matrix, largest: Double) -> (Matrix, Double) {
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

    private static func methodOfSnapshots(_ s: Matrix, _ product: InnerProduct, _ truncation: Truncation,
                                          stages: inout [StageTime]) throws -> (Matrix, [Double]) {
        let spectrum = try snapshotsSpectrum(s, product, stages: &stages)
        let modes = try snapshotsModes(s, product, spectrum, kept: keptCount(spectrum.sigma, truncation), stages: &stages)
        return (modes, spectrum.sigma)
    }

    /// The first half of the method of snapshots: C = SᵀMS, its eigenpairs, and the singular
    /// values σᵢ = √λᵢ, decreasing, those below √(kε) σ₁ (round-off) set to zero.
    static func snapshotsSpectrum(_ s: Matrix, _ product: InnerProduct,
                                  stages: inout [StageTime]) throws -> (eigen: SymmetricEigen, sigma: [Double]) {
        var clock = Stopwatch()
        let correlation = product.gram(s)
        stages.append(StageTime(name: "gram", seconds: clock.seconds))
        clock = Stopwatch()
        let eigen = try SymmetricEigen(correlation)
        stages.append(StageTime(name: "eigen", seconds: clock.seconds))
        // Descending order; eigenvalues below ε·λ₁ (k of them at most) are round-off.
        let lambda = eigen.values.reversed().map { Swift.max($0, 0) }
        let floor = (lambda.first ?? 0) * Double(s.columns) * Double.ulpOfOne
        return (eigen, lambda.map { $0 > floor ? $0.squareRoot() : 0 })
    }

    /// `snapshotsModes` for snapshots the caller no longer needs: the modes S vⱼ / σⱼ overwrite
    /// S block of rows by block of rows (each block's product goes through a small buffer),
    /// so no second n-row matrix is allocated — on this machine a fresh array costs about as
    /// much as the product (page faults).
    static func snapshotsModes(overwriting s: inout Matrix, _ product: InnerProduct,
                               _ spectrum: (eigen: SymmetricEigen, sigma: [Double]), kept: Int,
                               stages: inout [StageTime]) throws -> Matrix {
        guard kept > 0 else { return Matrix(rows: s.rows, columns: 0) }
        let clock = Stopwatch()
        let (n, k) = (s.rows, s.columns)
        let v = leadingScaledEigenvectors(spectrum, count: kept, of: k)
        let blockRows = 2048
        var buffer = [Double](repeating: 0, count: blockRows * kept)
        s.storage.withUnsafeMutableBufferPointer { target in
            v.storage.withUnsafeBufferPointer { vp in
                buffer.withUnsafeMutableBufferPointer { block in
                    for first in stride(from: 0, to: n, by: blockRows) {
                        let rows = Swift.min(blockRows, n - first)
                        BLAS.gemm(m: rows, n: kept, k: k, a: target.baseAddress! + first, lda: n, b: vp.baseAddress!,
                                  c: block.baseAddress!, ldc: rows)
                        // Columns j < kept ≤ k of these rows: the block's own entries of S, already read.
                        for j in 0..<kept {
                            (target.baseAddress! + first + j * n).update(from: block.baseAddress! + j * rows, count: rows)
                        }
                    }
                }
            }
        }
        s.storage.removeLast((k - kept) * n)
        var modes = Matrix(rows: n, columns: kept, storage: s.storage)
        s = Matrix(rows: n, columns: 0)
        try orthonormalize(&modes, product, modesSince: clock, stages: &stages)
        return modes
    }

    /// Records the "modes" stage (timed from `clock`), then M-orthonormalizes the modes by two
    /// rounds of Cholesky QR: the end both forms of `snapshotsModes` share.
    private static func orthonormalize(_ modes: inout Matrix, _ product: InnerProduct, modesSince clock: Stopwatch,
                                       stages: inout [StageTime]) throws {
        stages.append(StageTime(name: "modes", seconds: clock.seconds))
        let orthonormalization = Stopwatch()
        for _ in 0..<2 { try choleskyQR(&modes, product) }
        stages.append(StageTime(name: "orthonormalization", seconds: orthonormalization.seconds))
    }

    /// V_N Σ_N⁻¹ (k × N): the leading eigenvectors of the correlation matrix over their σ.
    private static func leadingScaledEigenvectors(_ spectrum: (eigen: SymmetricEigen, sigma: [Double]), count kept: Int,
                                                  of k: Int) -> Matrix {
        var v = Matrix(rows: k, columns: kept)
        for j in 0..<kept {
            let column = spectrum.eigen.vectors.column(k - 1 - j)
            v.setColumn(j, to: column.map { $0 / spectrum.sigma[j] })
        }
        return v
    }

    /// The second half of the method of snapshots: the `kept` leading modes S vⱼ / σⱼ,
    /// M-orthonormalized by two rounds of Cholesky QR.
    static func snapshotsModes(_ s: Matrix, _ product: InnerProduct, _ spectrum: (eigen: SymmetricEigen, sigma: [Double]),
                               kept: Int, stages: inout [StageTime]) throws -> Matrix {
        guard kept > 0 else { return Matrix(rows: s.rows, columns: 0) }
        let clock = Stopwatch()
        var modes = s * leadingScaledEigenvectors(spectrum, count: kept, of: s.columns)
        try orthonormalize(&modes, product, modesSince: clock, stages: &stages)
        return modes
    }

    /// Φ L⁻ᵀ with L Lᵀ = ΦᵀMΦ: one round of Cholesky QR in the inner product.
    static func choleskyQR(_ phi: Matrix, _ product: InnerProduct) throws -> Matrix {
        var result = phi
        try choleskyQR(&result, product)
        return result
    }

    /// Φ ← Φ L⁻ᵀ with L Lᵀ = ΦᵀMΦ, in place: the Gram matrix (`dsyrk` for the Euclidean product),
    /// its Cholesky factor, then `dtrsm`.
    static func choleskyQR(_ phi: inout Matrix, _ product: InnerProduct) throws {
        let upper = try DenseCholesky(product.gram(phi)).l.transposed
        let (rows, columns) = (phi.rows, phi.columns)
        upper.storage.withUnsafeBufferPointer { u in
            phi.storage.withUnsafeMutableBufferPointer { b in
                BLAS.trsm(left: false, lower: false, unitDiagonal: false, m: rows, n: columns, a: u.baseAddress!, lda: columns,
                          b: b.baseAddress!, ldb: rows)
            }
        }
    }
}
