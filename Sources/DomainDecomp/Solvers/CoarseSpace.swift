/// The coarse level of `TwoLevelSchwarz`: the columns of Z = R_0ᵀ, each supported on one
/// subdomain p as z = R_pᵀ D_p v with D_p the multiplicity partition of unity.
public enum CoarseSpace: Sendable, Equatable, CustomStringConvertible {
    /// One level only: M⁻¹ = Σ_p R_pᵀ A_p⁻¹ R_p.
    case none
    /// Nicolaides (1987): one vector per subdomain, v = 1 (so Σ_p z_p = 1). It removes the
    /// constants of the floating subdomains, and nothing a coefficient jump makes nearly constant.
    case nicolaides
    /// GenEO (Spillane, Dolean, Hauret, Nataf, Pechstein & Scheichl 2014): per subdomain, the
    /// eigenvectors of A_p^Neu v = λ D_p A_p D_p v with λ < `threshold`, at most `maxPerSubdomain`
    /// of them (the smallest), where A_p^Neu is the subdomain's Neumann matrix (assembled on its
    /// own cells). The condition number is then bounded independently of the number of parts and
    /// of coefficient jumps, by a constant that grows like 1/τ (`GenEO.swift`).
    case geneo(threshold: Double, maxPerSubdomain: Int)

    /// GenEO with the defaults measured on 3D Poisson and the high-contrast channels
    /// (`docs/distributed.md`, "Iteration counts"): τ = 0.3, at most 40 vectors per subdomain.
    public static let geneoDefault = CoarseSpace.geneo(threshold: GenEO.defaultThreshold, maxPerSubdomain: GenEO.defaultMaxPerSubdomain)

    /// `none`, `nicolaides` or `geneo(τ, at most k)`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .nicolaides: return "nicolaides"
        case let .geneo(threshold, count): return "geneo(τ = \(threshold), at most \(count))"
        }
    }
}
