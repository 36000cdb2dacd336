import LinearAlgebra

/// The exact matrix functions of an affine SPD matrix A(μ) = Σ θ_q(μ) A_q for many μ by CHOLMOD:
/// log det A(μ), bᵀ A(μ)⁻¹ c and A(μ)⁻¹ b, with one symbolic analysis (METIS ordering) for every
/// μ and a numeric refactorization per μ (`CholeskyFactorization.refactor(values:)`).
///
/// The reference the approximations of log-determinants (stochastic Lanczos quadrature, an
/// interpolation over μ) are measured against. Not thread-safe: it keeps one factorization.
public final class ParametricCholesky {
    /// The box of admissible μ.
    public let parameterSpace: ParameterSpace
    /// A(μ) = Σ θ_q(μ) A_q (assembled terms).
    public let decomposition: AffineDecomposition
    /// How the first factorization is analyzed.
    public let options: CholeskyFactorization.Options
    private var factorization: CholeskyFactorization?
    private var analyzedPattern: SparseMatrix?
    private var factoredParameter: Parameter?
    /// Numeric factorizations done so far (the first one includes the symbolic analysis).
    public private(set) var factorCount = 0
    /// Seconds of the symbolic analysis (0 before the first factorization).
    public private(set) var analysisSeconds = 0.0

    /// The exact functions of A(μ).
    /// - Throws: `ROMError.invalidOption` when the terms are not assembled sparse matrices or not
    ///   symmetric, `dimensionMismatch` when θ has another length than the terms.
    public init(parameterSpace: ParameterSpace, decomposition: AffineDecomposition,
                options: CholeskyFactorization.Options = .init(ordering: .metis)) throws {
        guard decomposition.isAssembled else {
            throw ROMError.invalidOption(name: "matrix functions", detail: "the affine terms must be assembled sparse matrices")
        }
        guard decomposition.isSymmetric else {
            throw ROMError.invalidOption(name: "matrix functions", detail: "A(μ) must be symmetric (a term is not)")
        }
        self.parameterSpace = parameterSpace
        self.decomposition = decomposition
        self.options = options
    }

    /// The Cholesky factor of A(μ), refactored on the analyzed pattern when μ changes.
    /// - Throws: `ParameterError` for μ outside the box; `LinearAlgebraError.notPositiveDefinite`
    ///   (with the column) when A(μ) is not SPD; `notSymmetric` when A(μ) is not symmetric.
    public func factor(at mu: Parameter) throws -> CholeskyFactorization {
        try parameterSpace.validate(mu)
        if let f = factorization, factoredParameter == mu { return f }
        let a = decomposition.matrix(at: mu)
        factoredParameter = nil
        if let f = factorization, let pattern = analyzedPattern, pattern.hasSamePattern(as: a) {
            try f.refactor(values: a.values)
        } else {
            let f = try CholeskyFactorization(a, options: options)
            factorization = f
            analyzedPattern = a
            analysisSeconds = f.timings.analyze
        }
        factorCount += 1
        factoredParameter = mu
        return factorization!
    }

    /// log det A(μ).
    public func logDeterminant(at mu: Parameter) throws -> Double {
        try factor(at: mu).logDeterminant
    }

    /// A(μ)⁻¹ b.
    public func solve(_ b: [Double], at mu: Parameter) throws -> [Double] {
        guard b.count == decomposition.dimension else {
            throw ROMError.dimensionMismatch(what: "right-hand side", expected: decomposition.dimension, found: b.count)
        }
        return try factor(at: mu).solve(b)
    }

    /// bᵀ A(μ)⁻¹ c.
    public func quadraticForm(_ b: [Double], _ c: [Double], at mu: Parameter) throws -> Double {
        guard b.count == decomposition.dimension else {
            throw ROMError.dimensionMismatch(what: "quadratic form's left vector", expected: decomposition.dimension, found: b.count)
        }
        return BLAS.dot(b, try solve(c, at: mu))
    }
}
