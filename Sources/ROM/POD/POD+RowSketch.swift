import LinearAlgebra

extension POD {
    /// The sketched-row-space POD of a tall matrix S (n × k) in the Euclidean product: two reads
    /// of S instead of a Gram matrix or a growing range finder.
    ///
    /// 1. Z = Ψ S with a sparse sign embedding Ψ (s × n, s = min(128, 2 · initialRank), four
    ///    nonzeros per column): one pass at memory speed that also sums ‖S‖²_F (the finite check).
    /// 2. The SVD of Zᵀ (k × s). Its leading left singular vectors approximate the leading right
    ///    singular vectors of S: P (k × ℓ) takes the ℓ of them the truncation needs with the
    ///    sketch's singular values, plus 10.
    /// 3. One `dgemm`, [Y T] = S [P Ω̃], with Ω̃ = (I − PPᵀ) Ω_t and Ω_t a k × t Gaussian
    ///    matrix drawn apart from Ψ. T = E Ω_t for E = S (I − PPᵀ), and Y = S P, so
    ///    S − Y Pᵀ = E. With x such that erf(x/√2)ᵗ = p, ‖E‖ ≤ max ‖Tᵢ‖ / x with probability
    ///    1 − p (`RandomizedRangeFinder`, step 4, for one check: P does not depend on Ω_t).
    /// 4. The method of snapshots on Y (its Gram matrix is ℓ × ℓ): Y = U Σ Wᵀ, so
    ///    Y Pᵀ = U Σ (P W)ᵀ. Weyl bounds |σᵢ(S) − σᵢ(Y)| by ‖E‖, and the kept modes' projection
    ///    error by σ_{N+1}(Y) + ‖E‖: the guarantees of the range finder. For the energy,
    ///    ‖S‖²_F − ‖Y‖²_F = ‖E‖²_F exactly (P has orthonormal columns): no probability.
    ///
    /// Nil, so the caller takes the range finder, when S is small or wide, its entries are not
    /// finite or not of moderate size (the caller then names or scales them), the truncation
    /// needs more than s or `maximumRank` directions or values below what the Gram matrix of ℓ
    /// columns resolves (√(ℓε) σ₁), or the estimate does not certify it.
    static func rowSketchPOD(_ s: Matrix, _ truncation: Truncation, _ options: RandomizedOptions, maximumRank: Int,
                             stages: inout [StageTime]) throws -> (modes: Matrix, sigma: [Double], estimate: Double)? {
        let n = s.rows, k = s.columns
        let sketchRows = Swift.min(SparseSignEmbedding.maximumRows, 2 * options.initialRank)
        guard sketchRows >= 2 * SparseSignEmbedding.nonzerosPerColumn, k >= 2 * sketchRows, n >= 2 * k else { return nil }
        var clock = Stopwatch()
        let (z, total) = SparseSignEmbedding(rows: sketchRows, columns: n, seed: options.seed).sketch(s)
        stages.append(StageTime(name: "row_sketch", seconds: clock.seconds))
        // Squares between 2⁻⁴⁰⁰ and 2⁴⁰⁰: no product below over- or underflows.
        guard total.isFinite, total > 0x1p-400, total < 0x1p400 else { return nil }
        clock = Stopwatch()
        func fallback() -> (modes: Matrix, sigma: [Double], estimate: Double)? {
            stages.append(StageTime(name: "row_sketch_fallback", seconds: clock.seconds))
            return nil
        }
        let directions = try ThinSVD(z.transposed)
        guard let width = Self.sketchedWidth(directions.singularValues, truncation, options),
              width <= Swift.min(sketchRows, maximumRank), snapshotsResolve(truncation, count: width) else { return fallback() }
        if case .relativeEnergy(let t) = truncation, options.toleranceFraction * t < Double(n) * Double.ulpOfOne { return fallback() }
        let p = directions.u.columns(0..<width)
        // Test vectors apart from P, projected twice so their round-off along P is ε‖Ω‖.
        var generator = SplitMix64(seed: options.seed ^ 0x5851_F42D_4C95_7F2D)
        let t = options.testVectors
        var tests = generator.standardNormalMatrix(rows: k, columns: t)
        for _ in 0..<2 { Matrix.gemm(.none, p, .none, Matrix.product(.transposed, p, .none, tests), into: &tests, alpha: -1, beta: 1) }
        var directionsAndTests = p
        directionsAndTests.appendColumns(tests)
        stages.append(StageTime(name: "small_svd", seconds: clock.seconds))
        clock = Stopwatch()
        var samples = s * directionsAndTests
        let largest = samples.storage.withUnsafeBufferPointer { r in
            (width..<(width + t)).map { j in BLAS.nrm2(UnsafeBufferPointer(rebasing: r[(j * n)..<((j + 1) * n)])) }.max() ?? 0
        }
        let estimate = largest / RandomizedRangeFinder.testLimit(failureProbability: options.failureProbability, testVectors: t)
        // Y = S P is the leading block: drop the test columns in place.
        samples.storage.removeLast(t * n)
        var y = Matrix(rows: n, columns: width, storage: samples.storage)
        samples = Matrix(rows: 0, columns: 0)
        stages.append(StageTime(name: "sample", seconds: clock.seconds))
        let spectrum = try snapshotsSpectrum(y, .euclidean, stages: &stages)
        let sigma = spectrum.sigma
        clock = Stopwatch()
        if case .count(let wanted) = truncation, !(wanted < width && sigma[wanted] >= snapshotsResolution(count: width) * sigma[0]) {
            return fallback()
        }
        let energy: Double? = if case .relativeEnergy = truncation { total } else { nil }
        guard certifies(truncation, sigma: sigma, estimate: estimate, total: energy, complete: false,
                        fraction: options.toleranceFraction, snapshotCount: k) else { return fallback() }
        let kept: Int
        if case .relativeEnergy(let tolerance) = truncation { kept = keptCount(sigma, discardedEnergyAtMost: tolerance * total, of: total) } else {
            kept = keptCount(sigma, truncation)
        }
        let modes = try snapshotsModes(overwriting: &y, .euclidean, spectrum, kept: kept, stages: &stages)
        // The values the Gram matrix of Y resolves (the others are set to zero).
        return (modes, Array(sigma.prefix { $0 > 0 }), estimate)
    }

    /// ℓ: how many of the sketch's leading directions the truncation needs, plus 10 — the
    /// sketch's singular values above a tenth of the error allowed (θ τ σ₁ for
    /// `.relativeSingularValue(τ)`, its energy share for `.relativeEnergy(τ)`), or N for
    /// `.count(N)`. Nil when the sketch is zero.
    static func sketchedWidth(_ sigma: [Double], _ truncation: Truncation, _ options: RandomizedOptions) -> Int? {
        guard let first = sigma.first, first > 0 else { return nil }
        let margin = 10, theta = options.toleranceFraction
        switch truncation {
        case .count(let wanted): return wanted + margin
        case .relativeSingularValue(let t): return sigma.prefix { $0 > 0.1 * theta * t * first }.count + margin
        case .relativeEnergy(let t):
            let total = sigma.reduce(0) { $0 + $1 * $1 }
            return keptCount(sigma, discardedEnergyAtMost: 0.1 * theta * t * total, of: total) + margin
        }
    }
}
