import LinearAlgebra

/// Answers queries of a `ReducedModel`: for μ, the reduced coefficients u_N(μ), the error bound
/// Δ(μ) = ‖r(μ)‖_{X'}/α_LB(μ) in the X norm, and the outputs with their bounds.
///
/// The model's arrays are copied once into contiguous buffers and all workspace is allocated
/// here, so a query allocates nothing and touches no Swift array: θ(μ) (compiled expressions),
/// A_N(μ) = Σ θ_q A_q^N and f_N(μ), a Cholesky or LDLᵀ (or LU) solve of order N, then
/// ‖r‖ = ‖B c(μ)‖₂ (or √(cᵀGc)), or (`.empiricalInterpolation`) S products c_{k_t} c_{l_t}, one
/// solve with the LU factors of F made offline and one dot product. A symmetric model of order
/// N ≤ 64 runs all of it but the θ in one call of ROMKit's own SIMD loops
/// (`SmallReducedKernel`: BLAS and LAPACK call overhead dominates at these orders); larger or
/// nonsymmetric models go through LAPACK and BLAS gemv. For many μ at once,
/// `ReducedModelBatchEvaluator` answers a block with its affine sums and products as `dgemm`s.
/// One evaluator per thread.
public final class ReducedModelEvaluator {
    /// The model.
    public let model: ReducedModel
    /// Δ(μ) of the last query: a bound of ‖u(μ) − V u_N(μ)‖_X.
    public private(set) var errorEstimate = 0.0
    /// ‖r(μ)‖_{X'} of the last query.
    public private(set) var residualNorm = 0.0
    /// α_LB(μ) of the last query.
    public private(set) var coercivityLowerBound = 0.0

    private let n: Int, q: Int, p: Int, k: Int
    /// A_1^N … A_Q^N, then f_1^N … f_P^N, then the outputs' l_k^N: copied once.
    private let operators: UnsafeMutableBufferPointer<Double>
    private let rightHandSides: UnsafeMutableBufferPointer<Double>
    private let outputVectors: UnsafeMutableBufferPointer<Double>
    private let estimatorMatrix: Matrix
    private let workspace: UnsafeMutableBufferPointer<Double>
    private let pivots: UnsafeMutableBufferPointer<Int32>
    private let referenceThetas: UnsafeMutableBufferPointer<Double>
    // Views into `workspace`.
    private let thetas: UnsafeMutableBufferPointer<Double>
    private let rhsThetas: UnsafeMutableBufferPointer<Double>
    private let system: UnsafeMutableBufferPointer<Double>
    private let solution: UnsafeMutableBufferPointer<Double>
    private let residualCoefficients: UnsafeMutableBufferPointer<Double>
    private let projected: UnsafeMutableBufferPointer<Double>
    private let outputValues: UnsafeMutableBufferPointer<Double>
    // `.empiricalInterpolation`: k_t then l_t (2S), ‖r(μ_s)‖² (S), the values / λ (a view, S).
    private let interpolationPoints: UnsafeMutableBufferPointer<Int>
    private let interpolationNorms: UnsafeMutableBufferPointer<Double>
    private let interpolationValues: UnsafeMutableBufferPointer<Double>
    private let interpolationFactors: DenseLU?
    /// The fused small-order path's data, nil when the model takes the LAPACK path.
    private let fused: FusedData?

