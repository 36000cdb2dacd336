import Foundation
import LinearAlgebra

/// A parametrized linear problem A(μ) u(μ) = f(μ) as the reduction stages see it: no mesh, no
/// elements, only matrices, vectors and the truth solver. A discretization (FEM, or an external
/// code's matrices) adopts it; ROM never imports FEM. `ReducedBasisGreedy.run(problem:…)` reduces
/// any conforming type: with the certified bound when it offers an affine decomposition and a
/// `stabilityBound`, else with the residual-norm indicator (docs/architecture.md).
///
/// A problem of one's own needs the parameter space, the dimension, the inner product, A(μ),
/// f(μ) and `solve`; `affineDecomposition` and `stabilityBound` default to nil. Declare them
/// with the exact types of the protocol (`AffineDecomposition?`, `(any StabilityLowerBound)?`):
/// a property of another type (`CoercivityBound?`) does not replace the default.
public protocol ParametricProblem {
    /// The scalar of A(μ), f(μ) and u(μ): `Double`, or `Complex<Double>` for time-harmonic
    /// problems (the inner product X stays real and SPD: (u, v)_X = uᴴ X v). A complex problem is
    /// reduced with the residual-norm indicator.
    associatedtype Element: Scalar = Double
    /// The parameter box.
    var parameterSpace: ParameterSpace { get }
    /// Number of unknowns of the truth problem.
    var dimension: Int { get }
    /// The inner product X of the solution space (energy or H¹₀ seminorm for the RB estimator).
    var innerProduct: InnerProduct { get }
    /// The affine decomposition, when the problem has one (nil for a nonintrusive problem).
    var affineDecomposition: AffineDecomposition? { get }
    /// A(μ), assembled.
    func matrix(at mu: Parameter) throws -> CSRMatrix<Element>
    /// f(μ).
    func rightHandSide(at mu: Parameter) throws -> [Element]
    /// The truth solution u(μ).
    func solve(_ mu: Parameter) throws -> [Element]
    /// A lower bound of the stability (coercivity) constant, when one is known: with an affine
    /// decomposition it makes the greedy's estimate a certified bound.
    var stabilityBound: (any StabilityLowerBound)? { get }
}

extension ParametricProblem {
    /// No affine decomposition.
    public var affineDecomposition: AffineDecomposition? { nil }
    /// No stability bound.
    public var stabilityBound: (any StabilityLowerBound)? { nil }
}

/// A symmetric positive definite problem given by its affine decomposition. Truth solves use
/// static condensation when the terms own disjoint sets of unknowns behind a small interface
/// (`AffineStaticCondensation`: the thermal block's blocks), and otherwise reuse one CHOLMOD
/// symbolic analysis for every μ (`CholeskyFactorization.refactor(values:)`); `truthSolver` picks.
///
/// A class because it owns the factorization it reuses; use one instance per thread.
public final class AffineProblem: ParametricProblem {
    /// The parameter box.
    public let parameterSpace: ParameterSpace
    /// The inner product X (energy or H¹₀ seminorm).
    public let innerProduct: InnerProduct
    /// The affine decomposition (never nil here).
    public let decomposition: AffineDecomposition
    /// The coercivity lower bound used by error estimators.
    public let coercivityBound: CoercivityBound
    private var factorization: CholeskyFactorization?
    private var analyzedPattern: SparseMatrix?
    private var condensation: AffineStaticCondensation?
    private var condensationChecked = false

    /// How truth solves are computed.
    public enum TruthSolver: String, Sendable, CaseIterable {
        /// Static condensation when it applies (see `AffineStaticCondensation`), else `.cholesky`.
        case automatic
        /// A CHOLMOD factorization of A(μ) for every μ, one symbolic analysis for all.
        case cholesky
        /// Static condensation of the unknowns each term owns; an error when no term owns any.
        case staticCondensation = "static-condensation"
    }

    /// The truth solver (default `.automatic`); both give the same solution to round-off.
    public var truthSolver: TruthSolver = .automatic {
        didSet { condensation = nil; condensationChecked = false }
    }

    /// Interface size of the static condensation in use (nil: CHOLMOD on the whole matrix).
    public var condensedInterfaceSize: Int? { condensation?.interface.count }
    /// Truth solves done.
    public private(set) var solveCount = 0
    /// Their total wall-clock seconds.
    public private(set) var solveSeconds = 0.0

