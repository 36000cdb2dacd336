import LinearAlgebra

/// The GenEO coarse space (Spillane, Dolean, Hauret, Nataf, Pechstein & Scheichl, Numer. Math.
/// 2014, "Abstract robust coarse spaces for systems of PDEs via generalized eigenproblems in the
/// overlaps"), in the algebraic form of Dolean, Jolivet & Nataf (SIAM 2015, §7.6–7.7):
///
/// 1. on subdomain p (the dofs of a part grown by δ layers), the generalized eigenproblem
///
///        A_p^Neu v = λ D_p (R_p A R_pᵀ) D_p v,
///
///    A_p^Neu the Neumann matrix (the form assembled on the subdomain's own cells only, so a
///    floating subdomain has the constants in its kernel), R_p A R_pᵀ the Dirichlet matrix (the
///    rows of the global A), D_p the diagonal partition of unity (Σ_p R_pᵀ D_p R_p = I);
///    (with `SchwarzForm.balanced`, whose subdomain solves are weighted by D_p^{1/2}, the
///    right-hand side is D_p^{1/2} (R_p A R_pᵀ) D_p^{1/2}: the energy of D_p u in the norm of its
///    local solver D_p^{-1/2} A_p D_p^{-1/2}; our reconstruction, `SchwarzForm.swift`);
/// 2. keep the eigenvectors v_k with λ_k < τ (at most `maxPerSubdomain`, the smallest);
/// 3. the coarse vectors are z = R_pᵀ D_p v_k.
///
/// A small λ marks a function of little energy inside the subdomain that the partition of unity
/// makes costly: constants of a floating subdomain, and with a coefficient jump one nearly
/// constant function per high-conductivity channel crossing the subdomain's boundary. The
/// two-level additive Schwarz preconditioner with these vectors has κ(M⁻¹A) bounded by a
/// constant of the form (1 + k₀)(2 + k₀(2k₀ + 1)(1 + 1/τ)), k₀ the largest number of subdomains
/// sharing a dof (the form of SDHNPS14's main bound as we recall it, not checked against the
/// paper): independent of the number of parts and of the contrast, but not of k₀, which is why
/// with `SchwarzForm.additive` λ_max, and with it the count, still grows from 4 to 8 subdomains
/// meeting at a point; `SchwarzForm.balanced` weights the subdomain solves so that it does not.
///
/// Our reconstruction (the papers' text was not at hand): D_p is the multiplicity partition of
/// unity (1 / the number of subdomains holding the dof), not the smooth one the book's FreeFem
/// scripts build, and the cap `maxPerSubdomain` bounds the coarse dimension when more than that
/// many eigenvalues lie below τ. The eigenproblem is dense (LAPACK `dsygvx`), so a subdomain may
/// hold at most `denseLimit` dofs.
public enum GenEO {
    /// τ: eigenvalues below it give coarse vectors. Measured on the 14³ cube
    /// (`TwoLevelSchwarzGenEOTests`, docs/distributed.md): across κ = 10⁶ channels the
    /// channel modes have λ ≲ 10⁻³ and the rest λ > 0.3 (τ = 10⁻³, 0.1 and 0.3 keep the same
    /// vectors); on Poisson the smallest λ of a subdomain touching ∂Ω is about 0.57.
    public static let defaultThreshold = 0.3
    /// The most vectors one subdomain contributes by default: 12 cut off channel modes on the
    /// channels problem (up to 15 per subdomain at 4 parts), which cost 4× the iterations.
    public static let defaultMaxPerSubdomain = 40
    /// The largest subdomain (dofs) whose eigenproblem is solved: the dense `dsygvx` costs about
    /// 3 n³ flops and 32 n² bytes (four dense n×n copies), at n = 4,000 some 2·10¹¹ flops (of the
    /// order of 10 s on one core) and 512 MB (an estimate, not measured).
    public static let denseLimit = 4_000

    /// The coarse vectors of subdomain `part` as columns over its dofs, D_p v_k for the kept
    /// eigenvectors, and their eigenvalues.
    /// - Parameters:
    ///   - neumann: A_p^Neu on the subdomain's dofs (in the order of `dirichlet`'s rows).
    ///   - dirichlet: R_p A R_pᵀ.
    ///   - weights: the diagonal of D_p.
    ///   - form: which pencil (D_p or D_p^{1/2} around the Dirichlet matrix).
    /// - Throws: `SchwarzError` for a Neumann matrix of the wrong order or a subdomain above
    ///   `denseLimit`; `LinearAlgebraError` when D_p A_p D_p is not positive definite.
    static func coarseVectors(neumann: SparseMatrix, dirichlet: SparseMatrix, weights: [Double], form: SchwarzForm,
                              threshold: Double, maxPerSubdomain: Int, part: Int) throws -> (vectors: Matrix, eigenvalues: [Double]) {
        let n = dirichlet.rows
        guard neumann.rows == n, neumann.columns == n else {
            throw SchwarzError.neumannShape(part: part, expected: n, found: "\(neumann.rows)×\(neumann.columns)")
        }
        guard n <= denseLimit else { throw SchwarzError.subdomainTooLarge(part: part, dofs: n, limit: denseLimit) }
        let scale = form == .additive ? weights : weights.map { $0.squareRoot() }
        var b = dirichlet.dense
        for j in 0..<n { for i in 0..<n { b[i, j] *= scale[i] * scale[j] } }
        let pencil = try GeneralizedSymmetricEigen(neumann.dense, b, smallest: maxPerSubdomain)
        let kept = pencil.values.prefix { $0 < threshold }.count
        var vectors = pencil.vectors.columns(0..<kept)
        for j in 0..<kept { for i in 0..<n { vectors[i, j] *= weights[i] } }
        return (vectors, Array(pencil.values.prefix(kept)))
    }
}
