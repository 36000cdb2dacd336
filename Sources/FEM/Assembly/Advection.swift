import Foundation

/// A velocity field b(x) of an advection term.
public typealias VelocityField = @Sendable (SIMD3<Double>) -> SIMD3<Double>

extension BilinearForm {
    /// The advection term ∫ (b·∇u) v of −ε Δu + b·∇u = f (not symmetric; skew when div b = 0 and
    /// u = v = 0 on the boundary). Integrated exactly for P1 and a constant b.
    public static func advection(_ b: SIMD3<Double>) -> BilinearForm {
        BilinearForm(integrand: { u, v, _ in dot(b, u.gradient) * v.value }, degree: { 2 * $0 - 1 }, p1Terms: nil)
    }

    /// The advection term ∫ (b(x)·∇u) v for a varying field (quadrature degree raised by 2).
    public static func advection(_ b: @escaping VelocityField) -> BilinearForm {
        BilinearForm(integrand: { u, v, p in dot(b(p.x), u.gradient) * v.value }, degree: { 2 * $0 + 1 }, p1Terms: nil)
    }

    /// The streamline-diffusion term of SUPG, ∫ τ (b·∇u)(c·∇v), with c = b unless `test` is given
    /// (the mixed terms make the SUPG operator affine in the components of b:
    /// τ(b·∇u)(b·∇v) = Σ_ij b_i b_j τ ∂_j u ∂_i v). τ is a constant or per region (`SUPG.tau`).
    public static func streamlineDiffusion(_ b: SIMD3<Double>, test c: SIMD3<Double>? = nil, tau: Coefficient) -> BilinearForm {
        let c = c ?? b
        return BilinearForm(integrand: { u, v, p in tau.value(at: p) * dot(b, u.gradient) * dot(c, v.gradient) },
                            degree: { 2 * ($0 - 1) + (tau.isFunction ? 2 : 0) }, p1Terms: nil)
    }
}

extension LinearForm {
    /// The SUPG load ∫ τ f (b·∇v): the source tested against the streamline perturbation.
    public static func streamlineSource(_ f: Coefficient, _ b: SIMD3<Double>, tau: Coefficient) -> LinearForm {
        LinearForm(integrand: { v, p in tau.value(at: p) * f.value(at: p) * dot(b, v.gradient) },
                   degree: { $0 - 1 + (f.isFunction || tau.isFunction ? 2 : 0) }, p1Source: nil)
    }
}

/// The streamline upwind Petrov–Galerkin (SUPG) stabilization of −ε Δu + b·∇u = f (Brooks and
/// Hughes 1982): the test function v becomes v + τ b·∇v on each cell. For P1 the second-order
/// term of the residual vanishes cell by cell, so the stabilized form is
/// ε(∇u, ∇v) + (b·∇u, v) + τ(b·∇u, b·∇v) = (f, v) + τ(f, b·∇v).
public enum SUPG {
    /// τ = h / (2|b|) (coth Pe − 1/Pe) with the cell Péclet number Pe = |b| h / (2ε): the optimal
    /// value in 1D, ≈ h/(2|b|) when advection dominates and ≈ h²/(12ε) when diffusion does.
    /// Zero for b = 0.
    public static func tau(cellSize h: Double, speed: Double, diffusivity epsilon: Double) -> Double {
        precondition(h > 0 && epsilon > 0 && speed >= 0, "SUPG.tau: h and ε must be positive, |b| nonnegative")
        guard speed > 0 else { return 0 }
        let pe = speed * h / (2 * epsilon)
        // coth Pe − 1/Pe ≈ Pe/3 for small Pe (the series avoids the cancellation).
        let xi = pe < 1e-3 ? pe / 3 : 1 / tanh(pe) - 1 / pe
        return h / (2 * speed) * xi
    }
}
