import Foundation
import LinearAlgebra
import Materials

/// Quasi-static small-strain nonlinear mechanics on P1/P2 tetrahedra: at each time step, the
/// global Newton on the free displacements
///
///     r(u) = Σ_k w_k B_kᵀ σ_k(u) − f_ext(t) = 0,   K = Σ_k w_k B_kᵀ (∂σ/∂ε)_k B_k,
///
/// with σ_k from the backward-Euler update of the law at every integration point (from the
/// state accepted at the end of the previous step), K assembled on the assembler's sparsity
/// pattern, Dirichlet conditions (u = 0 on the clamped facets) by elimination, K factored by
/// CHOLMOD (the symbolic analysis done once and reused) or, when a tangent at some point is not
/// symmetric, by UMFPACK. The step converges when ‖r_free‖ ≤ tolerance · F, F the largest of
/// ‖f_ext‖ and ‖f_int‖ (f_int with the reactions, so that a purely thermal load has a scale too)
/// over this step's iterations and the accepted steps before (so that a step back to rest, where
/// both vanish, keeps the scale of the loads it comes from).
///
/// ```swift
/// var solver = try NonlinearMechanicsSolver(space: space, law: law, clamped: [BladeMesh.Tag.root], loading: loads)
/// for t in cycle.times(cycles: 2, stepsPerCycle: 20) { _ = try solver.step(to: t) }
/// ```
public struct NonlinearMechanicsSolver {
    /// Newton's settings.
    public struct Options: Sendable {
        /// Relative residual at which a step has converged.
        public var tolerance: Double
        /// Newton iterations per step before ``MechanicsError/newtonDidNotConverge(step:time:iterations:relativeResidual:)``.
        public var maxIterations: Int

        /// Settings (defaults: 1e-8, 25 iterations).
        public init(tolerance: Double = 1e-8, maxIterations: Int = 25) {
            self.tolerance = tolerance
            self.maxIterations = maxIterations
        }
    }

    /// What one step did.
    public struct StepReport: Sendable {
        /// Newton iterations (linear solves).
        public var iterations: Int
        /// ‖r_free‖ / scale before each solve and at convergence.
        public var residuals: [Double]
        /// Whether UMFPACK solved some iteration (a non-symmetric tangent).
        public var usedLU: Bool
        /// Seconds in the law at the points, in the assembly of f_int and K, in the factorizations and solves.
        public var lawSeconds = 0.0, assemblySeconds = 0.0, solveSeconds = 0.0
    }

    /// The integration points.
    public let points: MechanicsIntegrationPoints
    /// The law at every point.
    public let law: any ConstitutiveLaw
    /// The loads.
    public let loading: MechanicsLoading
    /// The clamped dofs' elimination.
    public let dirichlet: DirichletElimination
    /// Newton's settings.
    public var options: Options
    /// The sparsity pattern (and scatter map) of the tangent.
    public let pattern: SparsityPattern
    /// f_ext for ω = 1 (a full dof vector; scaled by ω(t)²).
    public let unitCentrifugalForce: [Double]

    /// The time of the last accepted step.
    public private(set) var time = 0.0
    /// Steps accepted.
    public private(set) var stepCount = 0
    /// The displacement at `time` (full dof vector, zero on the clamped dofs).
    public private(set) var displacement: [Double]
    /// The fields at the points at `time`.
    public private(set) var fields: PointFields
    /// The force scale F of the stopping test: the largest ‖f_ext‖, ‖f_int‖ met so far.
    public private(set) var forceScale = 0.0

    /// The restricted tangent's CSR pattern and, per entry, its position in the full values.
    private let freeRowPointers: [Int], freeColumns: [Int], freePositions: [Int]
    private var cholesky: CholeskyFactorization?

    /// A solver at t = 0 (u = 0, virgin state at T(x, 0)) for the displacement space `space`,
    /// clamped on the boundary facets tagged `clamped`.
    /// - Throws: ``MechanicsError`` for a space that is not 3D vector-valued, or no clamped dof.
    public init(space: FunctionSpace, law: any ConstitutiveLaw, clamped: Set<Int>, loading: MechanicsLoading,
                options: Options = Options()) throws {
        let points = try MechanicsIntegrationPoints(space: space)
        let dirichlet = DirichletElimination(space: space, tags: clamped)
        guard !dirichlet.constrainedDofs.isEmpty else {
            throw MechanicsError.invalidInput("no boundary facet carries the clamped tags \(clamped.sorted()): the problem has rigid motions")
        }
        let assembler = Assembler(space: space)
        let pattern = assembler.pattern
        let loads = loading
        unitCentrifugalForce = loading.density > 0
            ? assembler.assemble(.source(vector: { x in loads.unitCentrifugalForce(at: x) })) : [Double](repeating: 0, count: space.dofCount)
        let positions = dirichlet.restrict(pattern.matrix(values: (0..<pattern.nonzeroCount).map(Double.init)))
        freeRowPointers = positions.rowPointers
        freeColumns = positions.columnIndices
        freePositions = positions.values.map { Int($0) }
        displacement = [Double](repeating: 0, count: space.dofCount)
        fields = PointFields(law: law, points: points, temperatures: Self.temperatures(points, loading, at: 0))
        self.points = points
        self.dirichlet = dirichlet
        self.pattern = pattern
        self.law = law
        self.loading = loading
        self.options = options
    }

