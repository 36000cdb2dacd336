import ComplexModule
import LinearAlgebra
import ROM
import XCTest

/// A complex Helmholtz problem with affine frequency dependence, A(k) = K − k² M + i k R on the
/// unit square with an impedance boundary, reduced by the RB greedy with the residual-norm
/// indicator: the complex path end to end (complex CSR, zgemm/zgemv, zgesv, UMFPACK).
final class ComplexHelmholtzTests: XCTestCase {
    /// P1-like finite differences on an n×n interior grid, h = 1/(n+1): K the 5-point stiffness,
    /// M = h² I the lumped mass, R = h on the unknowns next to x = 1 (the impedance side, where
    /// the stiffness has a Neumann row), u = 0 on the other sides. f a Gaussian source at (0.3, 0.5).
    struct Helmholtz: ParametricProblem {
        let n = 24
        let parameterSpace = try! ParameterSpace(names: ["k"], lower: [2], upper: [6])
        var dimension: Int { n * n }
        let stiffness: SparseMatrix
        let impedance: [Int]
        let load: [Complex<Double>]

        init() {
            let n = 24, h = 1 / Double(n + 1)
            var k = SparseBuilder<Double>(rows: n * n, columns: n * n)
            var boundary: [Int] = []
            for j in 0..<n {
                for i in 0..<n {
                    let p = i + j * n
                    var diagonal = 4.0
                    if i > 0 { k.add(p, p - 1, -1) }
                    if i + 1 < n { k.add(p, p + 1, -1) } else { diagonal -= 1; boundary.append(p) }   // Neumann row at x = 1
                    if j > 0 { k.add(p, p - n, -1) }
                    if j + 1 < n { k.add(p, p + n, -1) }
                    k.add(p, p, diagonal)
                }
            }
            stiffness = k.build()
            impedance = boundary
            load = (0..<(n * n)).map { p in
                let x = Double(p % n + 1) * h - 0.3, y = Double(p / n + 1) * h - 0.5
                return Complex(h * h * exp(-(x * x + y * y) / 0.01), 0)
            }
        }

        /// X = K + M: the discrete H¹ product.
        var innerProduct: InnerProduct { .weighted(by: stiffness + (1 / Double((n + 1) * (n + 1))) * SparseMatrix.identity(dimension)) }

        func matrix(at mu: Parameter) throws -> ComplexSparseMatrix {
            let k = mu[0], h = 1 / Double(n + 1)
            var a = SparseBuilder<Complex<Double>>(rows: dimension, columns: dimension)
            for i in 0..<stiffness.rows {
                for q in stiffness.rowPointers[i]..<stiffness.rowPointers[i + 1] {
                    a.add(i, stiffness.columnIndices[q], Complex(stiffness.values[q], 0))
                }
                a.add(i, i, Complex(-k * k * h * h, 0))
            }
            for p in impedance { a.add(p, p, Complex(0, k * h)) }
            return a.build()
        }
        func rightHandSide(at mu: Parameter) throws -> [Complex<Double>] { load }
        func solve(_ mu: Parameter) throws -> [Complex<Double>] { try LUFactorization(matrix(at: mu)).solve(load) }
    }

    func testHelmholtzReducedToTheTruthOverFreshFrequencies() throws {
        let problem = Helmholtz()
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 80)
        let greedy = try ReducedBasisGreedy(tolerance: 1e-11, relative: true, maxBasisSize: 60)
        let result = try greedy.run(problem: problem, trainingSet: training)
        XCTAssertEqual(result.stopReason, .toleranceReached)
        XCTAssertLessThan(result.basis.columns, 40)
        // The basis is orthonormal in X: Vᴴ X V = I.
        let x = try XCTUnwrap(problem.innerProduct.matrix)
        let xv = ComplexMatrix(columns: (0..<result.basis.columns).map { x.apply(scalars: result.basis.column($0)) })
        XCTAssertLessThan((ComplexMatrix.product(.adjoint, result.basis, .none, xv) - .identity(result.basis.columns)).maxAbs, 1e-12)

        var largest = 0.0
        func xNorm(_ u: [Complex<Double>]) -> Double {
            let xu = x.apply(scalars: u)
            return zip(u, xu).reduce(0.0) { $0 + ($1.0.conjugate * $1.1).real }.squareRoot()
        }
        for mu in try problem.parameterSpace.random(count: 50, seed: 17) {
            try result.model.solve(mu)
            let truth = try problem.solve(mu)
            let reduced = try result.model.reconstruct(result.model.coefficients)
            let error = xNorm(zip(truth, reduced).map { $0 - $1 }) / xNorm(truth)
            largest = max(largest, error)
        }
        print("complex Helmholtz: N = \(result.basis.columns), largest relative error over 50 fresh k: \(largest)")
        XCTAssertLessThanOrEqual(largest, 1e-8, "largest relative X-norm error over 50 fresh k")
    }
}
