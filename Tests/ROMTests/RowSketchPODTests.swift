import Foundation
import LinearAlgebra
@testable import ROM
import XCTest

/// The row-sketch path of the randomized POD (`POD.rowSketchPOD`) and its sparse sign embedding,
/// against the exact SVD on matrices of known spectrum.
final class RowSketchPODTests: XCTestCase {
    /// Ψ S against the dense product with Ψ, read back as the sketch of the identity: every column
    /// of Ψ holds four ±1 at distinct rows; the sum of squares is ‖S‖²_F, and not finite with a NaN.
    /// k = 7 exercises the lanes past the last column.
    func testSparseSignEmbeddingIsTheDenseProduct() {
        let n = 50, k = 7
        let embedding = SparseSignEmbedding(rows: 8, columns: n, seed: 3)
        let psi = embedding.sketch(Matrix.identity(n)).z
        for i in 0..<n {
            let column = psi.column(i)
            XCTAssertEqual(column.filter { $0 == 1 || $0 == -1 }.count, 4, "column \(i)")
            XCTAssertEqual(column.filter { $0 == 0 }.count, 4, "column \(i)")
        }
        var generator = SplitMix64(seed: 4)
        var s = generator.standardNormalMatrix(rows: n, columns: k)
        let (z, squares) = embedding.sketch(s)
        XCTAssertLessThan((z - psi * s).maxAbs, 1e-13)
        XCTAssertEqual(squares, pow(s.frobeniusNorm, 2), accuracy: 1e-12 * squares)
        XCTAssertEqual(SparseSignEmbedding(rows: 8, columns: n, seed: 3).sketch(s).z, z, "seeded")
        XCTAssertNotEqual(SparseSignEmbedding(rows: 8, columns: n, seed: 5).sketch(s).z, z)
        s[13, 6] = .nan
        XCTAssertFalse(embedding.sketch(s).sumOfSquares.isFinite)
    }

