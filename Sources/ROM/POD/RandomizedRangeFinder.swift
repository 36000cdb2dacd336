import Foundation
import LinearAlgebra

/// The adaptive randomized range finder with an a posteriori error estimate (Halko, Martinsson,
/// Tropp 2011: the proto-algorithm of their §1.3 in blocks, the subspace iteration of their
/// Algorithm 4.4; the estimate of Buhr & Smetana 2018, Algorithm 1, as pyMOR's `rand_la` uses it):
/// an M-orthonormal basis Q (n×ℓ) of the range of the snapshots S (n×k) with
///
///     ‖(I − Q QᵀM) S‖ ≤ estimate      with probability at least 1 − p,
///
/// the norm the operator norm from Euclidean ℝᵏ to (ℝⁿ, M). Steps:
///
/// 1. Test vectors, apart from the basis: T = S Ω_t with Ω_t a k×t standard Gaussian matrix.
/// 2. A block of b samples Y = S Ω (Ω Gaussian, k×b); with q power iterations Y ← S (SᵀM Y), each
///    half orthonormalized by Householder QR, so the directions of small singular values are not
///    lost to round-off.
/// 3. The block is M-orthogonalized against Q (block Gram–Schmidt with Householder QR between the
///    passes: twice, a third time when the second pass removes more than half of a direction) and
///    M-orthonormalized (Cholesky QR in M twice after the Householder QR); Bᵀ = SᵀM Q grows by its
///    columns, and the test vectors lose their components along it: T ← T − Y (Yᵀ M T).
/// 4. The estimate. For a fixed E = (I − QQᵀM) S and a standard Gaussian ω, ‖Eω‖_M ≥ |v₁ᵀω| ‖E‖
///    (v₁ the top right singular vector of E) and v₁ᵀω is standard normal, so
///    P(maxᵢ ‖Eωᵢ‖_M < x ‖E‖) ≤ erf(x/√2)ᵗ. Choosing erf(x/√2)ᵗ = p/k — a union bound over the
///    at most k checks the adaptive loop makes with the same test vectors — the estimate
///    maxᵢ ‖Tᵢ‖_M / x fails with probability at most p. (This derivation is ours, written from the
///    statement of the estimate; its constant is pyMOR's `testlimit`.)
/// 5. The caller grows the basis by blocks until the estimate meets its target.
///
/// Every reported singular value σ̃ᵢ of B = QᵀMS is within the estimate of the exact one:
/// σᵢ(QQᵀMS) ≤ σᵢ(S) ≤ σᵢ(QQᵀMS) + ‖(I − QQᵀM)S‖ (Weyl), with M-norms throughout.
/// The sums run over the rows of this process only: serial inner products.
struct RandomizedRangeFinder {
    /// The snapshots S (n×k).
    let snapshots: Matrix
    /// The inner product M of the range (serial).
    let product: InnerProduct
    /// Power iterations per block.
    let powerIterations: Int
    /// 1/x of step 4: the estimate is this times the largest M-norm of a test residual.
    let estimateFactor: Double
    /// Q, n×ℓ, M-orthonormal.
    private(set) var basis: Matrix
    /// M Q (nil for the Euclidean product, where it is Q).
    private var weightedBasis: Matrix?
    /// Bᵀ = SᵀM Q, k×ℓ: the snapshots' coordinates in the basis, transposed.
    private(set) var projectedTransposed: Matrix
    /// (I − QQᵀM) S Ω_t, n×t.
    private var testResiduals: Matrix
    /// The Gaussian test matrices come from here (seeded).
    private var generator: SplitMix64
    /// The current estimate of ‖(I − QQᵀM) S‖.
    private(set) var estimate: Double
    /// Seconds spent per step, accumulated over the blocks.
    private(set) var sketchSeconds = 0.0, orthonormalizationSeconds = 0.0, projectionSeconds = 0.0

    /// Basis size ℓ.
    var rank: Int { basis.columns }

    /// The finder after its first block of `firstBlock` samples.
    /// - Parameters:
    ///   - testVectors: t, the number of Gaussian test vectors of the estimate.
    ///   - failureProbability: p, the probability that the estimate is below the true error.
    init(snapshots: Matrix, product: InnerProduct, firstBlock: Int, powerIterations: Int, testVectors: Int,
         failureProbability: Double, seed: UInt64) throws {
        precondition(product.isSerial, "RandomizedRangeFinder: serial inner products only")
        let k = snapshots.columns
        precondition(firstBlock >= 1 && firstBlock <= Swift.min(snapshots.rows, k), "RandomizedRangeFinder: block \(firstBlock)")
        self.snapshots = snapshots
        self.product = product
        self.powerIterations = powerIterations
        estimateFactor = 1 / Self.testLimit(failureProbability: failureProbability / Double(k), testVectors: testVectors)
        generator = SplitMix64(seed: seed)
        basis = Matrix(rows: snapshots.rows, columns: 0)
        weightedBasis = product.matrix == nil ? nil : Matrix(rows: snapshots.rows, columns: 0)
        projectedTransposed = Matrix(rows: k, columns: 0)
        // One product S [Ω Ω_t] for the first block and the test vectors: one pass over S.
        let clock = Stopwatch()
        let omega = generator.standardNormalMatrix(rows: k, columns: firstBlock + testVectors)
        let samples = snapshots * omega
        testResiduals = samples.columns(firstBlock..<(firstBlock + testVectors))
        estimate = .infinity
        sketchSeconds += clock.seconds
        try append(samples.columns(0..<firstBlock))
    }

