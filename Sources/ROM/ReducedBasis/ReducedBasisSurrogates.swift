import LinearAlgebra

/// The certified surrogate of the RB greedy for an affine problem: the a posteriori bound
/// Δ_N(μ) = ‖r_N(μ)‖_{X'} / α_LB(μ) of the online model ranks the training parameters (offline/
/// online split: each evaluation costs O(N³ + QN²), not O(n)); an extension is one truth solve and
/// the new rows and columns of the offline data (`ReducedBasisReductor`).
struct CertifiedReducedBasisSurrogate: GreedySurrogate {
    var reductor: ReducedBasisReductor
    let truth: (Parameter) throws -> [Double]
    let residualNormMethod: ResidualNormMethod
    let relative: Bool
    /// Seconds in truth solves (part of the extensions).
    private(set) var truthSeconds = 0.0

    var size: Int { reductor.size }

    func worst(over candidates: [Parameter]) throws -> (index: Int, estimate: Double) {
        let evaluator = ReducedModelEvaluator(model: try reductor.reducedModel(residualNormMethod: residualNormMethod, keepBasis: false))
        var worst = 0, largest = -Double.infinity
        for (index, mu) in candidates.enumerated() {
            try evaluator.solve(mu)
            var estimate = evaluator.errorEstimate
            if relative {
                // V is X-orthonormal, so ‖V u_N‖_X = ‖u_N‖₂.
                let norm = BLAS.nrm2(evaluator.coefficients)
                estimate = norm > 0 ? estimate / norm : .infinity
            }
            if estimate > largest || estimate.isNaN {
                largest = estimate
                worst = index
            }
        }
        return (worst, largest)
    }

    mutating func extend(with mu: Parameter) throws -> Bool {
        let (snapshot, seconds) = try Stopwatch.measure { try truth(mu) }
        truthSeconds += seconds
        return try reductor.extend(with: snapshot)
    }
}

/// The surrogate of the RB greedy for a problem without an offline/online split or without a
/// stability bound: the residual-norm indicator η_N(μ) = ‖f(μ) − A(μ) V u_N(μ)‖_{X'} of the
/// Galerkin solution A_N(μ) u_N = f_N(μ), A_N = Vᵀ A(μ) V, f_N = Vᵀ f(μ). It is not a bound
/// (no stability constant divides it) but it is zero exactly where u_N is the truth solution,
/// and it tracks the error within the problem's condition number. Each evaluation assembles
/// A(μ) and costs O(nnz · N): the price of having no affine decomposition.
struct ResidualIndicatorSurrogate<Problem: ParametricProblem>: GreedySurrogate {
    let problem: Problem
    private(set) var basis: OrthonormalBasis
    private let xFactor: CholeskyFactorization
    let relative: Bool
    private(set) var truthSeconds = 0.0

    init(problem: Problem, relative: Bool) throws {
        self.problem = problem
        self.relative = relative
        basis = OrthonormalBasis(dimension: problem.dimension, innerProduct: problem.innerProduct)
        xFactor = try CholeskyFactorization(problem.innerProduct.matrix ?? .identity(problem.dimension))
    }

    var size: Int { basis.count }

    /// u_N(μ) and η_N(μ) (relative to ‖u_N‖_X when `relative`).
    func galerkinSolution(at mu: Parameter) throws -> (coefficients: [Double], indicator: Double) {
        let a = try problem.matrix(at: mu)
        let f = try problem.rightHandSide(at: mu)
        guard a.rows == problem.dimension, a.columns == problem.dimension, f.count == problem.dimension else {
            throw ROMError.dimensionMismatch(what: "A(μ) and f(μ) of the problem", expected: problem.dimension,
                                             found: a.rows == problem.dimension ? f.count : a.rows)
        }
        var residual = f
        var coefficients: [Double] = []
        if size > 0 {
            let images = a.apply(block: basis.vectors)                       // A V
            let reduced = Matrix.product(.transposed, basis.vectors, .none, images)
            coefficients = try DenseLU(reduced).solve(basis.vectors.applyTransposed(f))
            residual.withUnsafeMutableBufferPointer { r in
                coefficients.withUnsafeBufferPointer { images.gemv(.none, $0, into: r, alpha: -1, beta: 1) }
            }
        }
        var indicator = BLAS.nrm2(try xFactor.whitened(Matrix(columns: [residual])).storage)
        if relative {
            let norm = BLAS.nrm2(coefficients)
            indicator = norm > 0 ? indicator / norm : .infinity
        }
        return (coefficients, indicator)
    }

    func worst(over candidates: [Parameter]) throws -> (index: Int, estimate: Double) {
        var worst = 0, largest = -Double.infinity
        for (index, mu) in candidates.enumerated() {
            let indicator = try galerkinSolution(at: mu).indicator
            if indicator > largest || indicator.isNaN {
                largest = indicator
                worst = index
            }
        }
        return (worst, largest)
    }

    mutating func extend(with mu: Parameter) throws -> Bool {
        let (snapshot, seconds) = try Stopwatch.measure { try problem.solve(mu) }
        truthSeconds += seconds
        guard snapshot.count == problem.dimension else {
            throw ROMError.dimensionMismatch(what: "truth solution of the problem", expected: problem.dimension, found: snapshot.count)
        }
        if let bad = snapshot.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "truth solution at \(mu)", index: bad) }
        let before = basis.count
        basis.append(snapshot)
        return basis.count > before
    }
}