    /// σᵢ = e^{−i/2}, n = 4000, k = 200 (the row sketch needs k ≥ 2s = 128): for a singular value,
    /// a count and an energy truncation, the row sketch alone (no range finder) keeps the modes
    /// the SVD keeps, every singular value within the estimate of the exact one, the estimate
    /// within θ times the allowed error, modes orthonormal to 1e-14, and the projection error
    /// within σ̃_{N+1} + estimate (energy: the discarded share at most τ, computed from S).
    func testRowSketchMatchesTheExactPOD() throws {
        let sigma = (0..<200).map { exp(-Double($0) / 2) }
        let s = try RandomizedPODTests.knownSpectrum(rows: 4000, sigma, seed: 21)
        let cases: [(POD.Truncation, Int)] = [(.relativeSingularValue(1e-6), 28), (.count(12), 12), (.relativeEnergy(1e-10), 24)]
        for (truncation, expected) in cases {
            let pod = try POD(snapshots: s, truncation: truncation, method: .randomized)
            XCTAssertEqual(pod.method, .randomized)
            let names = pod.stages.map(\.name)
            XCTAssertEqual(names.first, "row_sketch", "\(truncation)")
            XCTAssertFalse(names.contains("row_sketch_fallback") || names.contains("sketch") || names.contains("check"), "\(truncation): \(names)")
            XCTAssertEqual(pod.modes.columns, expected, "\(truncation)")
            XCTAssertEqual(try POD(snapshots: s, truncation: truncation, method: .svd).modes.columns, expected, "\(truncation)")
            let estimate = try XCTUnwrap(pod.errorEstimate)
            // The kept values and the next (beyond, the Gram matrix of Y resolves σ to about
            // ℓε σ₁² / σ: round-off above the estimate near its floor √(ℓε) σ₁).
            for (i, value) in pod.singularValues.prefix(expected + 1).enumerated() {
                XCTAssertLessThanOrEqual(abs(value - sigma[i]), estimate + 1e-13, "\(truncation) σ\(i)")
            }
            XCTAssertTrue(pod.singularValues.allSatisfy { $0 > 0 }, "only the resolved values")
            XCTAssertLessThan((pod.modes.gram - Matrix.identity(expected)).maxAbs, 1e-14, "\(truncation)")
            let residual = s - pod.modes * Matrix.product(.transposed, pod.modes, .none, s)
            let error = try RandomizedPODTests.spectralNorm(residual)
            XCTAssertLessThanOrEqual(error, pod.singularValues[expected] + estimate, "\(truncation)")
            XCTAssertGreaterThanOrEqual(error, sigma[expected] * (1 - 1e-6), "\(truncation): no projection beats the optimal one")
            switch truncation {
            case .relativeSingularValue(let t): XCTAssertLessThanOrEqual(estimate, 0.5 * t * sigma[0])
            case .count(let wanted): XCTAssertLessThanOrEqual(estimate, 0.5 * sigma[wanted])
            case .relativeEnergy(let t): XCTAssertLessThanOrEqual(pow(residual.frobeniusNorm / s.frobeniusNorm, 2), t)
            }
        }
        let again = try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: .randomized)
        XCTAssertEqual(again.modes, try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: .randomized).modes, "seeded")
    }

    /// A spectrum that decays, then stays at a floor (σᵢ = max(e^{−i/2}, f), as snapshots with
    /// solver noise): every sketch row holds the 160 values of the floor. At f = 1e-11 the row
    /// sketch certifies 1e-6 with the exact kept count, values within its estimate, and an
    /// estimate above the true error (at least f: P has fewer than k columns). At f = 1e-8 the
    /// test residuals (about 1e-8 √(k − ℓ) each, times 1/x ≈ 25 for 10 test vectors) exceed the
    /// 5e-7 allowed: it falls back, and the range finder certifies instead.
    func testATailAtANoiseFloor() throws {
        for floor in [1e-11, 1e-8] {
            let sigma = (0..<200).map { Swift.max(exp(-Double($0) / 2), floor) }
            let s = try RandomizedPODTests.knownSpectrum(rows: 3000, sigma, seed: 25)
            let pod = try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: .randomized)
            let names = pod.stages.map(\.name)
            XCTAssertEqual(names.first, "row_sketch")
            XCTAssertEqual(names.contains("row_sketch_fallback"), floor == 1e-8, "\(floor): \(names)")
            XCTAssertEqual(pod.modes.columns, 28, "\(floor)")
            let estimate = try XCTUnwrap(pod.errorEstimate)
            if floor == 1e-11 { XCTAssertGreaterThanOrEqual(estimate, floor, "‖S(I − PPᵀ)‖ is at least the floor") }
            XCTAssertLessThanOrEqual(estimate, 0.5e-6)
            for (a, b) in zip(pod.singularValues.prefix(29), sigma) { XCTAssertLessThanOrEqual(abs(a - b), estimate + 1e-13, "\(floor)") }
            XCTAssertLessThan((pod.modes.gram - Matrix.identity(28)).maxAbs, 1e-14, "\(floor)")
        }
    }

    /// A slowly decaying spectrum (σᵢ = 1/(i + 1)) needs more directions than the sketch holds:
    /// the stages name the fallback, and the range finder certifies the truncation instead.
    /// A tolerance below what the Gram matrix of ℓ columns resolves falls back too.
    func testSlowDecayAndTightTolerancesFallBackToTheRangeFinder() throws {
        let slowSigma = (0..<200).map { 1 / Double($0 + 1) }
        let slow = try RandomizedPODTests.knownSpectrum(rows: 3000, slowSigma, seed: 22)
        let pod = try POD(snapshots: slow, truncation: .relativeSingularValue(0.05), method: .randomized)
        let names = pod.stages.map(\.name)
        XCTAssertEqual(Array(names.prefix(3)), ["row_sketch", "row_sketch_fallback", "check"])
        XCTAssertTrue(names.contains("sketch"), "\(names)")
        XCTAssertEqual(pod.modes.columns, 20)  // 1/(i + 1) > 0.05 for i < 19, and 1/20 is not above
        let estimate = try XCTUnwrap(pod.errorEstimate)
        for (a, b) in zip(pod.singularValues, slowSigma) { XCTAssertLessThanOrEqual(abs(a - b), estimate) }

        let fast = try RandomizedPODTests.knownSpectrum(rows: 3000, (0..<200).map { exp(-Double($0) / 3) }, seed: 23)
        let tight = try POD(snapshots: fast, truncation: .relativeSingularValue(1e-8), method: .randomized)
        XCTAssertEqual(Array(tight.stages.map(\.name).prefix(2)), ["row_sketch", "row_sketch_fallback"])
        XCTAssertEqual(tight.modes.columns, 56)  // e^{-55/3} = 1.1e-8, e^{-56/3} = 7.8e-9
    }

    /// The row sketch's pass is the finite check: a NaN is still named by its index (.randomized
    /// and .automatic), and snapshots of extreme magnitude are scaled by the range finder's path.
    func testNotFiniteAndExtremeSnapshots() throws {
        var s = try RandomizedPODTests.knownSpectrum(rows: 2000, (0..<160).map { exp(-Double($0)) }, seed: 24)
        var options = POD.RandomizedOptions()
        options.automaticMinimumEntries = 100_000
        let reference = try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: .randomized)
        XCTAssertEqual(reference.stages.first?.name, "row_sketch")
        for factor in [1e-300, 1e300] {
            let scaled = try POD(snapshots: factor * s, truncation: .relativeSingularValue(1e-6), method: .randomized)
            XCTAssertEqual(Array(scaled.stages.map(\.name).prefix(2)), ["row_sketch", "check"])
            XCTAssertEqual(scaled.modes.columns, reference.modes.columns)
            XCTAssertEqual(scaled.singularValues[0] / factor, reference.singularValues[0], accuracy: 1e-12)
        }
        s[17, 150] = .nan
        for method in [POD.Method.randomized, .automatic] {
            XCTAssertThrowsError(try POD(snapshots: s, truncation: .relativeSingularValue(1e-6), method: method, randomized: options)) { error in
                XCTAssertEqual(error as? ROMError, .notFinite(what: "snapshot matrix", index: 17 + 150 * 2000))
            }
        }
    }
}
