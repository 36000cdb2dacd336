import LinearAlgebra

/// Answers queries of a `NonintrusiveReducedModel` (see there for the formulas). The arrays are
/// stacked once into contiguous buffers and all workspace is allocated here, so a query
/// allocates nothing: two forward substitutions, A_N(μ) as one gemv over the stacked reduced
/// operators, a solve of order N, and — only when `errorEstimate` (or one of its parts) is read —
/// the sketched residual as gemvs of k rows.
///
/// When every reduced operator is Hermitian (a symmetric family: Vᴴ Q_m V with Q_m symmetric),
/// only their lower triangles are stacked (packed by columns: half the bytes a query streams)
/// and A_N(μ) is solved by Cholesky (`Scalar.posv`); an A_N(μ) that is not positive definite
/// (an interpolated operator far from the training set) falls back to LU with partial pivoting
/// (`gesv`) on the same symmetric matrix. Otherwise every A_N(μ) is solved by LU.
/// One evaluator per thread.
public final class NonintrusiveModelEvaluator<Element: Scalar> {
    /// The model.
    public let model: NonintrusiveReducedModel<Element>
    /// Where a query μ gets its magic entries in process (a family that evaluates entries);
    /// nil: from the interpolation of the training coefficients.
    public let entrySource: (@Sendable (Parameter) throws -> (operator: [Element], rightHandSide: [Element]))?
    /// The indicator η(μ) of the last query (computed on first reading after the query).
    public var errorEstimate: Double { estimateIfPending(); return estimate.indicator }
    /// ‖Θ r_d(μ)‖ of the last query (the separated residual).
    public var residualNorm: Double { estimateIfPending(); return estimate.residual }
    /// ‖Θ e(μ)‖ of the last query (the interpolation error estimate).
    public var interpolationErrorNorm: Double { estimateIfPending(); return estimate.interpolation }
    /// Whether the reduced operators are Hermitian: packed lower triangles and Cholesky.
    public let hermitian: Bool
    private var estimate = (indicator: 0.0, residual: 0.0, interpolation: 0.0)
    private var estimatePending = false

    private let n: Int, d: Int, l: Int, k: Int
    private let operators: UnsafeMutableBufferPointer<Element>       // N² (Hermitian: N(N+1)/2) × (d+1)
    private let rightHandSides: UnsafeMutableBufferPointer<Element>  // N × (l+1)
    private let sketches: UnsafeMutableBufferPointer<Element>        // kN × (d+1)
    private let sketchedLoads: UnsafeMutableBufferPointer<Element>   // k × (l+1)
    private let beta: UnsafeMutableBufferPointer<Double>
    private let gamma: UnsafeMutableBufferPointer<Double>
    private let betaScalar: UnsafeMutableBufferPointer<Element>
    private let gammaScalar: UnsafeMutableBufferPointer<Element>
    private let system: UnsafeMutableBufferPointer<Element>
    private let packed: UnsafeMutableBufferPointer<Element>            // A_N(μ)'s packed lower triangle (Hermitian)
    private let solution: UnsafeMutableBufferPointer<Element>
    private let sketchedOperator: UnsafeMutableBufferPointer<Element>  // k × N
    private let residual: UnsafeMutableBufferPointer<Element>          // k
    private let error: UnsafeMutableBufferPointer<Element>             // k
    private let pivots: UnsafeMutableBufferPointer<Int32>
    private let scratch: UnsafeMutableBufferPointer<Double>
    private let interpolated: UnsafeMutableBufferPointer<Double>

