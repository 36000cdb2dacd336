/// How `TwoLevelSchwarz` weights its subdomain solves and combines them with the coarse level
/// (Q = Z E⁻¹ Zᵀ, E = Zᵀ A Z; D_p the multiplicity partition of unity).
public enum SchwarzForm: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// M⁻¹ = Σ_p R_pᵀ A_p⁻¹ R_p + Q (Toselli & Widlund 2005, ch. 3). λ_max(M⁻¹A) grows with k₀,
    /// the number of subdomains overlapping at a point (4 → 8 from 4 to 16 METIS parts of a cube),
    /// and no coarse space lowers it. GenEO's pencil is A_p^Neu v = λ D_p A_p D_p v.
    case additive
    /// M⁻¹ = (I − Q A) M₁⁻¹ (I − A Q) + Q, the balancing (BNN) combination in the comparison of
    /// Tang, Nabben, Vuik & Erlangga (J. Sci. Comput. 2009), over the one level
    /// M₁⁻¹ = Σ_p R_pᵀ D_p^{1/2} A_p⁻¹ D_p^{1/2} R_p: the square roots of the partition of unity
    /// (Σ_p R_pᵀ D_p^{1/2} D_p^{1/2} R_p = I) keep the high-frequency eigenvalues of M₁⁻¹A near 1
    /// wherever several subdomains overlap, so λ_max no longer grows with k₀ (measured 1.4–1.5 on
    /// 4, 8 and 16 parts of the cube, against 4 → 6.1 additive). GenEO's pencil for this one level
    /// is A_p^Neu v = λ D_p^{1/2} A_p D_p^{1/2} v, the one the abstract Schwarz theory's stable
    /// decomposition u = Σ_p R_pᵀ D_p (I − Π_p) R_p u + coarse asks for when the local solver is
    /// D_p^{-1/2} A_p D_p^{-1/2} (`GenEO.swift`). The √D weighting and its pencil are our
    /// reconstruction (the papers' text was not at hand), checked by the iteration counts in
    /// docs/distributed.md; each application costs two more products with A and coarse solves
    /// than `additive`, none of them communicating (A and Z are held on every rank). The default
    /// of `TwoLevelSchwarz` and of `distributed-pod --schwarz-form`.
    case balanced

    /// `additive` or `balanced`.
    public var description: String { rawValue }
}