    /// An evaluator with its workspace.
    /// - Parameter fusedKernel: whether a symmetric model of order N ≤ 64 runs the fused
    ///   small-order pass (the default); false keeps the LAPACK/BLAS path (for comparison).
    public init(model: ReducedModel, fusedKernel: Bool = true) {
        self.model = model
        let n = model.size, q = model.operatorCoefficients.count, p = model.rightHandSideCoefficients.count
        let k = p + q * n
        (self.n, self.q, self.p, self.k) = (n, q, p, k)
        operators = .allocate(capacity: Swift.max(q * n * n, 1))
        for (index, a) in model.reducedOperators.enumerated() {
            _ = UnsafeMutableBufferPointer(rebasing: operators[(index * n * n)..<((index + 1) * n * n)]).initialize(from: a.storage)
        }
        rightHandSides = .allocate(capacity: Swift.max(p * n, 1))
        _ = rightHandSides.initialize(from: model.reducedRightHandSides.flatMap { $0 })
        outputVectors = .allocate(capacity: Swift.max(model.reducedOutputs.count * n, 1))
        _ = outputVectors.initialize(from: model.reducedOutputs.flatMap { $0 })
        let estimator: Matrix
        switch model.residualNormMethod {
        case .orthonormalized: estimator = model.residualCoefficients
        case .standard: estimator = model.residualGram
        case .empiricalInterpolation: estimator = Matrix(rows: 0, columns: k)
        }
        estimatorMatrix = estimator
        let projectedCount = Swift.max(estimator.rows, 1)
        let interpolation = model.residualNormMethod == .empiricalInterpolation ? model.residualInterpolation : nil
        let s = interpolation?.terms ?? 0
        interpolationFactors = interpolation?.factorization
        interpolationPoints = .allocate(capacity: Swift.max(2 * s, 1))
        interpolationPoints.initialize(repeating: 0)
        interpolationNorms = .allocate(capacity: Swift.max(s, 1))
        interpolationNorms.initialize(repeating: 0)
        if let interpolation {
            for t in 0..<s { (interpolationPoints[t], interpolationPoints[s + t]) = (interpolation.rows[t], interpolation.columns[t]) }
            for t in 0..<s { interpolationNorms[t] = interpolation.squaredResidualNorms[t] }
        }
        let sizes = [q, p, n * n, n, k, projectedCount, model.reducedOutputs.count, s]
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: sizes.reduce(0, +) + 1)
        buffer.initialize(repeating: 0)
        workspace = buffer
        var offset = 0
        func view(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
            defer { offset += count }
            return UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + count)])
        }
        thetas = view(q)
        rhsThetas = view(p)
        system = view(n * n)
        solution = view(n)
        residualCoefficients = view(k)
        projected = view(projectedCount)
        outputValues = view(model.reducedOutputs.count)
        interpolationValues = view(s)
        fused = fusedKernel && ReducedModelEvaluator.takesFusedKernel(model) ? FusedData(model: model, estimator: estimator) : nil
        pivots = .allocate(capacity: Swift.max(n, 1))
        pivots.initialize(repeating: 0)
        referenceThetas = .allocate(capacity: Swift.max(q, 1))
        if let reference = model.coercivityBound.referenceParameter {
            reference.withUnsafeBufferPointer { model.operatorCoefficients.evaluate($0, into: referenceThetas) }
        } else {
            referenceThetas.initialize(repeating: 1)
        }
    }

    deinit {
        for buffer in [operators, rightHandSides, outputVectors, workspace, referenceThetas, interpolationNorms] { buffer.deallocate() }
        pivots.deallocate()
        interpolationPoints.deallocate()
        fused?.deallocate()
    }

    /// The batched evaluator of `solve(block:)`, made at its first use.
    lazy var batchEvaluator = ReducedModelBatchEvaluator(model: model)

    /// u_N(μ) of the last query.
    public var coefficients: [Double] { Array(solution) }

    /// c(μ) = (θ'_p, −θ_q u_n) of the last query (the residual's coefficients; offline use).
    var lastResidualCoefficients: [Double] { Array(residualCoefficients) }

    /// s_k(μ) = l_k · V u_N of the last query.
    public var outputs: [Double] { Array(outputValues) }

    /// The bound of output k's error for the last query: ‖l_k‖_{X'} Δ(μ).
    public func outputBound(_ k: Int) -> Double { model.outputDualNorms[k] * errorEstimate }

    /// Solves the reduced problem at μ and evaluates the estimator and outputs.
    /// - Throws: `ParameterError` for a μ outside the space, a LAPACK error if the reduced matrix is
    ///   singular, `ROMError.invalidOption` for `.empiricalInterpolation` on a model without its data
    ///   or a stability bound α_LB(μ) that is not positive and finite, `ROMError.notFinite` for a
    ///   coefficient θ(μ) or a reduced solution that is NaN or infinite.
    public func solve(_ mu: Parameter) throws {
        try model.parameterSpace.validate(mu)
        try mu.values.withUnsafeBufferPointer { try solve($0) }
    }

    /// `solve` for μ given as a buffer of components (not validated against the bounds).
    public func solve(_ mu: UnsafeBufferPointer<Double>) throws {
        if model.residualNormMethod == .empiricalInterpolation && interpolationFactors == nil {
            throw ROMError.invalidOption(name: "residual norm method", detail: "empiricalInterpolation on a model built without its "
                                         + "interpolation data (ReducedBasisReductor.reducedModel(residualNormMethod:trainingSet:))")
        }
        model.operatorCoefficients.evaluate(mu, into: thetas)
        model.rightHandSideCoefficients.evaluate(mu, into: rhsThetas)
        coercivityLowerBound = try Self.checkedCoercivity(model, mu: mu, thetas: UnsafeBufferPointer(thetas), rhsThetas: UnsafeBufferPointer(rhsThetas),
                                                          referenceThetas: UnsafeBufferPointer(referenceThetas))
        if let fused {
            try solveFused(fused)
        } else {
            try solveByLAPACK()
        }
        if let bad = (0..<n).first(where: { !solution[$0].isFinite }) { throw ROMError.notFinite(what: "the reduced solution", index: bad) }
        errorEstimate = residualNorm / coercivityLowerBound
        for output in 0..<outputValues.count {
            var sum = 0.0
            for i in 0..<n { sum += outputVectors[output * n + i] * solution[i] }
            outputValues[output] = sum
        }
    }

    /// α_LB(μ), after checking that θ(μ) and θ'(μ) are finite: the checks every query makes
    /// before its solve (the batched evaluator makes them too).
    static func checkedCoercivity(_ model: ReducedModel, mu: UnsafeBufferPointer<Double>, thetas: UnsafeBufferPointer<Double>,
                                  rhsThetas: UnsafeBufferPointer<Double>, referenceThetas: UnsafeBufferPointer<Double>) throws -> Double {
        // A coefficient that is NaN or infinite at μ (log of a bound 0, a division by zero) is an
        // error, not a NaN answer.
        if let bad = thetas.firstIndex(where: { !$0.isFinite }) {
            throw ROMError.notFinite(what: "the operator coefficients θ(μ) (θ_\(bad) = '\(model.operatorCoefficients.descriptions[bad])' is \(thetas[bad]))", index: bad)
        }
        if let bad = rhsThetas.firstIndex(where: { !$0.isFinite }) {
            throw ROMError.notFinite(what: "the right-hand side coefficients θ(μ) (θ_\(bad) = '\(model.rightHandSideCoefficients.descriptions[bad])' is \(rhsThetas[bad]))", index: bad)
        }
        // α_LB(μ) reads θ only: checked before the solve, which an indefinite A_N(μ) could fail.
        let coercivityLowerBound = model.coercivityBound.evaluate(mu: mu, thetas: thetas, referenceThetas: referenceThetas)
        guard coercivityLowerBound > 0, coercivityLowerBound.isFinite else {
            throw ROMError.invalidOption(name: "coercivity lower bound", detail: "α_LB(μ) = \(coercivityLowerBound) at this μ; the bound "
                                         + "must be positive and finite (min-θ needs every θ_q(μ) > 0): \(model.coercivityBound.summary)")
        }
        return coercivityLowerBound
    }

    /// Whether `model` runs the fused small-order kernel: symmetric, 0 < N ≤ 64, and an estimator
    /// by B or G (not the empirical interpolation).
    static func takesFusedKernel(_ model: ReducedModel) -> Bool {
        model.isSymmetric && model.size > 0 && model.size <= SmallReducedKernel.largestOrder
            && model.residualNormMethod != .empiricalInterpolation
    }

    /// The fused path's copies: A_1 … A_Q padded to `SmallReducedKernel.stride` rows, the estimator
    /// matrix packed for the kernel (B, or G for `.standard`), and the kernel's workspace.
    private struct FusedData {
        let operators: UnsafeMutableBufferPointer<Double>
        let workspace: UnsafeMutableBufferPointer<Double>
        let estimator: UnsafeMutableBufferPointer<Double>
        /// The estimator's leading dimension (its rows rounded up to four).
        let estimatorLeadingDimension: Int
        /// Whether B is upper trapezoidal (it is R of a QR): the product skips its zeros.
        let isUpper: Bool

        init(model: ReducedModel, estimator matrix: Matrix) {
            let n = model.size, ld = SmallReducedKernel.stride(order: n)
            operators = .allocate(capacity: model.reducedOperators.count * n * ld + 1)
            operators.initialize(repeating: 0)
            for (l, a) in model.reducedOperators.enumerated() {
                for j in 0..<n { for i in 0..<n { operators[l * n * ld + j * ld + i] = a[i, j] } }
            }
            workspace = .allocate(capacity: SmallReducedKernel.queryWorkspace(order: n))
            workspace.initialize(repeating: 0)
            let packed = SmallReducedKernel.packedEstimator(matrix)
            estimator = .allocate(capacity: packed.packed.count)
            _ = estimator.initialize(from: packed.packed)
            (estimatorLeadingDimension, isUpper) = (packed.leadingDimension, packed.isUpper)
        }

        func deallocate() {
            for buffer in [operators, workspace, estimator] { buffer.deallocate() }
        }
    }

    /// The fused small-order pass: A_N(μ), f_N(μ), LDLᵀ, both triangular solves, c(μ) and
    /// y = B c(μ) in one kernel call (`SmallReducedKernel.query`), then ‖y‖₂ (or √(cᵀGc)).
    private func solveFused(_ fused: FusedData) throws {
        let c = residualCoefficients.baseAddress!, y = projected.baseAddress!, rows = estimatorMatrix.rows
        if let column = SmallReducedKernel.query(operators: fused.operators.baseAddress!, thetas: thetas.baseAddress!, terms: q,
                                                 rightHandSides: rightHandSides.baseAddress!, rightHandSideThetas: rhsThetas.baseAddress!,
                                                 rightHandSideTerms: p, order: n, estimator: fused.estimator.baseAddress!, rows: rows,
                                                 leadingDimension: fused.estimatorLeadingDimension, upper: fused.isUpper,
                                                 workspace: fused.workspace.baseAddress!, solution: solution.baseAddress!,
                                                 coefficients: c, product: y) {
            throw LinearAlgebraError.notPositiveDefinite(column: column, routine: SmallReducedKernel.routine)
        }
        residualNorm = model.residualNormMethod == .orthonormalized
            ? SmallReducedKernel.dot(rows, y, y).squareRoot()
            : Swift.max(SmallReducedKernel.dot(k, c, y), 0).squareRoot()
    }

    /// The LAPACK path: A_N(μ) and f_N(μ) by one gemv each, `dpotrf` (or `dgesv`), the estimator.
    private func solveByLAPACK() throws {
        // A_N(μ) = Σ θ_q A_q^N and f_N(μ) = Σ θ'_p f_p^N: one gemv each over the stacked terms.
        let entries = n * n
        for i in 0..<entries { system[i] = 0 }
        for i in 0..<n { solution[i] = 0 }
        BLAS.gemvAdd(m: entries, k: q, a: operators.baseAddress!, x: thetas.baseAddress!, y: system.baseAddress!)
        BLAS.gemvAdd(m: n, k: p, a: rightHandSides.baseAddress!, x: rhsThetas.baseAddress!, y: solution.baseAddress!)
        if model.isSymmetric {
            try InPlaceSolver.solveSPD(system, order: n, solution)
        } else {
            try InPlaceSolver.solveGeneral(system, order: n, solution, pivots: pivots)
        }
        residualNorm = evaluateResidualNorm()
    }

    /// ‖r(μ)‖_{X'} from c(μ) = (θ'_p, −θ_q u_n): ‖B c‖₂, √(cᵀ G c), or √(Σ_s λ_s(μ) ‖r(μ_s)‖²).
    private func evaluateResidualNorm() -> Double {
        for i in 0..<p { residualCoefficients[i] = rhsThetas[i] }
        for j in 0..<n {
            let u = solution[j]
            for l in 0..<q { residualCoefficients[p + j * q + l] = -thetas[l] * u }
        }
        let c = UnsafeBufferPointer(residualCoefficients)
        if let lu = interpolationFactors {
            // F λ = (c_{k_t} c_{l_t})_t, then ‖r‖² ≈ Σ_s λ_s ‖r(μ_s)‖².
            let s = interpolationValues.count
            for t in 0..<s { interpolationValues[t] = c[interpolationPoints[t]] * c[interpolationPoints[s + t]] }
            lu.solve(inPlace: interpolationValues)
            return Swift.max(BLAS.dot(UnsafeBufferPointer(interpolationValues), UnsafeBufferPointer(interpolationNorms)), 0).squareRoot()
        }
        let out = UnsafeMutableBufferPointer(rebasing: projected[0..<estimatorMatrix.rows])
        estimatorMatrix.gemv(.none, c, into: out)
        switch model.residualNormMethod {
        // √(Σ y_i²) by `ddot`: no cancellation in a sum of squares, and OpenBLAS 0.3.21's `dnrm2`
        // (scaled, x87) took a sixth of a query.
        case .orthonormalized: return BLAS.dot(UnsafeBufferPointer(out), UnsafeBufferPointer(out)).squareRoot()
        case .standard: return Swift.max(BLAS.dot(c, UnsafeBufferPointer(out)), 0).squareRoot()
        case .empiricalInterpolation: return .nan  // unreachable: solve() refuses the method without its factors
        }
    }
}
