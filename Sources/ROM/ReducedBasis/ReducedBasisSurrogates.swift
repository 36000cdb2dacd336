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
/// stability bound, real or complex: the residual-norm indicator
/// η_N(μ) = ‖f(μ) − A(μ) V u_N(μ)‖_{X'} of the Galerkin solution Vᴴ A(μ) V u_N = Vᴴ f(μ). It is
/// not a bound (no stability constant divides it) but it is zero exactly where u_N is the truth
/// solution, and it tracks the error within the problem's condition number. Each evaluation
/// assembles A(μ) and costs O(nnz · N): the price of having no affine decomposition.
///
/// The basis is X-orthonormal, (u, v)_X = uᴴ X v with X real SPD, built by Gram–Schmidt with one
/// reorthogonalization ("twice is enough") on the scalar of the problem.
struct ResidualIndicatorSurrogate<Problem: ParametricProblem>: GreedySurrogate {
    typealias Element = Problem.Element
    let problem: Problem
    /// V (n×N), X-orthonormal columns, and X V.
    private var orthonormal: ScalarOrthonormalBasis<Element>
    /// V.
    var basis: DenseMatrix<Element> { orthonormal.vectors }
    private let xFactor: CholeskyFactorization
    let relative: Bool
    private(set) var truthSeconds = 0.0

    init(problem: Problem, relative: Bool) throws {
        self.problem = problem
        self.relative = relative
        let x = problem.innerProduct.matrix ?? .identity(problem.dimension)
        orthonormal = ScalarOrthonormalBasis(x: x)
        guard x.rows == problem.dimension else {
            throw ROMError.dimensionMismatch(what: "inner-product matrix order", expected: problem.dimension, found: x.rows)
        }
        xFactor = try CholeskyFactorization(x)
    }

    var size: Int { orthonormal.count }

    /// ‖g‖_{X'} = ‖L⁻¹P g‖₂ (real and imaginary parts whitened together).
    private func dualNorm(_ g: [Element]) throws -> Double {
        let parts = Element.isComplex ? [g.map(\.realPart), g.map(\.imaginaryPart)] : [g.map(\.realPart)]
        return BLAS.nrm2(try xFactor.whitened(Matrix(columns: parts)).storage)
    }

    /// u_N(μ) and η_N(μ) (relative to ‖u_N‖_X when `relative`).
    func galerkinSolution(at mu: Parameter) throws -> (coefficients: [Element], indicator: Double) {
        let a = try problem.matrix(at: mu)
        let f = try problem.rightHandSide(at: mu)
        guard a.rows == problem.dimension, a.columns == problem.dimension, f.count == problem.dimension else {
            throw ROMError.dimensionMismatch(what: "A(μ) and f(μ) of the problem", expected: problem.dimension,
                                             found: a.rows == problem.dimension ? f.count : a.rows)
        }
        var residual = f
        var coefficients: [Element] = []
        if size > 0 {
            let images = a.multiplied(by: basis)                                   // A V
            let reduced = DenseMatrix<Element>.product(.adjoint, basis, .none, images)  // Vᴴ A V
            coefficients = try reduced.solve(basis.applied(.adjoint, to: f))
            residual.withUnsafeMutableBufferPointer { r in
                coefficients.withUnsafeBufferPointer { images.gemv(.none, $0, into: r, alpha: -1, beta: 1) }
            }
        }
        var indicator = try dualNorm(residual)
        if relative {
            // V is X-orthonormal, so ‖V u_N‖_X = ‖u_N‖₂.
            let norm = coefficients.reduce(0.0) { $0 + $1.modulus * $1.modulus }.squareRoot()
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
        return orthonormal.append(snapshot)
    }
}
