import LinearAlgebra

extension POD {
    /// Options of the randomized POD (`Method.randomized`, and `.automatic` where it tries it).
    /// The defaults were measured on `rom-bench pod` (200,000 × 400, tolerance 1e-6; see
    /// docs/benchmarks.md, "POD").
    public struct RandomizedOptions: Sendable, Equatable {
        /// Samples of the first block, the guess of the rank; each later block doubles the basis.
        public var initialRank: Int
        /// Power (subspace) iterations per block: 0 for a fast singular value decay, 1–2 for a slow
        /// one (each costs two more passes over the snapshots).
        public var powerIterations: Int
        /// Gaussian test vectors of the a posteriori estimate.
        public var testVectors: Int
        /// The probability that the estimate falls below the true error.
        public var failureProbability: Double
        /// θ in (0, 1]: the estimate must be at most θ times the error the truncation allows
        /// (θ τ σ₁ for `.relativeSingularValue(τ)`; θ σ_{N+1} for `.count(N)`; for
        /// `.relativeEnergy(τ)` the discarded energy of the basis at most θ τ ‖S‖²). Every
        /// singular value then agrees with the exact one to θ times that error.
        public var toleranceFraction: Double
        /// `.automatic` stops trying (and takes the method of snapshots) when the basis would pass
        /// this fraction of the snapshot count: past it the Gram matrix is cheaper.
        public var automaticRankFraction: Double
        /// `.automatic` tries the randomized method only for snapshot matrices of at least this
        /// many entries (rows × columns), where the Gram matrix costs more than a few passes.
        public var automaticMinimumEntries: Int
        /// Seed of the Gaussian test matrices: the same seed gives the same POD.
        public var seed: UInt64

        /// Options with the measured defaults.
        public init(initialRank: Int = 32, powerIterations: Int = 0, testVectors: Int = 10, failureProbability: Double = 1e-15,
                    toleranceFraction: Double = 0.5, automaticRankFraction: Double = 0.25,
                    automaticMinimumEntries: Int = 10_000_000, seed: UInt64 = 2011) {
            self.initialRank = initialRank
            self.powerIterations = powerIterations
            self.testVectors = testVectors
            self.failureProbability = failureProbability
            self.toleranceFraction = toleranceFraction
            self.automaticRankFraction = automaticRankFraction
            self.automaticMinimumEntries = automaticMinimumEntries
            self.seed = seed
        }

        func validate() throws {
            func bad(_ name: String, _ detail: String) -> ROMError { .invalidOption(name: "randomized POD \(name)", detail: detail) }
            guard initialRank >= 1 else { throw bad("initialRank", "must be at least 1, got \(initialRank)") }
            guard (0...20).contains(powerIterations) else { throw bad("powerIterations", "must lie in 0...20, got \(powerIterations)") }
            guard (1...1000).contains(testVectors) else { throw bad("testVectors", "must lie in 1...1000, got \(testVectors)") }
            guard failureProbability > 0 && failureProbability < 1 else {
                throw bad("failureProbability", "must lie in (0, 1), got \(failureProbability)")
            }
            guard toleranceFraction > 0 && toleranceFraction <= 1 else {
                throw bad("toleranceFraction", "must lie in (0, 1], got \(toleranceFraction)")
            }
            guard automaticRankFraction > 0 && automaticRankFraction <= 1 else {
                throw bad("automaticRankFraction", "must lie in (0, 1], got \(automaticRankFraction)")
            }
            guard automaticMinimumEntries >= 0 else { throw bad("automaticMinimumEntries", "must not be negative, got \(automaticMinimumEntries)") }
        }
    }

    /// The smallest error relative to σ₁ the estimate certifies for `.count(N)`: the test
    /// residuals carry round-off of about ε ‖S ω‖ ≤ ε √k σ₁, times the estimate's factor (about 6).
    static let randomizedErrorFloor = 1e-12

    /// The largest basis `.automatic` lets the randomized method build, or nil when it should not
    /// try it at all (a small or wide matrix, a distributed product, a truncation it cannot
    /// certify within that basis).
    static func automaticRandomizedRank(_ s: Matrix, _ product: InnerProduct, _ truncation: Truncation,
                                        _ options: RandomizedOptions) -> Int? {
        let k = s.columns
        guard product.isSerial, s.rows >= 2 * k, s.rows * k >= options.automaticMinimumEntries else { return nil }
        let cap = Int(options.automaticRankFraction * Double(k))
        guard cap >= 1 else { return nil }
        switch truncation {
        case .count(let n): return n < cap ? cap : nil
        case .relativeSingularValue(let t): return options.toleranceFraction * t >= randomizedErrorFloor ? cap : nil
        case .relativeEnergy(let t): return options.toleranceFraction * t >= Double(k) * Double.ulpOfOne ? cap : nil
        }
    }

