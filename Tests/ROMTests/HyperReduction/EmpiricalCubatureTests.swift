import Foundation
import LinearAlgebra
import ROM
import XCTest

final class EmpiricalCubatureTests: XCTestCase {
    /// Gauss–Legendre rules on [0, 1] (numpy.polynomial.legendre.leggauss, mapped).
    static let gauss4 = (nodes: [0.06943184420297371, 0.33000947820757187, 0.6699905217924281, 0.9305681557970262],
                         weights: [0.17392742256872679, 0.3260725774312732, 0.3260725774312732, 0.17392742256872679])
    static let gauss8 = (nodes: [0.019855071751231912, 0.10166676129318664, 0.2372337950418355, 0.4082826787521751,
                                 0.5917173212478248, 0.7627662049581645, 0.8983332387068134, 0.9801449282487681],
                         weights: [0.05061426814518853, 0.11119051722668721, 0.15685332293894344, 0.18134189168918083,
                                   0.18134189168918083, 0.15685332293894344, 0.11119051722668721, 0.05061426814518853])

    /// The tensor rule of `rule` in `dimension` dimensions: points (one per entry, coordinates) and weights.
    static func tensorRule(_ rule: (nodes: [Double], weights: [Double]), dimension: Int) -> (points: [[Double]], weights: [Double]) {
        var points: [[Double]] = [[]], weights: [Double] = [1]
        for _ in 0..<dimension {
            var nextPoints: [[Double]] = [], nextWeights: [Double] = []
            for (p, w) in zip(points, weights) {
                for (x, v) in zip(rule.nodes, rule.weights) { nextPoints.append(p + [x]); nextWeights.append(w * v) }
            }
            (points, weights) = (nextPoints, nextWeights)
        }
        return (points, weights)
    }

    /// Exponents of the monomials of total degree ≤ p in d variables.
    static func exponents(degree p: Int, dimension d: Int) -> [[Int]] {
        guard d > 0 else { return [[]] }
        return (0...p).flatMap { a in exponents(degree: p - a, dimension: d - 1).map { [a] + $0 } }
    }

    /// ECM on the monomials of degree ≤ p over a tensor Gauss rule of the square (p = 6, 8×8
    /// points) and of the cube (p = 4, 4×4×4): at most as many points as monomials, non-negative
    /// weights, and every monomial's exact integral Π 1/(a_i + 1) over [0, 1]^d to 1e-12.
    func testIntegratesPolynomialsExactly() throws {
        for (rule, d, p) in [(Self.gauss8, 2, 6), (Self.gauss4, 3, 4)] {
            let (points, w) = Self.tensorRule(rule, dimension: d)
            let monomials = Self.exponents(degree: p, dimension: d)
            var g = Matrix(rows: points.count, columns: monomials.count)
            for (i, x) in points.enumerated() {
                for (j, a) in monomials.enumerated() { g[i, j] = zip(x, a).reduce(1.0) { $0 * pow($1.0, Double($1.1)) } }
            }
            let ecm = try EmpiricalCubature(integrands: g, weights: w, options: .init(tolerance: 1e-13, svdTolerance: 1e-13))
            XCTAssertLessThanOrEqual(ecm.points.count, monomials.count, "d = \(d), p = \(p): \(ecm.points.count) points for \(monomials.count) monomials")
            XCTAssertTrue(ecm.weights.allSatisfy { $0 > 0 })
            for (j, a) in monomials.enumerated() {
                let exact = a.reduce(1.0) { $0 / Double($1 + 1) }
                let reduced = zip(ecm.points, ecm.weights).reduce(0.0) { $0 + $1.1 * g[$1.0, j] }
                XCTAssertEqual(reduced, exact, accuracy: 1e-12, "monomial \(a)")
            }
            XCTAssertEqual(ecm.weights.reduce(0, +), 1, accuracy: 1e-13, "the volume")
        }
    }

