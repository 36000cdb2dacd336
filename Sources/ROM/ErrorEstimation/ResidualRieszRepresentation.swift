import LinearAlgebra

/// How the dual norm ‖r(μ)‖_{X'} of the residual is evaluated online.
public enum ResidualNormMethod: String, Sendable, Codable, CaseIterable {
    /// The classical offline/online formula ‖r‖² = cᵀ G c with G the Gram matrix of the Riesz
    /// representers: it cancels terms of size ‖f‖², so it stalls near √ε ≈ 1e-8 relative.
    case standard
    /// Buhr–Engwer–Ohlberger–Rave (2014): the representers expanded in an X-orthonormal basis,
    /// ‖r‖ = ‖B c‖₂ computed without squaring, accurate down to round-off.
    case orthonormalized
    /// Casenave–Ern–Lelièvre (2014): ‖r(μ)‖² ≈ Σ_s λ_s(μ) ‖r(μ_s)‖², the EIM of the products
    /// c_k(μ) c_l(μ) (symmetric formulation) applied to squared residual norms computed at the truth
    /// level (`ResidualNormInterpolation`). Built for the final basis by
    /// `ReducedBasisReductor.reducedModel(residualNormMethod:trainingSet:interpolationOptions:keepBasis:)`;
    /// online cost O(K + S²), independent of n.
    case empiricalInterpolation
}

/// The offline data of the residual estimator, grown with the reduced basis.
///
/// The residual of u_N = Σ_n u_n v_n is r(μ) = Σ_p θ'_p(μ) f_p − Σ_n Σ_q θ_q(μ) u_n A_q v_n, a
/// combination with coefficients c(μ) = (θ'_p, −θ_q u_n) of the functionals g_k = f_p, A_q v_n.
/// With X factored as P X Pᵀ = L Lᵀ, ‖g‖_{X'}² = gᵀX⁻¹g = ‖L⁻¹P g‖₂², so Y = L⁻¹P[g_1 … g_K]
/// (half a solve per functional) maps the dual norm to the Euclidean one: ‖r(μ)‖_{X'} = ‖Y c‖₂.
/// Y is factored as Q R by Householder QR grown block by block (`GrowingHouseholderQR`), so
///   ‖r(μ)‖_{X'} = ‖R c‖₂ (orthonormalized), = √(cᵀGc) with G = RᵀR (standard).
/// R is the matrix of the representers' coefficients in the X-orthonormal basis Pᵀ L⁻ᵀ Q of their
/// span: the method of Buhr–Engwer–Ohlberger–Rave (2014), with Householder QR after the Cholesky
/// change of variables in place of Gram–Schmidt in X. Neither Y nor the basis is kept; appending
/// the K-th functional costs one application of the K reflectors.
struct ResidualRieszRepresentation {
    private let xFactor: CholeskyFactorization
    private var qr: GrowingHouseholderQR

    init(innerProduct: InnerProduct, dimension: Int) throws {
        guard let x = innerProduct.matrix else {
            throw ROMError.invalidOption(name: "inner product", detail: "the residual estimator needs an SPD matrix for X (Euclidean: pass the identity)")
        }
        xFactor = try CholeskyFactorization(x)
        qr = GrowingHouseholderQR(rows: dimension)
    }

    /// Number of functionals K.
    var count: Int { qr.columnCount }

    /// Adds the functionals `g` (right-hand sides f_p, or the images A_q v_n of a new basis
    /// vector), in order: one multi-right-hand-side half solve with X and one block QR update.
    mutating func append(functionals g: [[Double]]) throws {
        guard !g.isEmpty else { return }
        try qr.append(try xFactor.whitened(Matrix(columns: g)))
    }

    /// R (min(n, K)×K): column k holds the coefficients of representer k in an X-orthonormal basis.
    var orthonormalCoefficients: Matrix { qr.r }

    /// ‖g‖_{X'} = ‖L⁻¹P g‖₂ for a functional g (the dual norm of an output functional).
    func dualNorm(of g: [Double]) throws -> Double {
        BLAS.nrm2(try xFactor.whitened(Matrix(columns: [g])).storage)
    }
}
