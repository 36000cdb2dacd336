import ComplexModule
import LinearAlgebra

/// The truth solver of a sampled matrix family: CHOLMOD for a real symmetric positive definite
/// family (one symbolic analysis for every μ, `CholeskyFactorization.refactor(values:)`),
/// UMFPACK otherwise (real unsymmetric or indefinite, and complex). The choice is made on the
/// first matrix: symmetric real matrices are tried with CHOLMOD, and a failed factorization
/// (a later matrix not positive definite, or not symmetric) switches the family to UMFPACK.
/// The drivers time their truth solves with it (the same solver the greedy used).
public final class FamilyTruthSolver<Element: Scalar> {
    private let pattern: CSRMatrix<Element>
    private var cholesky: CholeskyFactorization?
    private var usesCholesky: Bool
    /// Seconds spent in factorizations and solves.
    public private(set) var seconds = 0.0

    /// The solver of the family whose matrices have `pattern`'s structure; `firstValues` (a first
    /// matrix's values) choose CHOLMOD or UMFPACK.
    public init(pattern: CSRMatrix<Element>, firstValues: [Element]) {
        self.pattern = pattern
        usesCholesky = (pattern.withValues(firstValues) as? SparseMatrix)?.isSymmetric(tolerance: 1e-13) ?? false
    }

    /// "CHOLMOD" or "UMFPACK".
    public var name: String { usesCholesky ? "CHOLMOD" : "UMFPACK" }

    /// u with A u = f, A the pattern with `values`.
    public func solve(values: [Element], rightHandSide f: [Element]) throws -> [Element] {
        let clock = Stopwatch()
        defer { seconds += clock.seconds }
        if usesCholesky, let real = values as? [Double], let load = f as? [Double] {
            do {
                if let cholesky {
                    try cholesky.refactor(values: real)
                } else {
                    cholesky = try CholeskyFactorization((pattern as! SparseMatrix).withValues(real))
                }
                return try cholesky!.solve(load) as! [Element]
            } catch LinearAlgebraError.notPositiveDefinite, LinearAlgebraError.notSymmetric {
                // A later matrix of the family is indefinite or unsymmetric: UMFPACK from now on.
                usesCholesky = false
                cholesky = nil
            }
        }
        let a = pattern.withValues(values)
        if let real = a as? SparseMatrix, let load = f as? [Double] {
            return try LUFactorization(real).solve(load) as! [Element]
        }
        return try LUFactorization(a as! ComplexSparseMatrix).solve(f as! [Complex<Double>]) as! [Element]
    }
}
