import LinearAlgebra
@testable import ROM
import XCTest

/// The incremental HAPOD against HLR18's two theorems, checked on the data: the error bound
/// (Σ_s ‖s − P s‖² ≤ Σ_α ε(α)² ≤ |S| ε²) and the mode count (at most a POD of all snapshots with
/// the root's tolerance keeps).
final class HAPODTests: XCTestCase {
    /// s_j(x) = 1 / (1 + μ_j x) + 0.3 sin(μ_j x) on 400 points, 300 parameters in batches of 30:
    /// singular values decaying over many decades.
    private func snapshots() -> Matrix {
        let n = 400, k = 300
        var s = Matrix(rows: n, columns: k)
        for j in 0..<k {
            let mu = 0.5 + 19.5 * Double((j * 37) % k) / Double(k - 1)
            for i in 0..<n {
                let x = Double(i) / Double(n - 1)
                s[i, j] = 1 / (1 + mu * x) + 0.3 * sin(mu * x)
            }
        }
        return s
    }

    /// Σ_s ‖s − P s‖²_M for the M-orthonormal columns of u.
    private func projectionError(_ s: Matrix, _ u: Matrix, _ product: InnerProduct) -> Double {
        let coefficients = product.gram(u, s)
        let residual = s - u * coefficients
        let g = product.gram(residual)
        return (0..<g.rows).reduce(0) { $0 + g[$1, $1] }
    }

    private func run(_ product: InnerProduct, meanError: Double, omega: Double) throws {
        let s = snapshots(), batch = 30
        var hapod = try IncrementalHAPOD(dimension: s.rows, innerProduct: product, meanError: meanError, omega: omega,
                                         steps: s.columns / batch)
        for start in stride(from: 0, to: s.columns, by: batch) { try hapod.add(s.columns(start..<(start + batch))) }
        let result = try hapod.finish()
        let error = projectionError(s, result.modes, product)
        let limit = Double(s.columns) * meanError * meanError
        // Theorem 3.5: the realized error below the sum of the node tolerances, itself below |S| ε².
        XCTAssertLessThanOrEqual(error, result.errorBound * (1 + 1e-9), "ε = \(meanError), ω = \(omega)")
        XCTAssertLessThanOrEqual(result.errorBound, limit * (1 + 1e-12))
        XCTAssertGreaterThan(error, 1e-3 * limit, "the test must not be vacuous: the truncation discards something")
        // Theorem 3.6: no more modes than the POD of all snapshots at the root's tolerance.
        let full = try POD(snapshots: s, innerProduct: product, truncation: .count(s.columns))
        let gram = product.gram(s)
        let total = (0..<gram.rows).reduce(0) { $0 + gram[$1, $1] }
        let root = try POD(snapshots: s, innerProduct: product, truncation: .relativeEnergy(hapod.rootTolerance(snapshots: s.columns) / total))
        XCTAssertLessThanOrEqual(result.modes.columns, root.modes.columns)
        // M-orthonormal modes, singular values those of the full POD to the truncation.
        let modeGram = product.gram(result.modes)
        for i in 0..<modeGram.rows { for j in 0..<modeGram.columns { XCTAssertEqual(modeGram[i, j], i == j ? 1 : 0, accuracy: 1e-12) } }
        XCTAssertEqual(result.singularValues[0], full.singularValues[0], accuracy: 1e-9 * full.singularValues[0])
    }

    func testEuclideanErrorBoundAndModeCount() throws {
        for (eps, omega) in [(1e-4, 0.9), (1e-6, 0.5), (1e-2, 0.95)] { try run(.euclidean, meanError: eps, omega: omega) }
    }

    func testWeightedInnerProduct() throws {
        let weights = (0..<400).map { 1 + 0.5 * sin(Double($0)) }
        try run(.weighted(by: SparseMatrix.diagonal(weights)), meanError: 1e-5, omega: 0.8)
    }

    func testBadUseIsAnError() throws {
        XCTAssertThrowsError(try IncrementalHAPOD(dimension: 3, meanError: 1e-3, omega: 1, steps: 2))
        XCTAssertThrowsError(try IncrementalHAPOD(dimension: 3, meanError: .nan, steps: 2))
        XCTAssertThrowsError(try IncrementalHAPOD(dimension: 3, meanError: 1e-3, steps: 0))
        var hapod = try IncrementalHAPOD(dimension: 3, meanError: 1e-3, steps: 1)
        XCTAssertThrowsError(try hapod.finish())
        XCTAssertThrowsError(try hapod.add(Matrix(rows: 4, columns: 1)))
        XCTAssertThrowsError(try hapod.add(Matrix(rows: 3, columns: 1, storage: [1, .nan, 0]))) { XCTAssertTrue("\($0)".contains("batch 0"), "\($0)") }
        try hapod.add(Matrix(rows: 3, columns: 2, storage: [1, 0, 0, 0, 1, 0]))
        XCTAssertThrowsError(try hapod.add(Matrix(rows: 3, columns: 1, storage: [0, 0, 1]))) { XCTAssertTrue("\($0)".contains("exceeds"), "\($0)") }
    }
}