    /// A problem on `parameterSpace`; checks that every coefficient function reads only existing components.
    public init(parameterSpace: ParameterSpace, decomposition: AffineDecomposition, innerProduct: InnerProduct,
                coercivityBound: CoercivityBound) throws {
        let largest = max(decomposition.operatorCoefficients.largestComponent, decomposition.rightHandSideCoefficients.largestComponent)
        guard largest < parameterSpace.dimension else {
            throw ROMError.invalidOption(name: "coefficient functions",
                                         detail: "they read mu[\(largest)] of a \(parameterSpace.dimension)-component parameter space")
        }
        if let m = innerProduct.matrix, m.rows != decomposition.dimension {
            throw ROMError.dimensionMismatch(what: "inner-product matrix order", expected: decomposition.dimension, found: m.rows)
        }
        guard decomposition.isAssembled else {
            throw ROMError.invalidOption(name: "affine decomposition", detail: "AffineProblem's truth solvers need every term as a SparseMatrix; "
                                         + "reduce matrix-free terms with ReducedBasisReductor and your own truth solver")
        }
        if case .minTheta(let reference, _) = coercivityBound, reference.count != parameterSpace.dimension {
            throw ROMError.dimensionMismatch(what: "min-θ reference parameter", expected: parameterSpace.dimension, found: reference.count)
        }
        self.parameterSpace = parameterSpace
        self.decomposition = decomposition
        self.innerProduct = innerProduct
        self.coercivityBound = coercivityBound
    }

    /// Number of truth unknowns.
    public var dimension: Int { decomposition.dimension }
    /// The affine decomposition (always present).
    public var affineDecomposition: AffineDecomposition? { decomposition }
    /// The coercivity bound (always present).
    public var stabilityBound: (any StabilityLowerBound)? { coercivityBound }

    /// A(μ) on the shared pattern; throws for a μ outside the parameter space.
    public func matrix(at mu: Parameter) throws -> SparseMatrix {
        try parameterSpace.validate(mu)
        return decomposition.matrix(at: mu)
    }

    /// f(μ); throws for a μ outside the parameter space.
    public func rightHandSide(at mu: Parameter) throws -> [Double] {
        try parameterSpace.validate(mu)
        return decomposition.rightHandSide(at: mu)
    }

    /// Below this many unknowns the CHOLMOD truth factor is simplicial, above it CHOLMOD's own
    /// choice (supernodal for these matrices). CHOLMOD picks from a flop-per-entry rule, but a
    /// simplicial factor is faster here below about 50,000 unknowns (thermal block with
    /// `--truth-solver cholesky`, measured: 8.3 ms against 12.4 ms at 19,801 unknowns, 23 against
    /// 31 ms at 38,921; supernodal ahead at 79,601: 57 against 63 ms).
    /// Default 50,000.
    public var simplicialFactorBelow = 50_000 {
        didSet { factorization = nil; analyzedPattern = nil }
    }

    /// The first factorization: METIS ordering (its slower analysis is paid once; every later μ
    /// is a refactorization), simplicial below `simplicialFactorBelow` unknowns.
    func fastestFactorization(of a: SparseMatrix) throws -> CholeskyFactorization {
        try CholeskyFactorization(a, options: .init(ordering: .metis, kind: a.rows < simplicialFactorBelow ? .simplicial : .automatic))
    }

    /// u(μ) by static condensation or CHOLMOD (`truthSolver`), or UMFPACK when a term is not
    /// symmetric; the first call does the work
    /// shared by every μ (the condensation, or the symbolic analysis), every later one reuses it.
    public func solve(_ mu: Parameter) throws -> [Double] {
        let clock = Stopwatch()
        defer {
            solveCount += 1
            solveSeconds += clock.seconds
        }
        if truthSolver != .cholesky && !condensationChecked {
            condensationChecked = true
            condensation = decomposition.isSymmetric ? try AffineStaticCondensation(decomposition: decomposition) : nil
            if condensation == nil && truthSolver == .staticCondensation {
                throw ROMError.invalidOption(name: "truth solver", detail: "static condensation needs symmetric terms that own unknowns behind an interface of at most \(AffineStaticCondensation.largestInterface) unknowns and a tenth of the problem")
            }
        }
        if let condensation {
            try parameterSpace.validate(mu)
            return try condensation.solve(thetas: decomposition.operatorCoefficients(at: mu),
                                          rightHandSideThetas: decomposition.rightHandSideCoefficients(at: mu))
        }
        let a = try matrix(at: mu)
        // A non-symmetric A(μ) (advection) by UMFPACK: CHOLMOD reads one triangle only.
        if !decomposition.isSymmetric { return try LUFactorization(a).solve(try rightHandSide(at: mu)) }
        let solver: CholeskyFactorization
        if let f = factorization, let pattern = analyzedPattern, pattern.hasSamePattern(as: a) {
            try f.refactor(values: a.values)
            solver = f
        } else {
            solver = try fastestFactorization(of: a)
            factorization = solver
            analyzedPattern = a
        }
        return try solver.solve(try rightHandSide(at: mu))
    }
}
