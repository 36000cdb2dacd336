import Foundation
import LinearAlgebra

/// Stochastic Lanczos quadrature (Ubaru, Chen, Saad, "Fast estimation of tr(f(A)) via stochastic
/// Lanczos quadrature", SIMAX 2017) for log det A = tr log A of a symmetric positive definite A,
/// from matrix–vector products only: the method of GPyTorch and `imate`.
///
/// 1. Hutchinson: tr f(A) = E[zᵀ f(A) z] for Rademacher probes z (entries ±1), so
///    tr f(A) ≈ (1/N_v) Σ_l z_lᵀ f(A) z_l.
/// 2. Lanczos: m steps from v₁ = z/‖z‖ give the tridiagonal T_m = V_mᵀ A V_m.
/// 3. Gauss quadrature: with T_m = Σ_k θ_k y_k y_kᵀ (LAPACK `dstev`),
///    zᵀ f(A) z ≈ ‖z‖² Σ_k τ_k² f(θ_k), τ_k = (y_k)₁ the first entry of each eigenvector.
///
/// The probes come from a seeded generator (`SplitMix64`), so a given seed gives the same estimate
/// on every run (GPyTorch users report non-deterministic log-determinants: its issue 1495).
/// The Lanczos vectors are not reorthogonalized (as in the paper): the quadrature stays accurate
/// while the Ritz values are, and the error is dominated by the Hutchinson term, O(1/√N_v).
public struct StochasticLanczosQuadrature: Sendable {
    /// Number of Rademacher probes N_v.
    public var probes: Int
    /// Lanczos steps m per probe (the number of Gauss nodes).
    public var lanczosSteps: Int
    /// Seed of the probes.
    public var seed: UInt64

    /// SLQ with `imate`'s and GPyTorch's usual sizes unless given (tens of probes, 20–25 steps).
    public init(probes: Int = 30, lanczosSteps: Int = 25, seed: UInt64 = 1) throws {
        guard probes >= 1 else { throw ROMError.invalidOption(name: "SLQ probes", detail: "\(probes) (at least 1)") }
        guard lanczosSteps >= 1 else { throw ROMError.invalidOption(name: "SLQ Lanczos steps", detail: "\(lanczosSteps) (at least 1)") }
        self.probes = probes
        self.lanczosSteps = lanczosSteps
        self.seed = seed
    }

    /// The estimate of tr f(A) for a symmetric operator whose spectrum lies where f is defined.
    /// - Throws: `notSquare` for a rectangular operator; `notPositiveDefinite` when a Ritz value is
    ///   not positive and `f` is the logarithm (`logDeterminant`); `notFinite` when f is not finite at a node.
    public func trace(of a: some LinearOperator<Double>, function f: (Double) -> Double,
                      requiresPositive: Bool = false) throws -> Double {
        let n = a.rows
        guard a.columns == n else { throw LinearAlgebraError.notSquare(rows: a.rows, columns: a.columns) }
        guard n > 0 else { return 0 }
        let m = min(lanczosSteps, n)
        var generator = SplitMix64(seed: seed)
        // Three Lanczos vectors (previous, current, next) in one buffer, rotated by offset.
        var storage = [Double](repeating: 0, count: 3 * n)
        var alphas = [Double](), betas = [Double]()
        alphas.reserveCapacity(m)
        betas.reserveCapacity(m)
        var total = 0.0
        for _ in 0..<probes {
            alphas.removeAll(keepingCapacity: true)
            betas.removeAll(keepingCapacity: true)
            storage.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                func vector(_ k: Int) -> UnsafeMutableBufferPointer<Double> {
                    UnsafeMutableBufferPointer(start: base + (k % 3) * n, count: n)
                }
                // Step 1: a Rademacher probe z, v₁ = z/‖z‖ (‖z‖² = n), v₀ = 0.
                let scale = 1 / Double(n).squareRoot()
                let first = vector(1)
                for i in 0..<n { first[i] = (generator.next() & 1) == 0 ? scale : -scale }
                vector(0).update(repeating: 0)
                // Step 2: m Lanczos steps, w = A v_j − β_{j−1} v_{j−1} − α_j v_j.
                var beta = 0.0
                for step in 0..<m {
                    let previous = vector(step), current = vector(step + 1), next = vector(step + 2)
                    a.apply(UnsafeBufferPointer(current), into: next)
                    BLAS.axpy(-beta, UnsafeBufferPointer(previous), next)
                    let alpha = BLAS.dot(UnsafeBufferPointer(next), UnsafeBufferPointer(current))
                    BLAS.axpy(-alpha, UnsafeBufferPointer(current), next)
                    alphas.append(alpha)
                    beta = BLAS.nrm2(UnsafeBufferPointer(next))
                    // An invariant subspace (β ≈ 0) ends the recurrence: the quadrature is exact.
                    if step == m - 1 || beta <= 1e-14 * Swift.max(abs(alpha), Double.leastNormalMagnitude) { break }
                    betas.append(beta)
                    BLAS.scal(1 / beta, next)
                }
            }
            // Step 3: Gauss quadrature from the eigenpairs of T_m.
            let t = try SymmetricTridiagonalEigen(diagonal: alphas, offDiagonal: betas)
            var quadrature = 0.0
            for k in 0..<t.values.count {
                let theta = t.values[k]
                if requiresPositive && !(theta > 0) {
                    throw LinearAlgebraError.notPositiveDefinite(column: k, routine: "stochastic Lanczos quadrature (Ritz value \(theta))")
                }
                let value = f(theta)
                guard value.isFinite else { throw LinearAlgebraError.notFinite(what: "f at a Lanczos Ritz value", index: k) }
                let tau = t.vectors[0, k]
                quadrature += tau * tau * value
            }
            total += Double(n) * quadrature
        }
        return total / Double(probes)
    }

    /// The estimate of log det A for a symmetric positive definite operator A.
    public func logDeterminant(of a: some LinearOperator<Double>) throws -> Double {
        try trace(of: a, function: { Foundation.log($0) }, requiresPositive: true)
    }
}