    /// Adds a block of `size` fresh samples (at most min(n, k) − ℓ).
    mutating func grow(by size: Int) throws {
        precondition(size >= 1 && rank + size <= Swift.min(snapshots.rows, snapshots.columns), "RandomizedRangeFinder.grow: \(size)")
        let clock = Stopwatch()
        let omega = generator.standardNormalMatrix(rows: snapshots.columns, columns: size)
        let samples = snapshots * omega
        sketchSeconds += clock.seconds
        try append(samples)
    }

    /// Steps 2 (power iterations) to 4 for one block of samples S Ω.
    private mutating func append(_ samples: Matrix) throws {
        var y = samples
        var clock = Stopwatch()
        for _ in 0..<powerIterations {
            try y.orthonormalizeColumns()
            var z = Matrix.product(.transposed, snapshots, .none, product.apply(y))
            try z.orthonormalizeColumns()
            y = snapshots * z
        }
        sketchSeconds += clock.seconds
        clock = Stopwatch()
        try orthonormalizeAgainstBasis(&y)
        orthonormalizationSeconds += clock.seconds
        clock = Stopwatch()
        let my = product.apply(y)
        projectedTransposed.appendColumns(Matrix.product(.transposed, snapshots, .none, my))
        // T ← T − Y (Yᵀ M T): the test vectors' components along the new directions.
        let coefficients = Matrix.product(.transposed, my, .none, testResiduals)
        Matrix.gemm(.none, y, .none, coefficients, into: &testResiduals, alpha: -1, beta: 1)
        basis.appendColumns(y)
        weightedBasis?.appendColumns(my)
        estimate = estimateFactor * largestColumnNorm(testResiduals)
        projectionSeconds += clock.seconds
    }

    /// Y ← an M-orthonormal basis of the part of span(Y) M-orthogonal to Q (step 3).
    private func orthonormalizeAgainstBasis(_ y: inout Matrix) throws {
        for pass in 0..<3 {
            var smallest = 1.0
            if rank > 0 {
                let coefficients = Matrix.product(.transposed, weightedBasis ?? basis, .none, y)
                Matrix.gemm(.none, basis, .none, coefficients, into: &y, alpha: -1, beta: 1)
                // Y was M-orthonormal before this pass: the norms left say how much it removed.
                if pass > 0 { smallest = smallestColumnNorm(y) }
            }
            try y.orthonormalizeColumns()
            if product.matrix != nil {
                for _ in 0..<2 { try POD.choleskyQR(&y, product) }
            }
            if rank == 0 || (pass > 0 && smallest >= 0.5) { return }
        }
    }

    /// max over the columns of ‖xⱼ‖_M.
    private func largestColumnNorm(_ x: Matrix) -> Double {
        columnNorms(x).max() ?? 0
    }

    /// min over the columns of ‖xⱼ‖_M.
    private func smallestColumnNorm(_ x: Matrix) -> Double {
        columnNorms(x).min() ?? 0
    }

    /// ‖xⱼ‖_M for every column (BLAS `dnrm2` for the Euclidean product).
    private func columnNorms(_ x: Matrix) -> [Double] {
        guard product.matrix != nil else {
            return x.storage.withUnsafeBufferPointer { p in
                (0..<x.columns).map { j in BLAS.nrm2(UnsafeBufferPointer(rebasing: p[(j * x.rows)..<((j + 1) * x.rows)])) }
            }
        }
        let mx = product.apply(x)
        return x.storage.withUnsafeBufferPointer { p in
            mx.storage.withUnsafeBufferPointer { q in
                (0..<x.columns).map { j in
                    let range = (j * x.rows)..<((j + 1) * x.rows)
                    return Swift.max(BLAS.dot(UnsafeBufferPointer(rebasing: p[range]), UnsafeBufferPointer(rebasing: q[range])), 0).squareRoot()
                }
            }
        }
    }

    /// x with erf(x/√2)ᵗ = `failureProbability` (step 4): x = √2 erf⁻¹(p^{1/t}), erf⁻¹ by
    /// bisection on Foundation's `erf` (monotone, so 200 halvings reach the last bit).
    static func testLimit(failureProbability p: Double, testVectors t: Int) -> Double {
        let target = Foundation.pow(p, 1 / Double(t))
        var low = 0.0, high = 10.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if Foundation.erf(middle) < target { low = middle } else { high = middle }
        }
        return 2.0.squareRoot() * low
    }
}
