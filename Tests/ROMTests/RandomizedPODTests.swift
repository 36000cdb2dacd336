import Foundation
import LinearAlgebra
@testable import ROM
import XCTest

/// The randomized POD against the exact one on matrices of known spectrum S = U diag(σ) Vᵀ.
final class RandomizedPODTests: XCTestCase {
    /// S = U diag(σ) Vᵀ with U (n×k) and V (k×k) orthonormal from Gaussian matrices (seeded).
    static func knownSpectrum(rows n: Int, _ sigma: [Double], seed: UInt64) throws -> Matrix {
        var generator = SplitMix64(seed: seed)
        let k = sigma.count
        var u = generator.standardNormalMatrix(rows: n, columns: k)
        var v = generator.standardNormalMatrix(rows: k, columns: k)
        try u.orthonormalizeColumns()
        try v.orthonormalizeColumns()
        return u * Matrix.diagonal(sigma) * v.transposed
    }

    /// The P1 mass matrix of a uniform 1D grid (without h): tridiag(1, 4, 1)/6, eigenvalues in
    /// (1/3, 1): an inner product of condition number below 3.
    static func massMatrix(_ n: Int) -> SparseMatrix {
        var builder = SparseBuilder<Double>(rows: n, columns: n, reservingCapacity: 3 * n)
        for i in 0..<n {
            if i > 0 { builder.add(i, i - 1, 1.0 / 6) }
            builder.add(i, i, 4.0 / 6)
            if i + 1 < n { builder.add(i, i + 1, 1.0 / 6) }
        }
        return builder.build()
    }

    /// ‖X‖₂ by the SVD.
    static func spectralNorm(_ x: Matrix) throws -> Double { try ThinSVD(x).singularValues.first ?? 0 }

    /// σᵢ = e^{−i/3}, n = 2000, k = 120, τ = 1e-8: the same kept count as the thin SVD
    /// (56: σ₅₅ = 1.1e-8, σ₅₆ = 7.8e-9), every singular value within the estimate of the exact
    /// one and the estimate within θ τ σ₁, modes orthonormal to 1e-14, and the projection error of
    /// the kept modes within σ̃_{N+1} + estimate.
    func testSingularValuesAndModesMatchTheExactPOD() throws {
        let sigma = (0..<120).map { exp(-Double($0) / 3) }
        let s = try Self.knownSpectrum(rows: 2000, sigma, seed: 1)
        let tolerance = 1e-8
        let pod = try POD(snapshots: s, truncation: .relativeSingularValue(tolerance), method: .randomized)
        XCTAssertEqual(pod.method, .randomized)
        XCTAssertEqual(pod.modes.columns, 56)
        // The method of snapshots does not resolve 1e-8 with k = 120 (√(kε) = 1.6e-7): the SVD.
        XCTAssertEqual(try POD(snapshots: s, truncation: .relativeSingularValue(tolerance), method: .svd).modes.columns, 56)
        let estimate = try XCTUnwrap(pod.errorEstimate)
        XCTAssertLessThanOrEqual(estimate, 0.5 * tolerance * sigma[0])
        guard pod.singularValues.count > 56 else { return XCTFail("\(pod.singularValues.count) singular values") }
        for (i, value) in pod.singularValues.enumerated() {
            XCTAssertLessThanOrEqual(abs(value - sigma[i]), estimate, "σ\(i)")
        }
        XCTAssertLessThan((pod.modes.gram - Matrix.identity(56)).maxAbs, 1e-14)
        let residual = s - pod.modes * Matrix.product(.transposed, pod.modes, .none, s)
        let error = try Self.spectralNorm(residual)
        XCTAssertLessThanOrEqual(error, pod.singularValues[56] + estimate)
        XCTAssertGreaterThanOrEqual(error, sigma[56] * (1 - 1e-6), "no projection beats the optimal one")
    }