    /// The randomized POD of `s` (scaled to a safe range): the range finder grows by blocks until
    /// its estimate certifies `truncation`, then B = QᵀMS = U_B Σ V_Bᵀ by LAPACK (the SVD of the
    /// k×ℓ matrix Bᵀ), modes Q U_B reorthonormalized by one Cholesky QR in M. Nil when the basis
    /// reached `maximumRank` uncertified.
    static func randomizedPOD(_ s: Matrix, _ product: InnerProduct, _ truncation: Truncation, _ options: RandomizedOptions,
                              maximumRank: Int, stages: inout [StageTime]) throws -> (modes: Matrix, sigma: [Double], estimate: Double)? {
        let fullRank = Swift.min(s.rows, s.columns)
        let cap = Swift.min(maximumRank, fullRank)
        var clock = Stopwatch()
        var total: Double?
        if case .relativeEnergy = truncation { total = squaredNorm(s, product) }
        let normSeconds = clock.seconds
        var finder = try RandomizedRangeFinder(snapshots: s, product: product, firstBlock: Swift.min(options.initialRank, cap),
                                               powerIterations: options.powerIterations, testVectors: options.testVectors,
                                               failureProbability: options.failureProbability, seed: options.seed)
        var svdSeconds = 0.0
        func record() {
            if total != nil { stages.append(StageTime(name: "norm", seconds: normSeconds)) }
            stages.append(StageTime(name: "sketch", seconds: finder.sketchSeconds))
            stages.append(StageTime(name: "orthonormalization", seconds: finder.orthonormalizationSeconds))
            stages.append(StageTime(name: "projection", seconds: finder.projectionSeconds))
            stages.append(StageTime(name: "small_svd", seconds: svdSeconds))
        }
        var svd = try Stopwatch.accumulate(into: &svdSeconds) { try ThinSVD(finder.projectedTransposed) }
        while !certifies(truncation, sigma: svd.singularValues, estimate: finder.estimate, total: total,
                         complete: finder.rank == fullRank, fraction: options.toleranceFraction, snapshotCount: s.columns) {
            guard finder.rank < cap else { record(); return nil }
            try finder.grow(by: Swift.min(finder.rank, cap - finder.rank))
            svd = try Stopwatch.accumulate(into: &svdSeconds) { try ThinSVD(finder.projectedTransposed) }
        }
        record()
        clock = Stopwatch()
        let sigma = svd.singularValues
        let kept: Int
        if case .relativeEnergy(let t) = truncation, let total { kept = keptCount(sigma, discardedEnergyAtMost: t * total, of: total) } else {
            kept = keptCount(sigma, truncation)
        }
        guard kept > 0 else { return (Matrix(rows: s.rows, columns: 0), sigma, finder.estimate) }
        // Bᵀ = V_B Σ U_Bᵀ: the left singular vectors of B are the rows of `vt`.
        let leading = svd.vt.rows(Array(0..<kept))
        let modes = try choleskyQR(Matrix.product(.none, finder.basis, .transposed, leading), product)
        stages.append(StageTime(name: "modes", seconds: clock.seconds))
        return (modes, sigma, finder.estimate)
    }

    /// Whether the range finder's state certifies `truncation` (see `RandomizedOptions.toleranceFraction`).
    /// - Parameters:
    ///   - sigma: the singular values of B = QᵀMS, decreasing.
    ///   - total: ‖S‖²_M (Frobenius), for the energy truncation: the basis discards ‖S‖² − ‖B‖²
    ///     exactly (Q is M-orthonormal), with no probability involved.
    ///   - complete: the basis has min(n, k) vectors (its range is all of S's).
    ///   - snapshotCount: k.
    static func certifies(_ truncation: Truncation, sigma: [Double], estimate: Double, total: Double?, complete: Bool,
                          fraction theta: Double, snapshotCount: Int) -> Bool {
        let first = sigma.first ?? 0
        switch truncation {
        case .relativeSingularValue(let t):
            return estimate <= theta * t * first
        case .count(let n):
            guard n < sigma.count || complete else { return false }
            let next = n < sigma.count ? sigma[n] : 0
            return estimate <= theta * Swift.max(next, randomizedErrorFloor * first)
        case .relativeEnergy(let t):
            // ‖S‖² − ‖B‖² carries round-off of about k ε ‖S‖²: a smaller allowance certifies nothing.
            guard let total, theta * t >= Double(snapshotCount) * Double.ulpOfOne else { return false }
            let captured = sigma.reduce(0) { $0 + $1 * $1 }
            return total - captured <= theta * t * total
        }
    }

    /// The fewest leading σ whose discarded energy total − Σ_{i≤N} σᵢ² is at most `allowed`
    /// (total = ‖S‖², not Σσ²: the randomized method knows only the leading values).
    static func keptCount(_ sigma: [Double], discardedEnergyAtMost allowed: Double, of total: Double) -> Int {
        var discarded = total
        for (i, s) in sigma.enumerated() where s > 0 {
            if discarded <= allowed { return i }
            discarded -= s * s
        }
        return sigma.prefix { $0 > 0 }.count
    }

    /// ‖S‖²_M = Σⱼ sⱼᵀ M sⱼ (Euclidean: the squared Frobenius norm by BLAS `dnrm2`).
    static func squaredNorm(_ s: Matrix, _ product: InnerProduct) -> Double {
        guard let m = product.matrix else {
            let norm = BLAS.nrm2(s.storage)
            return norm * norm
        }
        var scratch = [Double](repeating: 0, count: s.rows)
        var sum = 0.0
        s.storage.withUnsafeBufferPointer { p in
            scratch.withUnsafeMutableBufferPointer { y in
                for j in 0..<s.columns {
                    let column = UnsafeBufferPointer(rebasing: p[(j * s.rows)..<((j + 1) * s.rows)])
                    m.apply(column, into: y)
                    sum += BLAS.dot(column, UnsafeBufferPointer(y))
                }
            }
        }
        return sum
    }
}
