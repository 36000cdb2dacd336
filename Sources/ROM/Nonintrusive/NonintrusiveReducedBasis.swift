import LinearAlgebra

/// The nonintrusive reduced basis method (Casenave, Ern, Lelièvre, "A nonintrusive reduced basis
/// method applied to aeroacoustic simulations", Adv. Comput. Math. 2015): reduced basis from
/// assembled matrices only, for a solver that hands out A(μ) and f(μ) and nothing of its
/// assembly.
///
/// 1. Sample the family on the training set (`FamilySamples`: the matrices on their union pattern).
/// 2. Interpolate the operator and the right-hand side empirically (`MatrixEmpiricalInterpolation`,
///    `VectorEmpiricalInterpolation`): A(μ) ≈ Σ_m β_m(μ) Q_m, f(μ) ≈ Σ_l γ_l(μ) F_l, β and γ
///    from a few magic entries.
/// 3. Weak greedy over the training set: the indicator η(μ) (separated residual plus the
///    interpolation error estimate, sketched: `NonintrusiveReducedModel`) ranks the parameters;
///    the worst one's truth solution — of the external matrix itself, CHOLMOD or UMFPACK
///    (`FamilyTruthSolver`) — extends the basis by Gram–Schmidt in X. The reduced matrices
///    Vᴴ Q_m V and the sketches Θ Q_m V grow by their new row and column: matrix–vector
///    products only.
/// 4. The online model: entries → β, γ → reduced solve, no allocation per query.
public struct NonintrusiveReducedBasis: Sendable {
    /// The relative ℓ∞ tolerance of the operator's empirical interpolation (largest entry error
    /// over largest entry, on the training set).
    public var operatorTolerance: Double
    /// The same for the right-hand side.
    public var rightHandSideTolerance: Double
    /// At most this many operator (and right-hand side) terms.
    public var maxTerms: Int?
    /// Stop the greedy when the largest relative indicator η(μ)/‖u_N(μ)‖_X is at most this.
    public var tolerance: Double
    /// The largest basis.
    public var maxBasisSize: Int
    /// k, the rows of the residual sketch.
    public var sketchSize: Int
    /// The sketch's seed.
    public var seed: UInt64
    /// α, the stability constant the indicator is divided by (1 when unknown).
    public var stabilityConstant: Double

    /// Options; throws for a nonpositive tolerance or size.
    public init(operatorTolerance: Double = 1e-6, rightHandSideTolerance: Double = 1e-8, maxTerms: Int? = nil,
                tolerance: Double = 1e-6, maxBasisSize: Int = 60, sketchSize: Int = 64, seed: UInt64 = 1,
                stabilityConstant: Double = 1) throws {
        for (name, value) in [("operator interpolation tolerance", operatorTolerance), ("right-hand side interpolation tolerance", rightHandSideTolerance),
                              ("greedy tolerance", tolerance), ("stability constant", stabilityConstant)] where !(value > 0 && value.isFinite) {
            throw ROMError.invalidOption(name: name, detail: "must be a positive number, got \(value)")
        }
        guard maxBasisSize > 0 else { throw ROMError.invalidOption(name: "maximum basis size", detail: "must be positive, got \(maxBasisSize)") }
        guard sketchSize > 0 else { throw ROMError.invalidOption(name: "sketch size", detail: "must be positive, got \(sketchSize)") }
        if let m = maxTerms, m < 1 { throw ROMError.invalidOption(name: "maximum interpolation terms", detail: "must be positive, got \(m)") }
        self.operatorTolerance = operatorTolerance
        self.rightHandSideTolerance = rightHandSideTolerance
        self.maxTerms = maxTerms
        self.tolerance = tolerance
        self.maxBasisSize = maxBasisSize
        self.sketchSize = sketchSize
        self.seed = seed
        self.stabilityConstant = stabilityConstant
    }

    /// One evaluation of the training set.
    public struct Iteration: Sendable {
        /// N when the indicators were evaluated.
        public let basisSize: Int
        /// The largest relative indicator.
        public let maxIndicator: Double
        /// Its training parameter.
        public let worstParameter: Parameter
        /// Seconds since the greedy started.
        public let elapsedSeconds: Double
    }

