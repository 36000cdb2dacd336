import LinearAlgebra

/// How the dual norm ‖r(μ)‖_{X'} of the residual is evaluated online.
public enum ResidualNormMethod: String, Sendable, Codable, CaseIterable {
    /// The classical offline/online formula ‖r‖² = cᵀ G c with G the Gram matrix of the Riesz
    /// representers: it cancels terms of size ‖f‖², so it stalls near √ε ≈ 1e-8 relative.
    case standard
    /// Buhr–Engwer–Ohlberger–Rave (2014): the representers expanded in an X-orthonormal basis,
    /// ‖r‖ = ‖B c‖₂ computed without squaring, accurate down to round-off.
    case orthonormalized
}

/// The offline data of the residual estimator, grown with the reduced basis.
///
/// The residual of u_N = Σ_n u_n v_n is r(μ) = Σ_p θ'_p(μ) f_p − Σ_n Σ_q θ_q(μ) u_n A_q v_n. Its
/// Riesz representer X⁻¹ r is the combination, with coefficients c(μ) = (θ'_p, −θ_q u_n), of the
/// representers ξ_p = X⁻¹ f_p and η_qn = X⁻¹ A_q v_n, computed once (one solve with the factored X
/// each) and kept as their coefficients B in an X-orthonormal basis W of their span. Then
/// ‖r‖_{X'} = ‖X⁻¹r‖_X = ‖Bc‖₂ (orthonormalized) = √(cᵀGc) with G = BᵀB their Gram matrix
/// (standard): the representers themselves need not be kept.
struct ResidualRieszRepresentation {
    private let xSolver: CholeskyFactorization
    private let innerProduct: InnerProduct
    /// W, an X-orthonormal basis of the representers' span.
    private var residualBasis: OrthonormalBasis
    /// The coefficients of each representer in W (column i has W.count-at-insertion entries).
    private var expansions: [[Double]] = []

    init(innerProduct: InnerProduct, dimension: Int) throws {
        guard let x = innerProduct.matrix else {
            throw ROMError.invalidOption(name: "inner product", detail: "the residual estimator needs an SPD matrix for X (Euclidean: pass the identity)")
        }
        xSolver = try CholeskyFactorization(x)
        self.innerProduct = innerProduct
        residualBasis = OrthonormalBasis(dimension: dimension, innerProduct: innerProduct)
    }

    /// Number of representers K.
    var count: Int { expansions.count }

    /// Adds the representers of the functionals `g` (right-hand sides f_p, or the images A_q v_n
    /// of a new basis vector), in order: one multi-right-hand-side solve with X and one block
    /// Gram–Schmidt into W.
    mutating func append(functionals g: [[Double]]) throws {
        guard !g.isEmpty else { return }
        let xi = try xSolver.solve(Matrix(columns: g))
        expansions.append(contentsOf: residualBasis.append(block: xi, relativeTolerance: 1e-14))
    }

    /// G = BᵀB (K×K), the Gram matrix of the representers in X.
    var gram: Matrix { orthonormalCoefficients.gram }

    /// B (R×K): column i holds the coefficients of representer i in W.
    var orthonormalCoefficients: Matrix {
        var b = Matrix(rows: residualBasis.count, columns: count)
        for (i, e) in expansions.enumerated() { for (r, value) in e.enumerated() { b[r, i] = value } }
        return b
    }

    /// ‖X⁻¹ g‖_X for a functional g (the dual norm of an output functional).
    func dualNorm(of g: [Double]) throws -> Double {
        let xi = try xSolver.solve(g)
        return Swift.max(BLAS.dot(xi, g), 0).squareRoot()
    }
}
