import CBLAS
import LinearAlgebra
import Materials

/// The online stage of a hyper-reduced nonlinear mechanics model (stage iii of Casenave, Akkari,
/// Bordeu, Rey, Ryckelynck 2020): the displacement u ≈ V c, and at each time step Newton on the
/// reduced equilibrium
///
///     r(c) = Σ_k w_k B_kᵀ σ_k(B_k c) − f_N(t) = 0,   tangent K(c) = Σ_k w_k B_kᵀ C_k B_k,
///
/// with the constitutive law (``ConstitutiveLaw``, backward Euler) evaluated at the K reduced points
/// only (``ReducedIntegrationPoints``) and their internal variables carried from step to step.
/// ε = B c and Bᵀ(wσ) are `dgemv`s on the stacked (6K) × N matrix, the tangent one `dgemm`
/// (Bᵀ (w C B)), the correction an LU solve (`dgesv`, the law's tangent need not be symmetric).
/// All workspace is allocated at construction: a step allocates nothing.
///
/// With every mesh point and the exact weights this is the (unreduced-quadrature) POD-Galerkin
/// model; with the ECM points and weights (``EmpiricalCubature``) the hyper-reduced one.
/// One instance per thread: it owns its state.
public final class HyperReducedMechanics {
    /// Newton's stopping rule.
    public struct Options: Sendable {
        /// Converged when ‖r‖ ≤ tolerance · (the largest of ‖f_N‖ and ‖Σ w Bᵀσ‖ met so far).
        public var tolerance: Double
        /// Newton iterations per step before ``HyperReductionError/newtonFailed(step:iterations:relativeResidual:)``.
        public var maximumIterations: Int

        public init(tolerance: Double = 1e-10, maximumIterations: Int = 25) {
            self.tolerance = tolerance
            self.maximumIterations = maximumIterations
        }
    }

    /// The reduced points.
    public let points: ReducedIntegrationPoints
    /// The law evaluated at them.
    public let law: any ConstitutiveLaw
    /// Newton's settings.
    public let options: Options

    /// Steps taken since the last reset.
    public private(set) var stepIndex = 0
    /// The relative residual after each Newton iteration of the last step (its first entry is the
    /// residual of the previous step's solution).
    public private(set) var residualHistory: [Double] = []

    private let k: Int, n: Int, s: Int
    private var c: [Double]
    private var previousState: [Double], state: [Double]
    private var strain: [Double], stress: [Double], tangent: [Double]
    private var weightedStress: [Double], weightedTangentModes: [Double]
    private var reducedTangent: [Double], factors: [Double], correction: [Double]
    private var pivots: [Int32]
    private var residualScale = 0.0

    /// A model at rest (c = 0, virgin state at `temperatures`, one per point; nil: 0).
    /// - Throws: `ROMError.invalidOption` for options out of range, `.dimensionMismatch` for the
    ///   temperatures.
    public init(points: ReducedIntegrationPoints, law: any ConstitutiveLaw, options: Options = Options(),
                initialTemperatures: [Double]? = nil) throws {
        guard options.tolerance > 0, options.tolerance < 1 else {
            throw ROMError.invalidOption(name: "reduced Newton tolerance", detail: "must lie in (0, 1), got \(options.tolerance)")
        }
        guard options.maximumIterations >= 1 else {
            throw ROMError.invalidOption(name: "reduced Newton iteration limit", detail: "must be at least 1, got \(options.maximumIterations)")
        }
        self.points = points
        self.law = law
        self.options = options
        k = points.count
        n = points.modeCount
        s = law.stateCount
        c = [Double](repeating: 0, count: n)
        previousState = [Double](repeating: 0, count: k * s)
        state = previousState
        strain = [Double](repeating: 0, count: 6 * k)
        stress = strain
        weightedStress = strain
        tangent = [Double](repeating: 0, count: 36 * k)
        weightedTangentModes = [Double](repeating: 0, count: 6 * k * n)
        reducedTangent = [Double](repeating: 0, count: n * n)
        factors = reducedTangent
        correction = c
        pivots = [Int32](repeating: 0, count: n)
        residualHistory.reserveCapacity(options.maximumIterations + 1)
        try reset(temperatures: initialTemperatures ?? [Double](repeating: 0, count: k))
    }