    /// What `reduce` returns.
    public struct Result<Element: Scalar> {
        /// The online model (basis kept).
        public let model: NonintrusiveReducedModel<Element>
        /// The operator's interpolation.
        public let operatorInterpolation: MatrixEmpiricalInterpolation<Element>
        /// The right-hand side's interpolation.
        public let rightHandSideInterpolation: VectorEmpiricalInterpolation<Element>
        /// The largest relative operator errors on the training set: largest entry and Frobenius.
        public let operatorTrainingError: (largestEntry: Double, frobenius: Double)
        /// One record per evaluation of the training set.
        public let history: [Iteration]
        /// The parameters whose snapshots span the basis.
        public let selectedParameters: [Parameter]
        /// Why the greedy stopped.
        public let stopReason: GreedyStopReason
        /// "CHOLMOD" or "UMFPACK".
        public let truthSolver: String
        /// Seconds: the two interpolations, truth solves, basis extensions (reduced data), indicators, total.
        public let seconds: (interpolation: Double, truth: Double, extension: Double, indicators: Double, total: Double)
    }

    /// Runs steps 2–4 on the sampled family; X (real SPD, order n) is the inner product of the
    /// basis and of the residual's dual norm (nil: Euclidean). `progress` receives one line per stage.
    public func reduce<Element: Scalar>(_ samples: FamilySamples<Element>, innerProduct: SparseMatrix?,
                                        progress: ((String) -> Void)? = nil) throws -> Result<Element> {
        try reduce(samples, innerProduct: innerProduct, operatorInterpolation: nil, progress: progress)
    }

    /// The same with the operator's interpolation already made (`given`, on these samples): the
    /// hp method checks the interpolation of a subdomain before it runs the greedy there.
    func reduce<Element: Scalar>(_ samples: FamilySamples<Element>, innerProduct: SparseMatrix?,
                                 operatorInterpolation given: MatrixEmpiricalInterpolation<Element>?,
                                 progress: ((String) -> Void)?) throws -> Result<Element> {
        let n = samples.order
        let x = innerProduct ?? .identity(n)
        guard x.rows == n, x.columns == n else { throw ROMError.dimensionMismatch(what: "inner-product matrix order", expected: n, found: x.rows) }
        return try BLASRuntime.withThreadCount(1) {
            let clock = Stopwatch()
            let operatorEIM = try given ?? MatrixEmpiricalInterpolation(samples: samples, tolerance: operatorTolerance, maxTerms: maxTerms)
            progress?("operator interpolation: \(operatorEIM.terms) terms (+1 for the estimate), relative training error \(operatorEIM.values.errorHistory.last ?? 0)")
            let loadEIM = try VectorEmpiricalInterpolation(samples: samples.rightHandSides, tolerance: rightHandSideTolerance, maxTerms: maxTerms)
            progress?("right-hand side interpolation: \(loadEIM.terms) terms (+1)")
            let trainingErrors = try operatorEIM.errors(on: samples)
            let interpolationSeconds = clock.seconds
            var surrogate = try NonintrusiveSurrogate(samples: samples, operatorEIM: operatorEIM, loadEIM: loadEIM, x: x,
                                                      sketch: try ResidualSketch(innerProduct: x, size: sketchSize, seed: seed),
                                                      stabilityConstant: stabilityConstant)
            let candidates = Array(samples.parameters.indices)
            let greedyStart = clock.seconds
            func record(_ i: WeakGreedy.Iteration) -> Iteration {
                Iteration(basisSize: i.size, maxIndicator: i.maxEstimate, worstParameter: samples.parameters[i.worst],
                          elapsedSeconds: greedyStart + i.elapsedSeconds)
            }
            let outcome = try WeakGreedy(tolerance: tolerance, maxSize: maxBasisSize).run(&surrogate, candidates: candidates) { i in
                progress?("greedy: N = \(i.size), largest relative indicator \(i.maxEstimate)")
            }
            let model = try surrogate.model(keepBasis: true, coefficientInterpolation: true)
            let total = clock.seconds
            return Result(model: model, operatorInterpolation: operatorEIM, rightHandSideInterpolation: loadEIM,
                          operatorTrainingError: (trainingErrors.largestEntry.max() ?? 0, trainingErrors.frobenius.max() ?? 0),
                          history: outcome.history.map(record), selectedParameters: outcome.selected.map { samples.parameters[$0] },
                          stopReason: outcome.stopReason, truthSolver: surrogate.truth.name,
                          seconds: (interpolationSeconds, surrogate.truth.seconds, outcome.extensionSeconds - surrogate.truth.seconds,
                                    outcome.estimateSeconds, total))
        }
    }
}