    /// An evaluator of `model`; `entrySource` gives the magic entries of A(μ) and f(μ) (in the
    /// order of `operatorPositions` and `rightHandSideIndices`) when the family can compute them.
    public init(model: NonintrusiveReducedModel<Element>,
                entrySource: (@Sendable (Parameter) throws -> (operator: [Element], rightHandSide: [Element]))? = nil) {
        self.model = model
        self.entrySource = entrySource
        let n = model.size, d = model.operatorPositions.count, l = model.rightHandSideIndices.count, k = model.sketchSize
        (self.n, self.d, self.l, self.k) = (n, d, l, k)
        func buffer<T>(_ count: Int, _ zero: T) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: Swift.max(count, 1))
            b.initialize(repeating: zero)
            return b
        }
        hermitian = model.reducedOperators.allSatisfy(Self.isHermitian)
        let stride = hermitian ? n * (n + 1) / 2 : n * n
        operators = buffer(stride * d, .zero)
        for (m, a) in model.reducedOperators.enumerated() {
            if hermitian {
                // Column j's rows j…N−1, each the mean of a_ij and conj(a_ji) (equal to round-off).
                var p = m * stride
                for j in 0..<n {
                    for i in j..<n {
                        operators[p] = (a.storage[j * n + i] + a.storage[i * n + j].conjugate) * Element(real: 0.5)
                        p += 1
                    }
                }
            } else {
                for i in 0..<(n * n) { operators[m * n * n + i] = a.storage[i] }
            }
        }
        packed = buffer(hermitian ? stride : 0, .zero)
        rightHandSides = buffer(n * l, .zero)
        for (m, f) in model.reducedRightHandSides.enumerated() { for i in 0..<n { rightHandSides[m * n + i] = f[i] } }
        sketches = buffer(k * n * d, .zero)
        for (m, s) in model.sketchedOperators.enumerated() { for i in 0..<(k * n) { sketches[m * k * n + i] = s.storage[i] } }
        sketchedLoads = buffer(k * l, .zero)
        for (m, f) in model.sketchedRightHandSides.enumerated() { for i in 0..<k { sketchedLoads[m * k + i] = f[i] } }
        beta = buffer(d, 0.0)
        gamma = buffer(l, 0.0)
        betaScalar = buffer(d, .zero)
        gammaScalar = buffer(l, .zero)
        system = buffer(n * n, .zero)
        solution = buffer(n, .zero)
        sketchedOperator = buffer(k * n, .zero)
        residual = buffer(k, .zero)
        error = buffer(k, .zero)
        pivots = buffer(n, Int32(0))
        scratch = buffer((model.coefficientInterpolation?.centres.rows ?? 0) + model.parameterSpace.dimension + 1, 0.0)
        interpolated = buffer(d + l, 0.0)
    }

    deinit {
        for b in [operators, rightHandSides, sketches, sketchedLoads, betaScalar, gammaScalar, system, packed, solution,
                  sketchedOperator, residual, error] { b.deallocate() }
        for b in [beta, gamma, scratch, interpolated] { b.deallocate() }
        pivots.deallocate()
    }

    /// u_N(μ) of the last query.
    public var coefficients: [Element] { Array(solution) }
    /// β(μ) of the last query (d + 1 values, the last the estimator term's).
    public var operatorCoefficients: [Double] { Array(beta) }
    /// γ(μ) of the last query.
    public var rightHandSideCoefficients: [Double] { Array(gamma) }

    /// Answers μ: its magic entries from `entrySource`, else β and γ interpolated in μ.
    public func solve(_ mu: Parameter) throws {
        try model.parameterSpace.validate(mu)
        if let entrySource {
            let (a, f) = try entrySource(mu)
            try solve(operatorEntries: a, rightHandSideEntries: f)
        } else {
            try mu.values.withUnsafeBufferPointer { try solve(interpolating: $0) }
        }
    }

    /// Answers the query whose magic entries are given: A(μ) at `operatorPositions`, f(μ) at
    /// `rightHandSideIndices` (what `rom online --matrix` and `--entries` pass). Either may be nil,
    /// then its coefficients are interpolated at `mu` (which the model then needs).
    public func solve(operatorEntries a: [Element]?, rightHandSideEntries f: [Element]?, interpolatingAt mu: Parameter? = nil) throws {
        if let a {
            guard a.count == d else { throw ROMError.dimensionMismatch(what: "operator magic entries", expected: d, found: a.count) }
            if let bad = a.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "operator magic entries", index: bad) }
        }
        if let f {
            guard f.count == l else { throw ROMError.dimensionMismatch(what: "right-hand side magic entries", expected: l, found: f.count) }
            if let bad = f.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "right-hand side magic entries", index: bad) }
        }
        if a == nil || f == nil {
            guard let interpolation = model.coefficientInterpolation, let mu else {
                throw ROMError.invalidOption(name: "query", detail: "the magic entries of \(a == nil ? "A(μ)" : "f(μ)") are missing, and "
                                             + (mu == nil ? "no μ was given to interpolate them" : "this model has no coefficient interpolation"))
            }
            try parameterSpace(contains: mu)
            mu.values.withUnsafeBufferPointer { interpolation.evaluate($0, scratch: scratch, into: interpolated) }
            for i in 0..<d { beta[i] = interpolated[i] }
            for i in 0..<l { gamma[i] = interpolated[d + i] }
        }
        a?.withUnsafeBufferPointer { substitute($0, model.operatorParts, model.operatorInterpolationMatrix, into: beta) }
        f?.withUnsafeBufferPointer { substitute($0, model.rightHandSideParts, model.rightHandSideInterpolationMatrix, into: gamma) }
        try solveWithCoefficients()
    }

    private func parameterSpace(contains mu: Parameter) throws { try model.parameterSpace.validate(mu) }

    /// Answers the query whose magic entries are given (both).
    public func solve(operatorEntries a: [Element], rightHandSideEntries f: [Element]) throws {
        try solve(operatorEntries: Optional(a), rightHandSideEntries: Optional(f), interpolatingAt: nil)
    }

    /// Answers μ (components, not validated) with β and γ interpolated from the training values.
    public func solve(interpolating mu: UnsafeBufferPointer<Double>) throws {
        guard let interpolation = model.coefficientInterpolation else {
            throw ROMError.invalidOption(name: "query", detail: "this model has no coefficient interpolation: give the magic entries of A(μ) and f(μ)")
        }
        interpolation.evaluate(mu, scratch: scratch, into: interpolated)
        for i in 0..<d { beta[i] = interpolated[i] }
        for i in 0..<l { gamma[i] = interpolated[d + i] }
        try solveWithCoefficients()
    }

    /// Answers the query of given coefficients β (d + 1) and γ (d_f + 1): the greedy's path.
    func solve(beta b: UnsafeBufferPointer<Double>, gamma g: UnsafeBufferPointer<Double>) throws {
        for i in 0..<d { beta[i] = b[i] }
        for i in 0..<l { gamma[i] = g[i] }
        try solveWithCoefficients()
    }

    private func substitute(_ values: UnsafeBufferPointer<Element>, _ parts: [EntryPart], _ b: Matrix,
                            into c: UnsafeMutableBufferPointer<Double>) {
        VectorEmpiricalInterpolation<Element>.substitute(values, parts: parts, interpolationMatrix: b, into: c)
    }

    private func solveWithCoefficients() throws {
        for i in 0..<d { betaScalar[i] = Element(real: beta[i]) }
        for i in 0..<l { gammaScalar[i] = Element(real: gamma[i]) }
        estimatePending = false
        guard n > 0 else { estimatePending = true; return }
        let one = Element(real: 1), zero = Element.zero
        // f_N = Σ_{l<d_f} γ_l f_l^N: the estimator term left out.
        Element.gemv(.none, m: n, n: l - 1, alpha: one, a: rightHandSides.baseAddress!, lda: n,
                     x: gammaScalar.baseAddress!, beta: zero, y: solution.baseAddress!)
        if l == 1 { for i in 0..<n { solution[i] = zero } }
        if hermitian { try solveHermitian() } else { try solveGeneral() }
        for i in 0..<n where !solution[i].isFinite {
            throw ROMError.notFinite(what: "reduced solution (the coefficients β, γ of this query: check its entries or μ)", index: i)
        }
        estimatePending = true
    }

    /// A_N = Σ_{m<d} β_m A_m^N (the estimator term left out) by one gemv, then LU.
    private func solveGeneral() throws {
        Element.gemv(.none, m: n * n, n: d - 1, alpha: Element(real: 1), a: operators.baseAddress!, lda: n * n,
                     x: betaScalar.baseAddress!, beta: .zero, y: system.baseAddress!)
        if d == 1 { for i in 0..<(n * n) { system[i] = .zero } }
        try luSolve()
    }

    /// The packed lower triangle of A_N by one gemv, unpacked into the lower triangle of
    /// `system`; Cholesky, or LU on the whole matrix when A_N is not positive definite.
    private func solveHermitian() throws {
        let stride = n * (n + 1) / 2
        Element.gemv(.none, m: stride, n: d - 1, alpha: Element(real: 1), a: operators.baseAddress!, lda: stride,
                     x: betaScalar.baseAddress!, beta: .zero, y: packed.baseAddress!)
        if d == 1 { for i in 0..<stride { packed[i] = .zero } }
        unpack(upper: false)
        if Element.posv(n: n, a: system.baseAddress!, b: solution.baseAddress!) == 0 { return }
        unpack(upper: true)
        try luSolve()
    }

    /// `packed` into the lower triangle of `system`, and its conjugate into the upper one too.
    private func unpack(upper: Bool) {
        var p = 0
        for j in 0..<n {
            for i in j..<n {
                system[j * n + i] = packed[p]
                if upper { system[i * n + j] = packed[p].conjugate }
                p += 1
            }
        }
    }

    private func luSolve() throws {
        let info = Element.gesv(n: n, nrhs: 1, a: system.baseAddress!, b: solution.baseAddress!, pivots: pivots.baseAddress!)
        guard info == 0 else { throw LinearAlgebraError.singular(pivot: info - 1, routine: "gesv (reduced system)") }
    }

    /// η, ‖Θ r_d‖ and ‖Θ e‖ of the last query, once.
    private func estimateIfPending() {
        guard estimatePending else { return }
        estimatePending = false
        guard n > 0 else {
            let r = norm(sketchedLoads, gammaScalar)
            estimate = (r / model.stabilityConstant, r, 0)
            return
        }
        let one = Element(real: 1), zero = Element.zero
        // Θ r_d = Σ_{l<d_f} γ_l Θ F_l − (Σ_{m<d} β_m Θ Q_m V) u_N.
        Element.gemv(.none, m: k * n, n: d - 1, alpha: one, a: sketches.baseAddress!, lda: k * n,
                     x: betaScalar.baseAddress!, beta: zero, y: sketchedOperator.baseAddress!)
        if d == 1 { for i in 0..<(k * n) { sketchedOperator[i] = zero } }
        Element.gemv(.none, m: k, n: l - 1, alpha: one, a: sketchedLoads.baseAddress!, lda: k,
                     x: gammaScalar.baseAddress!, beta: zero, y: residual.baseAddress!)
        if l == 1 { for i in 0..<k { residual[i] = zero } }
        Element.gemv(.none, m: k, n: n, alpha: Element(real: -1), a: sketchedOperator.baseAddress!, lda: k,
                     x: solution.baseAddress!, beta: one, y: residual.baseAddress!)
        // Θ e = β_d Θ Q_d V u_N − γ_{d_f} Θ F_{d_f}.
        Element.gemv(.none, m: k, n: n, alpha: betaScalar[d - 1], a: sketches.baseAddress! + (d - 1) * k * n, lda: k,
                     x: solution.baseAddress!, beta: zero, y: error.baseAddress!)
        let lastLoad = gammaScalar[l - 1]
        for i in 0..<k { error[i] -= lastLoad * sketchedLoads[(l - 1) * k + i] }
        let r = Self.norm2(residual), e = Self.norm2(error)
        estimate = ((r + e) / model.stabilityConstant, r, e)
    }

    /// Whether a reduced operator is Hermitian to round-off: |a_ij − conj(a_ji)| ≤ 1e-12 max|a|.
    private static func isHermitian(_ a: DenseMatrix<Element>) -> Bool {
        let n = a.rows
        let largest = a.storage.reduce(0.0) { Swift.max($0, $1.modulus) }
        let tolerance = 1e-12 * largest
        for j in 0..<n {
            for i in j..<n where (a.storage[j * n + i] - a.storage[i * n + j].conjugate).modulus > tolerance { return false }
        }
        return true
    }

    private func norm(_ a: UnsafeMutableBufferPointer<Element>, _ c: UnsafeMutableBufferPointer<Element>) -> Double {
        var s = 0.0
        for i in 0..<k {
            var v = Element.zero
            for j in 0..<(l - 1) { v += c[j] * a[j * k + i] }
            s += v.modulus * v.modulus
        }
        return s.squareRoot()
    }

    @inline(__always)
    private static func norm2(_ v: UnsafeMutableBufferPointer<Element>) -> Double {
        var s = 0.0
        for i in 0..<v.count { let m = v[i].modulus; s += m * m }
        return s.squareRoot()
    }

    /// V u_N (needs the basis).
    public func reconstruct(_ coefficients: [Element]) throws -> [Element] {
        guard let basis = model.basis else { throw ROMError.invalidOption(name: "reconstruction", detail: "this model was saved without its basis") }
        guard coefficients.count == n else { throw ROMError.dimensionMismatch(what: "reduced coefficients", expected: n, found: coefficients.count) }
        return basis.applied(to: coefficients)
    }
}
