// matrix-functions: log det Q(κ), bᵀQ(κ)⁻¹b and Q(κ)⁻¹b of a Matérn GMRF precision matrix over
// κ ∈ [1, 100]: the empirical interpolation of matrix powers (arXiv 1710.02488) with its online
// bounds, beside the exact CHOLMOD values (one symbolic analysis) and stochastic Lanczos quadrature.
//
// Sample runs:
//   matrix-functions --json -                   200 × 200 squares (40,401 unknowns), 100 test κ, 8 subdomains
//   matrix-functions --pieces 1 --degree 4 --training 200 --json -   one interpolation over the whole box
//   matrix-functions --n 40 --test 20 --json -  a small case
//   matrix-functions --problem thermal-block --n 100 --json -   the thermal block's A(μ), μ ∈ [0.1, 1]⁴
//   rom online out/matrix-functions/model.npz --mu 1.5 --output logdet   the stored online model
import ArgumentParser
import CaseProblems
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

@main
struct MatrixFunctions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Nonintrusive log-determinants, quadratic forms and inverses of A(μ) with bounds; CHOLMOD and SLQ beside.")

    @Option(help: "The matrices: matern (Q(κ), κ ∈ [1, 100]), matern-regions (one κ ∈ [1, 100] per half of the square) or thermal-block (A(μ) = Σ μ_b A_b, 2×2 blocks).") var problem = "matern"
    @Option(help: "Squares per side of the unit-square mesh.") var n = 200
    @Option(help: "Training parameters of the greedy per subdomain (a uniform grid in log₁₀ κ; seeded random points in several dimensions; default 40, 200 for matern-regions).") var training: Int?
    @Option(help: "Fresh test parameters.") var test = 100
    @Option(help: "p: the largest degree of the interpolated powers.") var degree = 6
    @Option(help: "Equal pieces each parameter component is cut into (one interpolation per subdomain; default 8 for matern and matern-regions, 1 for thermal-block).") var pieces: Int?
    @Option(help: "Step 1's scaling: reference (relative to A at each subdomain's centre; semidefinite terms) or gershgorin.") var scaling = "reference"
    @Option(help: "Relative tolerance of the intrusive RB greedy for bᵀA⁻¹b (its certified output bound over the training grid).") var rbTolerance = 1e-10
    @Option(help: "SLQ Rademacher probes.") var probes = 30
    @Option(help: "SLQ Lanczos steps per probe.") var lanczos = 25
    @Option(help: "Seed of the test parameters and of the SLQ probes.") var seed: UInt64 = 7
    @Option(help: "Output folder: the online model model.npz (rom online out/matrix-functions/model.npz --mu 1 --output logdet).") var out = "out/matrix-functions"
    @Flag(help: "Keep the solutions A(μ_j)⁻¹b in the model file (n × d per subdomain: the vector A(μ)⁻¹b online; without them log det, bᵀA⁻¹b and the bounds).") var keepInverse = false
    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        guard n >= 2 else { throw ValidationError("--n must be at least 2, got \(n)") }
        guard ["matern", "matern-regions", "thermal-block"].contains(problem) else {
            throw ValidationError("--problem must be matern, matern-regions or thermal-block, got '\(problem)'")
        }
        guard (training ?? 2) >= 2, test >= 1 else { throw ValidationError("--training must be ≥ 2 and --test ≥ 1") }
        guard degree >= 1 else { throw ValidationError("--degree must be at least 1, got \(degree)") }
        guard (pieces ?? 1) >= 1 else { throw ValidationError("--pieces must be at least 1, got \(pieces!)") }
        guard ["reference", "gershgorin"].contains(scaling) else {
            throw ValidationError("--scaling must be reference or gershgorin, got '\(scaling)'")
        }
        guard probes >= 1, lanczos >= 1 else { throw ValidationError("--probes and --lanczos must be positive") }
    }

    func run() throws {
        BLASRuntime.startExecutable()
        // 1. The matrices: the Matérn precision Q(κ) = κ⁴M + 2κ²K + K M_L⁻¹K (s = log₁₀ κ ∈ [0, 2]),
        //    or the thermal block's stiffness A(μ) = Σ_b μ_b A_b (free dofs, μ_b ∈ [0.1, 1]).
        progress("assembling the \(problem) matrices on \(n)×\(n) squares")
        let space: ParameterSpace, decomposition: AffineDecomposition
        if problem.hasPrefix("matern") {
            let matern = try MaternPrecision(n: n, regions: problem == "matern" ? 1 : 2)
            (space, decomposition) = (matern.parameterSpace, matern.decomposition)
        } else {
            let block = try ThermalBlock(blocks: 2, n: n)
            (space, decomposition) = (block.problem.parameterSpace, block.problem.decomposition)
        }
        let dofs = decomposition.dimension
        var generator = SplitMix64(seed: seed)
        let b = (0..<dofs).map { _ in generator.nextUniform() - 0.5 }

        // 2. Offline: λ_min(A) at the lower corner for the min-θ bound, the greedy over the powers, CHOLMOD at μ_j.
        let offline = Stopwatch()
        let reference = Parameter(space.lower)
        let identity = SparseMatrix.identity(dofs)
        let lowest = try CoercivityBound.smallestGeneralizedEigenvalue(decomposition.matrix(at: reference), identity)
        let stability = CoercivityBound.minTheta(reference: reference.values, referenceConstant: lowest)
        // One interpolation per subdomain, each over its own training set.
        let training = self.training ?? (problem == "matern-regions" ? 200 : 40)
        let cuts = [Int](repeating: pieces ?? ["matern": 8, "matern-regions": 8][problem] ?? 1, count: space.dimension)
        let local = MatrixPowerInterpolation.Options(degree: degree, scaling: scaling == "reference" ? .reference : .gershgorin)
        let model = try PartitionedMatrixPowerInterpolation(
            parameterSpace: space, decomposition: decomposition, stability: stability, left: b, right: b,
            options: .init(pieces: cuts, trainingPerSubdomain: training, seed: seed &+ 2, local: local)) { [self] i, count in
                progress("subdomain \(i + 1)/\(count): greedy over \(training) training μ, degree \(degree)")
            }
        let offlineSeconds = offline.seconds
        progress("\(model.partition.count) subdomains, \(model.totalTerms) terms (at most \(model.maxTerms) per subdomain) in \(String(format: "%.1f", offlineSeconds)) s")
        // The online model, one file (atomically written), read back below and compared.
        let modelURL = URL(fileURLWithPath: out).appendingPathComponent("model.npz")
        try OnlineModelFile.write(keepInverse ? model : model.droppingInverse(), to: modelURL, provenance: .init(
            creator: "matrix-functions", command: CommandLine.arguments.joined(separator: " "),
            details: ["problem": problem, "n": "\(n)", "dofs": "\(decomposition.dimension)", "degree": "\(degree)"]))
        let stored = try OnlineModelFile.readMatrixFunctions(modelURL).model
        let modelBytes = (try? FileManager.default.attributesOfItem(atPath: modelURL.path)[.size] as? Int) ?? 0
        progress("wrote \(modelURL.path) (\(modelBytes) bytes)")

        // 2b. The classical intrusive alternative for bᵀA(μ)⁻¹b: the ROM core's RB greedy on
        //     A(μ)u = b with the output bᵀu and its certified bound ‖b‖ Δ_N(μ) (Euclidean X, min-θ).
        progress("intrusive RB for bᵀA⁻¹b, tolerance \(rbTolerance)")
        let rbClock = Stopwatch()
        let rbProblem = try AffineProblem(
            parameterSpace: space,
            decomposition: AffineDecomposition(operators: decomposition.operators, coefficients: decomposition.operatorCoefficients,
                                               rightHandSides: [b], rightHandSideCoefficients: [ParameterFunction.constant(1)], outputs: [b]),
            innerProduct: .weighted(by: identity), coercivityBound: stability)
        let rbTraining = space.dimension == 1 ? try space.uniformGrid(pointsPerComponent: 200) : try space.random(count: 200, seed: seed &+ 3)
        let rb = try ReducedBasisGreedy(tolerance: rbTolerance, relative: true, maxBasisSize: 60).run(problem: rbProblem, trainingSet: rbTraining)
        let rbOfflineSeconds = rbClock.seconds
        let rbEvaluator = ReducedModelEvaluator(model: rb.model)
        progress("RB basis size \(rb.model.size) in \(String(format: "%.1f", rbOfflineSeconds)) s")

        // 3. The test set: CHOLMOD (exact), the interpolation with its bounds, SLQ, the RB output.
        let testSet = try space.random(count: test, seed: seed &+ 1)
        let exact = try ParametricCholesky(parameterSpace: space, decomposition: decomposition)
        _ = try exact.factor(at: testSet[0])  // the symbolic analysis, shared by every μ
        let slq = try StochasticLanczosQuadrature(probes: probes, lanczosSteps: lanczos, seed: seed)
        var cholmodSeconds = 0.0, slqSeconds = 0.0
        var worst = Worst()
        var logDets: [Double] = []
        var rbWorst = (relative: 0.0, bound: 0.0, holds: true)
        var fileDifference = 0.0
        for (k, mu) in testSet.enumerated() {
            if k % 10 == 0 { progress("test μ \(k + 1)/\(testSet.count)") }
            let logDet = try Stopwatch.accumulate(into: &cholmodSeconds) { try exact.logDeterminant(at: mu) }
            let x = try exact.solve(b, at: mu)
            let quadratic = BLAS.dot(b, x)
            let e = try model.evaluate(at: mu)
            let f = try stored.evaluate(at: mu)
            fileDifference = max(fileDifference, abs(f.logDeterminant - e.logDeterminant), abs(f.logDeterminantBound - e.logDeterminantBound),
                                 abs(f.quadraticForm! - e.quadraticForm!), abs(f.quadraticFormBound! - e.quadraticFormBound!))
            let inverse = try model.inverse(at: mu)
            let inverseError = BLAS.nrm2(zip(inverse, x).map { $0 - $1 })
            let a = decomposition.matrix(at: mu)
            let estimate = try Stopwatch.accumulate(into: &slqSeconds) { try slq.logDeterminant(of: a) }
            logDets.append(logDet)
            try rbEvaluator.solve(mu)
            let rbError = abs(rbEvaluator.outputs[0] - quadratic)
            rbWorst.relative = max(rbWorst.relative, rbError / abs(quadratic))
            rbWorst.bound = max(rbWorst.bound, rbEvaluator.outputBound(0) / abs(quadratic))
            if !(rbError <= rbEvaluator.outputBound(0)) { rbWorst.holds = false }
            worst.update(logDet: (abs(e.logDeterminant - logDet), e.logDeterminantBound, abs(logDet)),
                         quadratic: (abs(e.quadraticForm! - quadratic), e.quadraticFormBound!, abs(quadratic)),
                         inverse: (inverseError, e.inverseBound!, BLAS.nrm2(x)),
                         slq: abs(estimate - logDet) / abs(logDet))
        }
        // The online time: every test μ answered (values and bounds) in a loop through the
        // online model's evaluator (what `rom online` runs; no allocation per query), best of 5.
        let evaluator = MatrixFunctionEvaluator(model: model)
        var online = Double.infinity
        for _ in 0..<5 {
            let clock = Stopwatch()
            for mu in testSet { try evaluator.solve(mu) }
            online = min(online, clock.seconds / Double(testSet.count))
        }

        var rbOnline = Double.infinity
        for _ in 0..<5 {
            let clock = Stopwatch()
            for mu in testSet { try rbEvaluator.solve(mu) }
            rbOnline = min(rbOnline, clock.seconds / Double(testSet.count))
        }

        var report = JSONReport()
        report.add("terms", model.maxTerms)
        report.add("subdomains", model.partition.count)
        report.add("total_terms", model.totalTerms)
        report.add("dofs", dofs)
        report.add("logdet_max_rel_error", worst.logDet.relative)
        report.add("logdet_max_abs_error", worst.logDet.absolute)
        report.add("logdet_max_bound", worst.logDet.bound)
        report.add("quadratic_form_max_rel_error", worst.quadratic.relative)
        report.add("quadratic_form_max_bound", worst.quadratic.bound)
        report.add("inverse_max_rel_error", worst.inverse.relative)
        report.add("inverse_max_bound", worst.inverse.bound)
        report.add("bound_holds", worst.boundHolds)
        report.add("online_seconds_per_query", online)
        report.add("cholmod_seconds_per_query", cholmodSeconds / Double(testSet.count))
        report.add("slq_max_rel_error", worst.slq)
        report.add("slq_seconds_per_query", slqSeconds / Double(testSet.count))
        report.add("offline_seconds", offlineSeconds)
        report.add("rb_basis_size", rb.model.size)
        report.add("rb_quadratic_form_max_rel_error", rbWorst.relative)
        report.add("rb_quadratic_form_max_bound", rbWorst.bound)
        report.add("rb_bound_holds", rbWorst.holds)
        report.add("rb_seconds_per_query", rbOnline)
        report.add("rb_offline_seconds", rbOfflineSeconds)
        report.add("model", modelURL.path)
        report.add("model_bytes", modelBytes)
        report.add("model_file_max_difference", fileDifference)
        report.add("logdet_min", logDets.min()!)
        report.add("logdet_max", logDets.max()!)
        report.add("greedy_error_history", model.models[0].errorHistory)
        try report.emit(json: output.json)
    }

    func progress(_ message: String) { FileHandle.standardError.write(Data("matrix-functions: \(message)\n".utf8)) }
}

/// The worst errors over the test set: absolute, relative, the largest relative bound, and
/// whether every bound held.
struct Worst {
    struct Figures { var absolute = 0.0, relative = 0.0, bound = 0.0 }
    var logDet = Figures(), quadratic = Figures(), inverse = Figures()
    var slq = 0.0
    var boundHolds = true

    mutating func update(logDet l: (Double, Double, Double), quadratic q: (Double, Double, Double),
                         inverse i: (Double, Double, Double), slq s: Double) {
        for (keyPath, (error, bound, size)) in [(\Worst.logDet, l), (\Worst.quadratic, q), (\Worst.inverse, i)] {
            self[keyPath: keyPath].absolute = max(self[keyPath: keyPath].absolute, error)
            self[keyPath: keyPath].relative = max(self[keyPath: keyPath].relative, error / size)
            self[keyPath: keyPath].bound = max(self[keyPath: keyPath].bound, bound / size)
            if !(error <= bound) { boundHolds = false }
        }
        slq = max(slq, s)
    }
}