/// The greedy's surrogate: the model's indicator on every training parameter (β, γ exact from
/// the sampled matrices), truth solves of the sampled matrices, the reduced data grown by the
/// new row and column.
struct NonintrusiveSurrogate<Element: Scalar>: GreedySurrogate {
    let samples: FamilySamples<Element>
    let operatorEIM: MatrixEmpiricalInterpolation<Element>
    let loadEIM: VectorEmpiricalInterpolation<Element>
    let sketch: ResidualSketch
    let stabilityConstant: Double
    let truth: FamilyTruthSolver<Element>
    private var basis: ScalarOrthonormalBasis<Element>
    /// β_j and γ_j of every training parameter.
    private let trainingBeta: [[Double]], trainingGamma: [[Double]]
    private var reducedOperators: [DenseMatrix<Element>]
    private var reducedLoads: [[Element]]
    private var sketchedOperators: [DenseMatrix<Element>]
    private let sketchedLoads: [[Element]]
    private let terms: [CSRMatrix<Element>]
    private let loads: [[Element]]

    init(samples: FamilySamples<Element>, operatorEIM: MatrixEmpiricalInterpolation<Element>, loadEIM: VectorEmpiricalInterpolation<Element>,
         x: SparseMatrix, sketch: ResidualSketch, stabilityConstant: Double) throws {
        self.samples = samples
        self.operatorEIM = operatorEIM
        self.loadEIM = loadEIM
        self.sketch = sketch
        self.stabilityConstant = stabilityConstant
        truth = FamilyTruthSolver(pattern: samples.pattern, firstValues: samples.values[0])
        basis = ScalarOrthonormalBasis(x: x)
        trainingBeta = try samples.values.map { try operatorEIM.values.coefficients(of: $0) }
        trainingGamma = try samples.rightHandSides.map { try loadEIM.coefficients(of: $0) }
        terms = (0...operatorEIM.terms).map { operatorEIM.term($0) }
        loads = loadEIM.basis
        reducedOperators = terms.map { _ in DenseMatrix(rows: 0, columns: 0) }
        reducedLoads = loads.map { _ in [] }
        sketchedOperators = terms.map { _ in DenseMatrix(rows: sketch.size, columns: 0) }
        let sketched = try sketch.sketch(DenseMatrix(columns: loads))
        sketchedLoads = (0..<loads.count).map { sketched.column($0) }
    }

    var size: Int { basis.count }

    /// The online model of the current basis.
    func model(keepBasis: Bool, coefficientInterpolation: Bool) throws -> NonintrusiveReducedModel<Element> {
        let interpolation = coefficientInterpolation
            ? try ScatteredInterpolation(parameters: samples.parameters, values: zip(trainingBeta, trainingGamma).map { $0 + $1 },
                                         space: parameterSpace)
            : nil
        return try NonintrusiveReducedModel(
            parameterSpace: parameterSpace, order: samples.order, operatorPositions: operatorEIM.positions,
            operatorParts: operatorEIM.parts, operatorInterpolationMatrix: operatorEIM.values.interpolationMatrix,
            rightHandSideIndices: loadEIM.entries, rightHandSideParts: loadEIM.parts,
            rightHandSideInterpolationMatrix: loadEIM.interpolationMatrix, reducedOperators: reducedOperators,
            reducedRightHandSides: reducedLoads, sketchedOperators: sketchedOperators, sketchedRightHandSides: sketchedLoads,
            stabilityConstant: stabilityConstant, coefficientInterpolation: interpolation, basis: keepBasis ? basis.vectors : nil)
    }

    /// The family's parameter box.
    var parameterSpace: ParameterSpace { samples.parameterSpace }