    /// Back to rest: c = 0 and the virgin state at `temperatures` (one per point).
    public func reset(temperatures: [Double]) throws {
        guard temperatures.count == k else { throw ROMError.dimensionMismatch(what: "initial temperatures (one per reduced point)", expected: k, found: temperatures.count) }
        if let bad = temperatures.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "initial temperatures", index: bad) }
        for i in 0..<n { c[i] = 0 }
        previousState.withUnsafeMutableBufferPointer { p in
            for point in 0..<k { law.initializeState(UnsafeMutableBufferPointer(rebasing: p[(point * s)..<((point + 1) * s)]), temperature: temperatures[point]) }
        }
        state = previousState
        stepIndex = 0
        residualScale = 0
        residualHistory.removeAll(keepingCapacity: true)
    }

    /// The reduced coefficients c of the last step.
    public var coefficients: [Double] { c }
    /// The stresses at the reduced points after the last step (6K, point-major).
    public var stresses: [Double] { stress }
    /// The internal state of the reduced points after the last step (K · stateCount, point-major).
    public var internalState: [Double] { previousState }

    /// The state scalar `field` (e.g. `"p"`) at each reduced point after the last step, or nil
    /// when the law has no such field.
    public func stateField(_ field: String) -> [Double]? {
        guard let offset = law.stateFields[field] else { return nil }
        return (0..<k).map { previousState[$0 * s + offset] }
    }

    /// Advances one time step: f_N (N), the temperatures at the reduced points (K) and Δt. Returns
    /// the Newton iterations taken.
    /// - Throws: ``HyperReductionError`` naming the step: Newton not converged, the law failed at a
    ///   point, a singular tangent; `ROMError` for buffers of the wrong length or Δt ≤ 0.
    @discardableResult
    public func advance(force: UnsafeBufferPointer<Double>, temperatures: UnsafeBufferPointer<Double>, timeStep: Double) throws -> Int {
        guard force.count == n else { throw ROMError.dimensionMismatch(what: "reduced force (modes)", expected: n, found: force.count) }
        guard temperatures.count == k else { throw ROMError.dimensionMismatch(what: "temperatures (reduced points)", expected: k, found: temperatures.count) }
        guard timeStep > 0, timeStep.isFinite else { throw ROMError.invalidOption(name: "time step", detail: "Δt = \(timeStep), expected positive") }
        residualHistory.removeAll(keepingCapacity: true)
        let forceNorm = cblas_dnrm2(Int32(n), force.baseAddress, 1)
        residualScale = Swift.max(residualScale, forceNorm)
        var iteration = 0
        while true {
            let residualNorm = try evaluate(force: force, temperatures: temperatures, timeStep: timeStep)
            let relative = residualScale > 0 ? residualNorm / residualScale : residualNorm
            residualHistory.append(relative)
            if residualNorm <= options.tolerance * residualScale { break }
            if iteration == options.maximumIterations {
                throw HyperReductionError.newtonFailed(step: stepIndex, iterations: iteration, relativeResidual: relative)
            }
            assembleTangent()
            try solveCorrection()
            iteration += 1
        }
        swap(&previousState, &state)
        stepIndex += 1
        return iteration
    }

    /// Runs `steps` steps of `loading` from the current state (step t uses column
    /// (stepIndex + t) mod T of the loading) and returns what each produced.
    public func run(_ loading: ReducedLoading, steps: Int? = nil, recording field: String? = "p") throws -> Trajectory {
        guard loading.forces.rows == n else { throw ROMError.dimensionMismatch(what: "reduced force rows (modes)", expected: n, found: loading.forces.rows) }
        guard loading.temperatures.rows == k else {
            throw ROMError.dimensionMismatch(what: "temperature rows (reduced points)", expected: k, found: loading.temperatures.rows)
        }
        let count = steps ?? loading.stepCount
        guard count >= 0 else { throw ROMError.invalidOption(name: "step count", detail: "must be ≥ 0, got \(count)") }
        let offset = field.flatMap { law.stateFields[$0] }
        var trajectory = Trajectory(coefficients: Matrix(rows: n, columns: count), stresses: Matrix(rows: 6 * k, columns: count),
                                    field: offset == nil ? nil : Matrix(rows: k, columns: count), iterations: [])
        trajectory.iterations.reserveCapacity(count)
        let t = loading.stepCount
        try loading.forces.storage.withUnsafeBufferPointer { f in
            try loading.temperatures.storage.withUnsafeBufferPointer { temps in
                for step in 0..<count {
                    let column = (stepIndex) % t
                    let iterations = try advance(force: UnsafeBufferPointer(rebasing: f[(column * n)..<((column + 1) * n)]),
                                                 temperatures: UnsafeBufferPointer(rebasing: temps[(column * k)..<((column + 1) * k)]),
                                                 timeStep: loading.timeSteps[column])
                    trajectory.iterations.append(iterations)
                    for i in 0..<n { trajectory.coefficients.storage[i + step * n] = c[i] }
                    for i in 0..<(6 * k) { trajectory.stresses.storage[i + step * 6 * k] = stress[i] }
                    if let offset { for point in 0..<k { trajectory.field!.storage[point + step * k] = previousState[point * s + offset] } }
                }
            }
        }
        return trajectory
    }

    /// What ``run(_:steps:recording:)`` returns, one column per step.
    public struct Trajectory: Sendable {
        /// c(t): N × steps.
        public var coefficients: Matrix
        /// σ at the reduced points: 6K × steps (point-major rows).
        public var stresses: Matrix
        /// The recorded state field (e.g. p) at the reduced points: K × steps, nil when the law has none.
        public var field: Matrix?
        /// Newton iterations per step.
        public var iterations: [Int]
    }

    /// Updates every point at ε = B c (stress, tangent, state) and returns ‖r‖, with −r left in
    /// `correction`.
    private func evaluate(force: UnsafeBufferPointer<Double>, temperatures: UnsafeBufferPointer<Double>, timeStep: Double) throws -> Double {
        let rows = 6 * k
        var norm = 0.0, internalNorm = 0.0
        try points.strainModes.storage.withUnsafeBufferPointer { b in
            try strain.withUnsafeMutableBufferPointer { e in
                try stress.withUnsafeMutableBufferPointer { sigma in
                    try tangent.withUnsafeMutableBufferPointer { ct in
                        try previousState.withUnsafeBufferPointer { old in
                            try state.withUnsafeMutableBufferPointer { new in
                                c.withUnsafeBufferPointer { cp in
                                    cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(rows), Int32(n), 1, b.baseAddress, Int32(rows), cp.baseAddress, 1, 0, e.baseAddress, 1)
                                }
                                for point in 0..<k {
                                    do {
                                        try law.update(strain: UnsafeBufferPointer(rebasing: e[(6 * point)..<(6 * point + 6)]),
                                                       temperature: temperatures[point], timeStep: timeStep,
                                                       previousState: UnsafeBufferPointer(rebasing: old[(point * s)..<((point + 1) * s)]),
                                                       state: UnsafeMutableBufferPointer(rebasing: new[(point * s)..<((point + 1) * s)]),
                                                       stress: UnsafeMutableBufferPointer(rebasing: sigma[(6 * point)..<(6 * point + 6)]),
                                                       tangent: UnsafeMutableBufferPointer(rebasing: ct[(36 * point)..<(36 * point + 36)]))
                                    } catch {
                                        throw HyperReductionError.lawFailed(step: stepIndex, point: point, detail: "\(error)")
                                    }
                                }
                            }
                        }
                        try weightedStress.withUnsafeMutableBufferPointer { ws in
                            try correction.withUnsafeMutableBufferPointer { r in
                                let w = points.weights
                                for point in 0..<k {
                                    for i in 0..<6 {
                                        let value = w[point] * sigma[6 * point + i]
                                        guard value.isFinite else {
                                            throw HyperReductionError.lawFailed(step: stepIndex, point: point, detail: "the stress is NaN or infinite")
                                        }
                                        ws[6 * point + i] = value
                                    }
                                }
                                // r = Bᵀ (w σ) − f (kept negated in `correction` for the solve).
                                cblas_dgemv(CblasColMajor, CblasTrans, Int32(rows), Int32(n), 1, b.baseAddress, Int32(rows), ws.baseAddress, 1, 0, r.baseAddress, 1)
                                internalNorm = cblas_dnrm2(Int32(n), r.baseAddress, 1)
                                cblas_daxpy(Int32(n), -1, force.baseAddress, 1, r.baseAddress, 1)
                                norm = cblas_dnrm2(Int32(n), r.baseAddress, 1)
                                cblas_dscal(Int32(n), -1, r.baseAddress, 1)
                            }
                        }
                    }
                }
            }
        }
        residualScale = Swift.max(residualScale, internalNorm)
        return norm
    }

    /// K = Σ_k w_k B_kᵀ C_k B_k from the tangents of the last evaluation: (w C B) point by point
    /// (6 × N blocks of the stacked 6K × N), then one `dgemm` Bᵀ (w C B).
    private func assembleTangent() {
        let rows = 6 * k
        points.strainModes.storage.withUnsafeBufferPointer { b in
            tangent.withUnsafeBufferPointer { ct in
                weightedTangentModes.withUnsafeMutableBufferPointer { tb in
                    let w = points.weights
                    for point in 0..<k {
                        let cp = ct.baseAddress! + 36 * point, weight = w[point]
                        for mode in 0..<n {
                            let column = b.baseAddress! + mode * rows + 6 * point
                            let out = tb.baseAddress! + mode * rows + 6 * point
                            for i in 0..<6 {
                                var sum = 0.0
                                for j in 0..<6 { sum += cp[6 * i + j] * column[j] }
                                out[i] = weight * sum
                            }
                        }
                    }
                    reducedTangent.withUnsafeMutableBufferPointer { kt in
                        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(n), Int32(n), Int32(rows), 1, b.baseAddress, Int32(rows),
                                    tb.baseAddress, Int32(rows), 0, kt.baseAddress, Int32(n))
                    }
                }
            }
        }
    }

    /// Solves K Δc = −r (−r is in `correction`) and updates c.
    private func solveCorrection() throws {
        for i in 0..<(n * n) { factors[i] = reducedTangent[i] }
        do {
            try factors.withUnsafeMutableBufferPointer { a in
                try correction.withUnsafeMutableBufferPointer { r in
                    try pivots.withUnsafeMutableBufferPointer { p in try InPlaceSolver.solveGeneral(a, order: n, r, pivots: p) }
                }
            }
        } catch let error as LinearAlgebraError {
            throw HyperReductionError.singularTangent(step: stepIndex, detail: "\(error)")
        }
        for i in 0..<n { c[i] += correction[i] }
    }
}