    /// The estimate bounds ‖(I − QQᵀM)S‖ from above (computed exactly by the SVD), for fast and
    /// slow decay, with and without power iterations, Euclidean and in a mass-matrix product,
    /// at every step of the growth; and it is not loose by more than the factor 1/x (about 6)
    /// times 2√k (‖Eω‖ ≤ ‖E‖ ‖ω‖, and ‖ω‖² is χ² with k degrees of freedom).
    func testTheEstimateBoundsTheTrueError() throws {
        let n = 600, k = 80
        let m = Self.massMatrix(n)
        let mDense = try DenseCholesky(InnerProduct.weighted(by: m).apply(Matrix.identity(n))).l
        let spectra: [[Double]] = [(0..<k).map { exp(-Double($0) / 4) }, (0..<k).map { 1 / Double($0 + 1) }]
        var checks = 0
        for (index, sigma) in spectra.enumerated() {
            let s = try Self.knownSpectrum(rows: n, sigma, seed: 10 + UInt64(index))
            for product in [InnerProduct.euclidean, .weighted(by: m)] {
                for power in [0, 1] {
                    var finder = try RandomizedRangeFinder(snapshots: s, product: product, firstBlock: 4, powerIterations: power,
                                                           testVectors: 20, failureProbability: 1e-15, seed: 3)
                    while true {
                        let q = finder.basis
                        let residual = s - q * Matrix.product(.transposed, product.apply(q), .none, s)
                        // ‖E‖_{2→M} = ‖Lᵀ E‖₂ with M = L Lᵀ.
                        let trueError = try Self.spectralNorm(product.matrix == nil ? residual : Matrix.product(.transposed, mDense, .none, residual))
                        XCTAssertGreaterThanOrEqual(finder.estimate, trueError, "spectrum \(index), M \(product.matrix != nil), q \(power), ℓ \(finder.rank)")
                        XCTAssertLessThanOrEqual(finder.estimate, finder.estimateFactor * 2 * Double(k).squareRoot() * trueError + 1e-12,
                                                 "spectrum \(index), ℓ \(finder.rank)")
                        XCTAssertLessThan((product.gram(q, q) - Matrix.identity(q.columns)).maxAbs, 1e-14)
                        checks += 1
                        if finder.rank >= 40 { break }
                        try finder.grow(by: finder.rank)
                    }
                }
            }
        }
        XCTAssertEqual(checks, 2 * 2 * 2 * 5)
        // x = √2 erf⁻¹((p/k)^{1/t}) for p = 1e-15, k = 400, t = 20: erf(x/√2)²⁰ = 2.5e-18.
        let x = RandomizedRangeFinder.testLimit(failureProbability: 2.5e-18, testVectors: 20)
        XCTAssertEqual(pow(erf(x / 2.0.squareRoot()), 20), 2.5e-18, accuracy: 1e-28)
        XCTAssertEqual(1 / x, 6.03, accuracy: 0.02)
    }

    /// In a mass-matrix inner product: M-orthonormal modes and the singular values of M^{1/2} S,
    /// as the weighted method of snapshots computes them.
    func testWeightedRandomizedPODMatchesTheWeightedMethodOfSnapshots() throws {
        let sigma = (0..<60).map { exp(-Double($0) / 2) }
        let s = try Self.knownSpectrum(rows: 500, sigma, seed: 4)
        let product = InnerProduct.weighted(by: Self.massMatrix(500))
        let cholesky = try DenseCholesky(product.apply(Matrix.identity(500))).l
        let exact = try POD(snapshots: s, innerProduct: product, truncation: .relativeSingularValue(1e-6), method: .snapshots)
        for truncation in [POD.Truncation.relativeSingularValue(1e-6), .count(exact.modes.columns)] {
            let pod = try POD(snapshots: s, innerProduct: product, truncation: truncation, method: .randomized)
            XCTAssertEqual(pod.modes.columns, exact.modes.columns, "\(truncation)")
            XCTAssertLessThan((product.gram(pod.modes, pod.modes) - Matrix.identity(pod.modes.columns)).maxAbs, 1e-14)
            for (a, b) in zip(pod.singularValues, exact.singularValues) {
                XCTAssertLessThanOrEqual(abs(a - b), 1e-6 * exact.singularValues[0], "\(truncation)")
            }
            // The projection error in M (‖Lᵀ E‖₂ with M = L Lᵀ) within σ̃_{N+1} + estimate.
            let residual = s - pod.modes * Matrix.product(.transposed, product.apply(pod.modes), .none, s)
            let error = try Self.spectralNorm(Matrix.product(.transposed, cholesky, .none, residual))
            let next = pod.singularValues.count > pod.modes.columns ? pod.singularValues[pod.modes.columns] : 0
            XCTAssertLessThanOrEqual(error, next + (pod.errorEstimate ?? 0), "\(truncation)")
            XCTAssertGreaterThanOrEqual(error, exact.singularValues[pod.modes.columns] * (1 - 1e-3), "\(truncation)")
        }
    }

    /// The energy truncation is certified without probability: the basis discards ‖S‖² − ‖B‖²
    /// exactly. The kept modes discard at most τ of the energy (computed here from S), as many
    /// as the exact POD keeps; and the same seed gives bit-identical results.
    func testEnergyTruncationAndDeterminism() throws {
        let sigma = (0..<100).map { pow(0.6, Double($0)) }  // discarded energy 0.36^N: N = 21 for 1e-9
        let s = try Self.knownSpectrum(rows: 1500, sigma, seed: 5)
        let tolerance = 1e-9
        let pod = try POD(snapshots: s, truncation: .relativeEnergy(tolerance), method: .randomized)
        let exact = try POD(snapshots: s, truncation: .relativeEnergy(tolerance), method: .svd)
        XCTAssertEqual(pod.modes.columns, exact.modes.columns)
        let residual = s - pod.modes * Matrix.product(.transposed, pod.modes, .none, s)
        let discarded = pow(residual.frobeniusNorm / s.frobeniusNorm, 2)
        XCTAssertLessThanOrEqual(discarded, tolerance)
        let again = try POD(snapshots: s, truncation: .relativeEnergy(tolerance), method: .randomized)
        XCTAssertEqual(again.singularValues, pod.singularValues)
        XCTAssertEqual(again.modes, pod.modes)
        var other = POD.RandomizedOptions()
        other.seed = 99
        let reseeded = try POD(snapshots: s, truncation: .relativeEnergy(tolerance), method: .randomized, randomized: other)
        XCTAssertNotEqual(reseeded.modes, pod.modes)
        XCTAssertEqual(reseeded.modes.columns, pod.modes.columns)
    }