    func worst(over candidates: [Int]) throws -> (index: Int, estimate: Double) {
        let evaluator = NonintrusiveModelEvaluator(model: try model(keepBasis: false, coefficientInterpolation: false))
        var worst = 0, largest = -Double.infinity
        for (index, j) in candidates.enumerated() {
            try trainingBeta[j].withUnsafeBufferPointer { b in
                try trainingGamma[j].withUnsafeBufferPointer { try evaluator.solve(beta: b, gamma: $0) }
            }
            var estimate = evaluator.errorEstimate
            if size > 0 {
                let norm = evaluator.coefficients.reduce(0.0) { $0 + $1.modulus * $1.modulus }.squareRoot()
                estimate = norm > 0 ? estimate / norm : .infinity
            }
            if estimate > largest || estimate.isNaN {
                largest = estimate
                worst = index
            }
        }
        // With no basis every relative indicator is infinite: the largest right-hand side goes first.
        return (worst, size == 0 ? .infinity : largest)
    }

    mutating func extend(with j: Int) throws -> Bool {
        let u = try truth.solve(values: samples.values[j], rightHandSide: samples.rightHandSides[j])
        if let bad = u.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "truth solution at \(samples.parameters[j])", index: bad) }
        let before = basis.count
        guard basis.append(u) else { return false }
        let v = basis.vectors.column(before)
        let vectors = basis.vectors
        // Q_m v for every term: the new columns of Vᴴ Q_m V and of Θ Q_m V.
        var images = DenseMatrix<Element>(rows: samples.order, columns: 0)
        for (m, q) in terms.enumerated() {
            let image = q.apply(v)
            images.appendColumn(image)
            let column = vectors.applied(.adjoint, to: image)                        // Vᴴ Q_m v
            let row = before == 0 ? [] : vectors.applied(.adjoint, to: try q.applyAdjoint(v)).map(\.conjugate)  // vᴴ Q_m V
            var grown = DenseMatrix<Element>(rows: before + 1, columns: before + 1)
            for c in 0..<before { for r in 0..<before { grown[r, c] = reducedOperators[m][r, c] } }
            for r in 0...before { grown[r, before] = column[r] }
            for c in 0..<before { grown[before, c] = row[c] }
            reducedOperators[m] = grown
        }
        let sketched = try sketch.sketch(images)
        for m in terms.indices { sketchedOperators[m].appendColumn(sketched.column(m)) }
        for (l, f) in loads.enumerated() {
            reducedLoads[l].append(f.withUnsafeBufferPointer { fp in v.withUnsafeBufferPointer { Element.dot(n: v.count, $0.baseAddress!, fp.baseAddress!) } })
        }
        return true
    }
}


extension NonintrusiveReducedBasis.Result {
    /// The offline figures as JSON members (the keys of `rom nonintrusive --json` and the
    /// `nonintrusive-rb` driver).
    public var figures: [(String, JSONValue)] {
        let training = history.last?.maxIndicator ?? .nan
        let members: [(String, JSONValue)] = [
            ("eim_terms", .int(operatorInterpolation.terms)),
            ("rhs_eim_terms", .int(rightHandSideInterpolation.terms)),
            ("operator_error", .number(operatorTrainingError.largestEntry)),
            ("operator_error_frobenius", .number(operatorTrainingError.frobenius)),
            ("eim_error_history", .numbers(operatorInterpolation.values.errorHistory)),
            ("basis_size", .int(model.size)),
            ("max_training_indicator", .number(training)),
            // From N = 1 on (with no basis every relative indicator is infinite).
            ("greedy_indicators", .numbers(history.filter { $0.basisSize > 0 }.map(\.maxIndicator))),
            ("greedy_stop", .string(stopReason.description)),
            ("truth_solver", .string(truthSolver)),
            ("sketch_size", .int(model.sketchSize)),
        ]
        let times: [(String, JSONValue)] = [
            ("interpolation_seconds", .number(seconds.interpolation)), ("truth_seconds", .number(seconds.truth)),
            ("extension_seconds", .number(seconds.extension)), ("indicator_seconds", .number(seconds.indicators)),
            ("offline_seconds", .number(seconds.total)),
        ]
        return members + times
    }
}
