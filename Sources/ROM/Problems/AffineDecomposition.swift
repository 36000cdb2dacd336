import LinearAlgebra

/// The affine parameter dependence A(μ) = Σ_q θ_q(μ) A_q, f(μ) = Σ_p θ'_p(μ) f_p, with optional
/// outputs s(μ) = l_k(u(μ)). The coefficient functions are `AffineCoefficients`: expressions
/// (`[ParameterFunction]`, which the online model file stores) or any other conforming type.
///
/// The terms A_q are `LinearOperator`s (`terms`): what the reduction needs is their action on the
/// basis vectors, so a matrix-free term (an external code's product, a fast summation) reduces
/// as well as a matrix. When every term is an assembled `SparseMatrix` (`operators`, what FEM
/// gives) the truth solvers of `AffineProblem` can form A(μ); they should then share one sparsity
/// pattern, so A(μ) is formed by combining values and one CHOLMOD analysis serves every μ.
public struct AffineDecomposition: Sendable {
    /// The operator terms A_q as operators.
    public let terms: [any LinearOperator<Double> & Sendable]
    /// The operator terms A_q as sparse matrices, when every term is one (else empty).
    public let operators: [SparseMatrix]
    /// θ_q.
    public let operatorCoefficients: any AffineCoefficients
    /// The right-hand side terms f_p.
    public let rightHandSides: [[Double]]
    /// θ'_p.
    public let rightHandSideCoefficients: any AffineCoefficients
    /// Output functionals l_k (vectors: s = l_k · u).
    public let outputs: [[Double]]
    /// Whether every A_q is symmetric (to 1e-13 of its largest entry): the reduced systems are
    /// then solved by Cholesky, and the terms may be condensed statically.
    public let isSymmetric: Bool

    /// A decomposition whose coefficients are expressions; throws `ROMError.dimensionMismatch`
    /// when the sizes disagree.
    public init(operators: [SparseMatrix], operatorCoefficients: [ParameterFunction],
                rightHandSides: [[Double]], rightHandSideCoefficients: [ParameterFunction],
                outputs: [[Double]] = []) throws {
        try self.init(operators: operators, coefficients: operatorCoefficients, rightHandSides: rightHandSides,
                      rightHandSideCoefficients: rightHandSideCoefficients, outputs: outputs)
    }

    /// A decomposition of sparse terms with any coefficient functions; throws
    /// `ROMError.dimensionMismatch` when the sizes disagree.
    public init(operators: [SparseMatrix], coefficients operatorCoefficients: any AffineCoefficients,
                rightHandSides: [[Double]], rightHandSideCoefficients: any AffineCoefficients,
                outputs: [[Double]] = []) throws {
        try self.init(terms: operators, coefficients: operatorCoefficients, rightHandSides: rightHandSides,
                      rightHandSideCoefficients: rightHandSideCoefficients, outputs: outputs)
    }

    /// A decomposition of any operator terms (square, of one order); throws `ROMError.empty` or
    /// `ROMError.dimensionMismatch`. Terms that are all `SparseMatrix` are kept as `operators`
    /// too; a decomposition with another term has no assembled A(μ) (`isAssembled` is false).
    public init(terms: [any LinearOperator<Double> & Sendable], coefficients operatorCoefficients: any AffineCoefficients,
                rightHandSides: [[Double]], rightHandSideCoefficients: any AffineCoefficients,
                outputs: [[Double]] = []) throws {
        guard let first = terms.first else { throw ROMError.empty(what: "affine decomposition (no operator terms)") }
        guard !rightHandSides.isEmpty else { throw ROMError.empty(what: "affine decomposition (no right-hand side terms)") }
        guard terms.count == operatorCoefficients.count else {
            throw ROMError.dimensionMismatch(what: "operator coefficient functions", expected: terms.count, found: operatorCoefficients.count)
        }
        guard rightHandSides.count == rightHandSideCoefficients.count else {
            throw ROMError.dimensionMismatch(what: "right-hand side coefficient functions", expected: rightHandSides.count,
                                             found: rightHandSideCoefficients.count)
        }
        for a in terms where a.rows != first.rows || a.columns != first.rows {
            throw ROMError.dimensionMismatch(what: "operator term order", expected: first.rows, found: a.rows == first.rows ? a.columns : a.rows)
        }
        for (k, vector) in (rightHandSides + outputs).enumerated() {
            guard vector.count == first.rows else {
                throw ROMError.dimensionMismatch(what: "right-hand side or output vector length", expected: first.rows, found: vector.count)
            }
            if let bad = vector.firstIndex(where: { !$0.isFinite }) {
                throw ROMError.notFinite(what: "right-hand side or output vector \(k)", index: bad)
            }
        }
        self.terms = terms
        let sparse = terms.compactMap { $0 as? SparseMatrix }
        operators = sparse.count == terms.count ? sparse : []
        self.operatorCoefficients = operatorCoefficients
        self.rightHandSides = rightHandSides
        self.rightHandSideCoefficients = rightHandSideCoefficients
        self.outputs = outputs
        isSymmetric = !operators.isEmpty && operators.allSatisfy { $0.isSymmetric(tolerance: 1e-13) }
    }

    /// Number of unknowns.
    public var dimension: Int { terms[0].rows }

    /// Whether every term is an assembled sparse matrix, so that A(μ) can be formed.
    public var isAssembled: Bool { !operators.isEmpty }

    /// θ_q(μ) for every q.
    public func operatorCoefficients(at mu: Parameter) -> [Double] { operatorCoefficients(mu) }

    /// θ'_p(μ) for every p.
    public func rightHandSideCoefficients(at mu: Parameter) -> [Double] { rightHandSideCoefficients(mu) }

    /// A(μ) (on the shared pattern when the terms share one); needs `isAssembled`.
    public func matrix(at mu: Parameter) -> SparseMatrix {
        precondition(isAssembled, "AffineDecomposition.matrix(at:): the terms are not all sparse matrices")
        return SparseMatrix.linearCombination(Array(zip(operatorCoefficients(at: mu), operators)))
    }

    /// f(μ).
    public func rightHandSide(at mu: Parameter) -> [Double] {
        var f = [Double](repeating: 0, count: dimension)
        for (theta, fp) in zip(rightHandSideCoefficients(at: mu), rightHandSides) { BLAS.axpy(theta, fp, &f) }
        return f
    }
}
