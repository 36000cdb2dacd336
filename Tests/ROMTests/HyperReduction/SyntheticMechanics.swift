import Foundation
import LinearAlgebra
import Materials
import ROM

/// A small synthetic "finite-element" problem for the hyper-reduction tests, built without a
/// mesh: M integration points of a tensor Gauss rule of the unit cube with their weights, a
/// strain–displacement matrix B(x) (6 × n) at each point whose entries are random polynomials
/// of degree 1 in x (as an element's strains are), and N orthonormal displacement modes V (n × N).
struct SyntheticMechanics {
    let weights: [Double]
    /// (6M) × n: the full strain–displacement matrices, stacked by point.
    let fullStrains: Matrix
    /// n × N.
    let modes: Matrix
    /// (6M) × N: B_g V stacked.
    var strainModes: Matrix { fullStrains * modes }
    var pointCount: Int { weights.count }
    var dofs: Int { fullStrains.columns }

    init(dofs n: Int, modes count: Int, seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let (points, w) = EmpiricalCubatureTests.tensorRule(EmpiricalCubatureTests.gauss8, dimension: 3)
        let m = points.count
        var b = Matrix(rows: 6 * m, columns: n)
        let coefficients = (0..<4).map { _ in (0..<(6 * n)).map { _ in generator.nextUniform() - 0.5 } }
        for (g, x) in points.enumerated() {
            for i in 0..<6 {
                for j in 0..<n {
                    let c = { (k: Int) in coefficients[k][i + 6 * j] }
                    b[6 * g + i, j] = c(0) + c(1) * x[0] + c(2) * x[1] + c(3) * x[2]
                }
            }
        }
        weights = w
        fullStrains = b
        let random = Matrix(rows: n, columns: count, storage: (0..<(n * count)).map { _ in generator.nextUniform() - 0.5 })
        modes = try PivotedQR(random).q
    }

    /// All points with the exact weights: the POD-Galerkin model without hyper-reduction.
    func allPoints() throws -> ReducedIntegrationPoints {
        try ReducedIntegrationPoints(strainModes: strainModes, weights: weights, pointIndices: Array(0..<pointCount))
    }

    /// The integrands σ_g(t) · B_g ψ_n of a run at every point: M × (steps · N).
    func integrands(stresses: Matrix) -> Matrix {
        let bv = strainModes, n = modes.columns, steps = stresses.columns
        var g = Matrix(rows: pointCount, columns: steps * n)
        for t in 0..<steps {
            for mode in 0..<n {
                for point in 0..<pointCount {
                    var sum = 0.0
                    for i in 0..<6 { sum += stresses[6 * point + i, t] * bv[6 * point + i, mode] }
                    g[point, t * n + mode] = sum
                }
            }
        }
        return g
    }
}