    /// `.automatic` takes the randomized method where its estimate certifies the tolerance within
    /// a quarter of the snapshot count, and the exact method of snapshots otherwise (a slow
    /// decay), with the exact singular values; small matrices keep the exact method.
    func testAutomaticTakesTheRandomizedMethodOnlyWhereCertified() throws {
        var options = POD.RandomizedOptions()
        options.automaticMinimumEntries = 100_000
        let fast = try Self.knownSpectrum(rows: 3000, (0..<200).map { exp(-Double($0) / 2) }, seed: 6)
        let picked = try POD(snapshots: fast, truncation: .relativeSingularValue(1e-6), randomized: options)
        XCTAssertEqual(picked.method, .randomized)
        XCTAssertEqual(picked.modes.columns, 28)  // σ₂₇ = e^{-13.5} = 1.4e-6, σ₂₈ = 8.3e-7; the cap is 50
        XCTAssertEqual(try POD(snapshots: fast, truncation: .relativeSingularValue(1e-6)).method, .snapshots, "below the default size")

        let slowSigma = (0..<100).map { 1 / Double($0 + 1) }
        let slow = try Self.knownSpectrum(rows: 3000, slowSigma, seed: 7)
        // σᵢ = 1/(i + 1) > 0.0205 for i < 48: the estimate needs far more than the cap (25) vectors.
        let fallback = try POD(snapshots: slow, truncation: .relativeSingularValue(0.0205), randomized: options)
        XCTAssertEqual(fallback.method, .snapshots)
        XCTAssertNil(fallback.errorEstimate)
        XCTAssertEqual(fallback.modes.columns, 48)
        for (a, b) in zip(fallback.singularValues, slowSigma) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertTrue(fallback.stages.contains { $0.name == "sketch" }, "the attempt is in the stages")
        XCTAssertTrue(fallback.stages.contains { $0.name == "gram" })
        // Explicitly randomized, the same slow case grows past the cap and is certified.
        let grown = try POD(snapshots: slow, truncation: .relativeSingularValue(0.0205), method: .randomized)
        XCTAssertEqual(grown.modes.columns, 48)
        for (a, b) in zip(grown.singularValues, slowSigma) { XCTAssertLessThanOrEqual(abs(a - b), 0.01) }
    }

    /// A truncation beyond the round-off of the estimate is an error for `.randomized`, named as
    /// such; so are bad options, and scaled snapshots keep their modes.
    func testUncertifiableToleranceAndBadOptionsAreErrors() throws {
        let s = try Self.knownSpectrum(rows: 400, (0..<30).map { exp(-Double($0)) }, seed: 8)
        XCTAssertThrowsError(try POD(snapshots: s, truncation: .relativeEnergy(1e-30), method: .randomized)) { error in
            XCTAssertTrue("\(error)".contains("does not certify"), "\(error)")
        }
        XCTAssertEqual(try POD(snapshots: s, truncation: .relativeEnergy(1e-30)).method, .svd, "automatic: exact SVD")
        for bad in [POD.RandomizedOptions(initialRank: 0), POD.RandomizedOptions(testVectors: 0),
                    POD.RandomizedOptions(failureProbability: 1), POD.RandomizedOptions(toleranceFraction: 0)] {
            XCTAssertThrowsError(try POD(snapshots: s, truncation: .count(3), method: .randomized, randomized: bad)) { error in
                XCTAssertTrue("\(error)".contains("randomized POD"), "\(error)")
            }
        }
        let reference = try POD(snapshots: s, truncation: .relativeSingularValue(1e-8), method: .randomized)
        for factor in [1e-300, 1e300] {
            let scaled = try POD(snapshots: factor * s, truncation: .relativeSingularValue(1e-8), method: .randomized)
            XCTAssertEqual(scaled.modes.columns, reference.modes.columns)
            XCTAssertEqual(scaled.singularValues[0] / factor, reference.singularValues[0], accuracy: 1e-12)
            // Mode i is determined to about ε σ₁ / (σᵢ gapᵢ): the leading ones (σ ≥ e⁻⁵) to 1e-12.
            XCTAssertLessThan((scaled.modes.columns(0..<6) - reference.modes.columns(0..<6)).maxAbs, 1e-12)
        }
    }
}
