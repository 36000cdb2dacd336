import Foundation
import LinearAlgebra
import ROM

/// −(κ u′)′ = f on (0, 1), u(0) = u(1) = 0, κ(x; μ) = 1 + μ₀ exp(−(x − μ₁)²/0.02): a bump of
/// height μ₀ that moves with μ₁, so A(μ) has no affine decomposition. Finite differences on
/// n interior points, κ at the midpoints; X is the Laplacian (κ = 1), so a(v, v) ≥ ‖v‖²_X and
/// the indicator ‖r‖_X' bounds the error in X (α ≥ 1). f = 1, or f = 1 + μ₀ x (affine in μ
/// with two terms) when `loadVaries`.
struct MovingBump: ParametricProblem {
    let n = 120
    var loadVaries = false
    let parameterSpace = try! ParameterSpace(names: ["height", "center"], lower: [0.5, 0.3], upper: [5, 0.7])
    var dimension: Int { n }
    var innerProduct: InnerProduct { .weighted(by: Double((n + 1) * (n + 1)) * SparseMatrix.laplacian1D(n)) }

    func matrix(at mu: Parameter) throws -> SparseMatrix {
        let h = 1 / Double(n + 1)
        let kappa: [Double] = (0...n).map { i in
            let x = (Double(i) + 0.5) * h - mu[1]
            return 1 + mu[0] * exp(-x * x / 0.02)
        }
        var a = SparseBuilder<Double>(rows: n, columns: n)
        for i in 0..<n {
            a.add(i, i, (kappa[i] + kappa[i + 1]) / (h * h))
            if i > 0 { a.add(i, i - 1, -kappa[i] / (h * h)) }
            if i + 1 < n { a.add(i, i + 1, -kappa[i + 1] / (h * h)) }
        }
        return a.build()
    }
    func rightHandSide(at mu: Parameter) throws -> [Double] {
        (0..<n).map { loadVaries ? 1 + mu[0] * Double($0) / Double(n) : 1 }
    }
    func solve(_ mu: Parameter) throws -> [Double] { try CholeskyFactorization(matrix(at: mu)).solve(rightHandSide(at: mu)) }
}