    /// Smooth oscillating integrands cos(ω·x + φ) on a 30×30 midpoint grid with uneven weights:
    /// the selected points integrate them to τ (checked here from the points and weights), with
    /// positive weights and far fewer points than the grid has.
    func testIntegratesTheTrainingIntegrandsToTheTolerance() throws {
        var generator = SplitMix64(seed: 21)
        let side = 30, m = side * side, p = 60
        var w = [Double](repeating: 0, count: m), x = [[Double]](repeating: [0, 0], count: m)
        for i in 0..<side {
            for j in 0..<side {
                x[i * side + j] = [(Double(i) + 0.5) / Double(side), (Double(j) + 0.5) / Double(side)]
                w[i * side + j] = (0.5 + generator.nextUniform()) / Double(m)
            }
        }
        var g = Matrix(rows: m, columns: p)
        for j in 0..<p {
            let omega = [6 * generator.nextUniform() - 3, 6 * generator.nextUniform() - 3], phase = 6 * generator.nextUniform()
            for i in 0..<m { g[i, j] = cos(omega[0] * x[i][0] + omega[1] * x[i][1] + phase) }
        }
        for tau in [1e-3, 1e-6] {
            let ecm = try EmpiricalCubature(integrands: g, weights: w, options: .init(tolerance: tau))
            let exact = g.applyTransposed(w)
            var reduced = [Double](repeating: 0, count: p)
            for (point, weight) in zip(ecm.points, ecm.weights) { for j in 0..<p { reduced[j] += weight * g[point, j] } }
            var difference = reduced
            BLAS.axpy(-1, exact, &difference)
            let error = BLAS.nrm2(difference) / BLAS.nrm2(exact)
            XCTAssertLessThanOrEqual(error, tau)
            XCTAssertEqual(error, ecm.error, accuracy: 1e-12)
            XCTAssertTrue(ecm.weights.allSatisfy { $0 > 0 })
            XCTAssertEqual(ecm.points, ecm.points.sorted())
            XCTAssertEqual(Set(ecm.points).count, ecm.points.count)
            XCTAssertLessThanOrEqual(ecm.points.count, ecm.basisSize, "τ = \(tau): \(ecm.points.count) of \(m) points")
            XCTAssertLessThan(ecm.points.count, m / 10, "τ = \(tau): \(ecm.points.count) of \(m) points")
            XCTAssertEqual(ecm.errorHistory.last!, ecm.error)
        }
    }

    func testBadInputIsAnError() throws {
        let (points, w) = Self.tensorRule(Self.gauss4, dimension: 2)
        var g = Matrix(rows: points.count, columns: 3)
        for (i, x) in points.enumerated() { g[i, 0] = 1; g[i, 1] = x[0]; g[i, 2] = x[1] * x[1] }
        var nan = g
        nan[5, 1] = .nan
        XCTAssertThrowsError(try EmpiricalCubature(integrands: nan, weights: w)) {
            guard case .notFinite? = $0 as? ROMError else { return XCTFail("\($0)") }
            XCTAssertTrue("\($0)".contains("point 5, integrand 1"), "\($0)")
        }
        XCTAssertThrowsError(try EmpiricalCubature(integrands: g, weights: Array(w.dropLast()))) {
            XCTAssertEqual($0 as? ROMError, .dimensionMismatch(what: "ECM weights (one per integration point)", expected: 16, found: 15))
        }
        var negative = w
        negative[3] = -0.1
        XCTAssertThrowsError(try EmpiricalCubature(integrands: g, weights: negative)) {
            guard case .invalidOption(let name, _)? = $0 as? ROMError else { return XCTFail("\($0)") }
            XCTAssertEqual(name, "ECM weights")
        }
        XCTAssertThrowsError(try EmpiricalCubature(integrands: g, weights: w, options: .init(tolerance: 0)))
        XCTAssertThrowsError(try EmpiricalCubature(integrands: Matrix(rows: 0, columns: 3), weights: []))
        // One point cannot integrate 1, x and y² to 1e-12.
        XCTAssertThrowsError(try EmpiricalCubature(integrands: g, weights: w, options: .init(tolerance: 1e-12, maximumPoints: 1))) {
            guard case .notConverged(let method, _, _)? = $0 as? HyperReductionError else { return XCTFail("\($0)") }
            XCTAssertEqual(method, "ECM")
        }
    }
}