    /// The temperatures of the points at time t.
    public static func temperatures(_ points: MechanicsIntegrationPoints, _ loading: MechanicsLoading, at t: Double) -> [Double] {
        (0..<points.count).map { loading.temperature(points.position($0), t) }
    }

    /// f_ext at time t.
    public func externalForce(at t: Double) -> [Double] {
        let omega = loading.angularVelocity(t)
        return unitCentrifugalForce.map { $0 * omega * omega }
    }

    /// Advances to time `t` (> `time`) by one backward-Euler step; the state is accepted only
    /// when Newton converges.
    public mutating func step(to t: Double) throws -> StepReport {
        guard t > time, t.isFinite else { throw MechanicsError.invalidInput("step to t = \(t) from t = \(time): time must increase") }
        let dt = t - time
        let temperatures = Self.temperatures(points, loading, at: t)
        let fExt = externalForce(at: t)
        var u = displacement
        var report = StepReport(iterations: 0, residuals: [], usedLU: false)
        for iteration in 0...options.maxIterations {
            let trial = try Stopwatch.accumulate(into: &report.lawSeconds) {
                try points.evaluate(law: law, displacement: u, temperatures: temperatures, timeStep: dt, previous: fields, withTangent: true)
            }
            let fInt = Stopwatch.accumulate(into: &report.assemblySeconds) { points.internalForce(stress: trial.stress) }
            let scale = max(BLAS.nrm2(fExt), BLAS.nrm2(fInt), forceScale, .leastNormalMagnitude)
            let r = dirichlet.freeDofs.map { fInt[$0] - fExt[$0] }
            let relative = BLAS.nrm2(r) / scale
            report.residuals.append(relative)
            guard relative.isFinite else { break }
            if relative <= options.tolerance {
                displacement = u
                fields = trial
                fields.tangent = []
                forceScale = scale
                time = t
                stepCount += 1
                report.iterations = iteration
                return report
            }
            if iteration == options.maxIterations { break }
            let (delta, lu) = try solveTangent(trial.tangent, rightHandSide: r.map { -$0 }, report: &report)
            report.usedLU = report.usedLU || lu
            for (f, dof) in dirichlet.freeDofs.enumerated() { u[dof] += delta[f] }
        }
        throw MechanicsError.newtonDidNotConverge(step: stepCount + 1, time: t, iterations: options.maxIterations,
                                                  relativeResidual: report.residuals.last ?? .nan)
    }

    /// Solves K_ff δ = b for the tangents `tangent` at the points: CHOLMOD when every point's
    /// tangent is symmetric (refactoring on the analysis of the first call), else UMFPACK.
    mutating func solveTangent(_ tangent: [Double], rightHandSide b: [Double], report: inout StepReport) throws -> (solution: [Double], usedLU: Bool) {
        let symmetric = Self.isSymmetric(tangent)
        let values = Stopwatch.accumulate(into: &report.assemblySeconds) { () -> [Double] in
            let full = points.tangentValues(tangent: tangent, pattern: pattern, symmetric: symmetric)
            return freePositions.map { full[$0] }
        }
        let clock = Stopwatch()
        defer { report.solveSeconds += clock.seconds }
        let matrix = SparseMatrix(rows: dirichlet.freeDofs.count, columns: dirichlet.freeDofs.count,
                                  rowPointers: freeRowPointers, columnIndices: freeColumns, values: values)
        if symmetric {
            if let cholesky {
                try cholesky.refactor(values: values)
            } else {
                cholesky = try CholeskyFactorization(matrix)
            }
            return (try cholesky!.solve(b), false)
        }
        return (try LUFactorization(matrix).solve(b), true)
    }

    /// The free-dof tangent stiffness at the current displacement and state, for a step of
    /// length `dt` to temperatures at `time + dt` (what a directional finite difference of the
    /// internal force checks).
    public func tangentMatrix(displacement u: [Double], timeStep dt: Double) throws -> SparseMatrix {
        let trial = try points.evaluate(law: law, displacement: u, temperatures: Self.temperatures(points, loading, at: time + dt),
                                        timeStep: dt, previous: fields, withTangent: true)
        let full = points.tangentValues(tangent: trial.tangent, pattern: pattern, symmetric: false)
        return pattern.matrix(values: full)
    }

    /// The internal force at displacement `u` for a step of length `dt` from the accepted state.
    public func internalForce(displacement u: [Double], timeStep dt: Double) throws -> [Double] {
        let trial = try points.evaluate(law: law, displacement: u, temperatures: Self.temperatures(points, loading, at: time + dt),
                                        timeStep: dt, previous: fields, withTangent: false)
        return points.internalForce(stress: trial.stress)
    }

    /// Whether every 6×6 tangent is symmetric to round-off (1e-12 of its largest entry).
    static func isSymmetric(_ tangent: [Double]) -> Bool {
        tangent.withUnsafeBufferPointer { t in
            for k in 0..<(t.count / 36) {
                var largest = 0.0, asymmetry = 0.0
                for i in 0..<6 {
                    for j in 0..<6 {
                        largest = max(largest, abs(t[36 * k + 6 * i + j]))
                        if j > i { asymmetry = max(asymmetry, abs(t[36 * k + 6 * i + j] - t[36 * k + 6 * j + i])) }
                    }
                }
                if asymmetry > 1e-12 * largest { return false }
            }
            return true
        }
    }
}
