import DomainDecomp
import FEM
import Foundation
import LinearAlgebra
import ROM

/// The stages of `distributed-pod`, in order: (1) the problem on every rank, (2) METIS parts and
/// the rows of this rank, (3) the distributed Schwarz PCG solve against the direct one, (4) the
/// snapshots (parameter-parallel or by the Schwarz PCG), (5) the distributed POD (method of
/// snapshots, and TSQR for the Euclidean product), (6) the files, written by rank 0 in the global
/// numbering, (7) the serial POD of the gathered snapshots on rank 0 for comparison.
struct DistributedPODRun {
    let options: DistributedPODCommand
    let world: Communicator

    struct Summary {
        var report = JSONReport()
    }

    private func progress(_ text: String) {
        if world.isRoot && !options.quiet.quiet { FileHandle.standardError.write(Data("[distributed-pod] \(text)\n".utf8)) }
    }

    func summary() throws -> Summary {
        // 1. The problem: every rank assembles it (each solves its own training parameters).
        let block = options.problem == "poisson3d" ? try BlockProblem.poisson3D(n: options.n) : try BlockProblem.thermalBlock(n: options.n)
        let mesh = block.mesh

        // 2. METIS parts (the same on every rank: fixed seed) and the rows this rank holds.
        let partition = try MeshPartition(mesh: mesh, parts: options.parts)
        let distribution = try RowDistribution(partition: partition, rank: world.rank, ranks: world.size)
        progress("\(mesh.nodeCount) nodes, \(options.parts) parts on \(world.size) ranks, edge cut \(partition.edgeCut)")

        // 3. The distributed truth solve at the first training μ: PCG with one- and two-level
        //    Schwarz (`--schwarz-form`, balanced by default), against CHOLMOD.
        let parameters = try block.problem.parameterSpace.random(count: options.snapshots, seed: 2026)
        let schwarz = try schwarzSolve(block, partition, parameters[0])
        progress("Schwarz PCG, coarse space \(options.coarseSpace): \(schwarz.iterations) iterations (one-level \(schwarz.oneLevelIterations)), \(schwarz.seconds) s")

        // 4. Snapshots: parameter i solved on rank i mod K and dealt out by rows, or every μ
        //    solved by all ranks together with the Schwarz PCG.
        try world.barrier()
        let snapshotClock = Stopwatch()
        var snapshots = DistributedMatrix(communicator: world, distribution: distribution)
        var snapshotSolveSeconds = 0.0
        if options.snapshotSolver == "schwarz" {
            for mu in parameters {
                let solved = try Stopwatch.measure { try schwarzSolution(block, partition, mu, coarse: options.coarse) }
                snapshotSolveSeconds += solved.seconds
                try snapshots.append(globalColumn: block.elimination.expand(solved.result.x))
            }
        } else {
            (snapshots, snapshotSolveSeconds) = try ParameterParallelSnapshots.generate(
                count: options.snapshots, distribution: distribution, communicator: world) { try block.nodalSolution(parameters[$0]) }
        }
        let snapshotSeconds = try world.allreduce(snapshotClock.seconds, .max)

        // 5. The distributed POD.
        let mass = options.innerProduct == "mass"
        let product = mass ? try DistributedInnerProduct.subassembled(.mass(), mesh: mesh, partition: partition, distribution: distribution,
                                                                      communicator: world) : nil
        try world.barrier()
        let podClock = Stopwatch()
        let pod = try DistributedPOD(snapshots: snapshots, innerProduct: product, truncation: .count(options.modes), method: .snapshots)
        let podSeconds = try world.allreduce(podClock.seconds, .max)
        var tsqr: DistributedPOD?
        var tsqrSeconds = Double.nan
        if !mass {
            try world.barrier()
            let clock = Stopwatch()
            tsqr = try DistributedPOD(snapshots: snapshots, truncation: .count(options.modes), method: .tsqr)
            tsqrSeconds = try world.allreduce(clock.seconds, .max)
        }
        progress("POD: \(pod.modes.columns) modes in \(podSeconds) s")
        let hapodProduct = product?.innerProduct ?? DistributedInnerProduct.euclidean(distribution: distribution, communicator: world).innerProduct
        let hapod = try options.hapodBatch > 0 ? incrementalHAPOD(snapshots.local, hapodProduct) : nil
        let hapodModes = try hapod.map { try DistributedMatrix(communicator: world, distribution: distribution, local: $0.modes).gathered() } ?? nil
        let greedy = try options.greedyTrain > 0 ? splitGreedy(block) : nil

        // 6. Files in the global numbering (rank 0 gathers and writes).
        let folder = URL(fileURLWithPath: options.out)
        if world.isRoot { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try world.barrier()
        try pod.modes.write(to: folder.appendingPathComponent("modes.npy"))
        let wholeSnapshots = try snapshots.gathered()
        let wholeModes = try pod.modes.gathered()
        let wholeTSQR = try tsqr?.modes.gathered()

        // 7. The serial POD on rank 0, for comparison.
        var summary = Summary()
        guard world.isRoot, let s = wholeSnapshots, let phi = wholeModes else { return summary }
        try NPY.write(pod.singularValues, to: folder.appendingPathComponent("singular-values.npy"))
        let globalMass = mass ? Assembler(space: FunctionSpace(mesh: mesh, order: 1)).assemble(.mass()) : nil
        let serialProduct = globalMass.map { InnerProduct.weighted(by: $0) } ?? .euclidean
        let serialClock = Stopwatch()
        let serial = try POD(snapshots: s, innerProduct: serialProduct, truncation: .count(options.modes), method: .snapshots)
        let serialSeconds = serialClock.seconds
        var serialModes = serial.modes
        try DistributedPOD.normalizeSigns(&serialModes)
        let kept = serialModes.columns
        let singularValueDiff = Self.relativeDifference(Array(pod.singularValues.prefix(kept)), Array(serial.singularValues.prefix(kept)))
        let modeDiff = Self.maxDifference(phi, serialModes)
        let projection = Self.projectionError(s, phi, serialProduct), serialProjection = Self.projectionError(s, serialModes, serialProduct)
        try PartitionVTKWriter.write(partition, mesh: mesh, fields: (0..<Swift.min(3, kept)).map { ("mode\($0)", phi.column($0)) },
                                     to: folder, name: "parts")

        var report = JSONReport()
        report.add("problem", options.problem)
        report.add("ranks", world.size)
        report.add("parts", options.parts)
        report.add("dofs", mesh.nodeCount)
        report.add("cells", mesh.cellCount)
        report.add("edge_cut", partition.edgeCut)
        report.add("imbalance", partition.imbalance)
        report.add("cg_iterations", schwarz.iterations)
        report.add("cg_iterations_one_level", schwarz.oneLevelIterations)
        report.add("coarse_space", options.coarseSpace)
        report.add("schwarz_form", options.schwarzForm)
        report.add("coarse_dimension", schwarz.coarseDimension)
        report.add("schwarz_diff_vs_direct", schwarz.differenceFromDirect)
        report.add("overlap", options.overlap)
        report.add("snapshots", options.snapshots)
        report.add("inner_product", options.innerProduct)
        report.add("singular_values", Array(pod.singularValues.prefix(kept)))
        report.add("max_diff_vs_serial", Swift.max(singularValueDiff, modeDiff, abs(projection - serialProjection) / Swift.max(serialProjection, .leastNormalMagnitude)))
        report.add("singular_value_diff", singularValueDiff)
        report.add("mode_diff", modeDiff)
        report.add("projection_error", projection)
        report.add("serial_projection_error", serialProjection)
        report.add("orthogonality", pod.orthogonalityError)
        if let tsqr, let t = wholeTSQR {
            // Over the modes both methods kept (the method of snapshots drops σ below √ε σ₁).
            let common = Swift.min(t.columns, phi.columns)
            report.add("tsqr_diff", Swift.max(Self.relativeDifference(Array(tsqr.singularValues.prefix(common)), Array(pod.singularValues.prefix(common))),
                                              Self.maxDifference(t.columns(0..<common), phi.columns(0..<common))))
            report.add("tsqr_orthogonality", tsqr.orthogonalityError)
            report.add("tsqr_seconds", tsqrSeconds)
        }
        report.add("pod_seconds", podSeconds)
        report.add("serial_pod_seconds", serialSeconds)
        report.add("snapshot_solver", options.snapshotSolver)
        report.add("snapshot_seconds", snapshotSeconds)
        report.add("snapshot_solve_seconds", snapshotSolveSeconds)
        report.add("solve_seconds", schwarz.seconds)
        report.add("direct_solve_seconds", schwarz.directSeconds)
        if let hapod, var modes = hapodModes {
            // The same batches through the serial HAPOD of the gathered snapshots.
            let serialHAPOD = try incrementalHAPOD(s, serialProduct)
            var serialModes = serialHAPOD.modes
            try DistributedPOD.normalizeSigns(&modes)
            try DistributedPOD.normalizeSigns(&serialModes)
            let count = Double(options.snapshots)
            report.add("hapod_modes", modes.columns)
            report.add("hapod_error_bound", (hapod.errorBound / count).squareRoot())
            report.add("hapod_projection_error", (Self.squaredProjectionError(s, modes, serialProduct) / count).squareRoot())
            // Modes weighted by their singular values (U Σ): a mode of a tiny σ is determined only to ε/σ.
            func weighted(_ u: Matrix, _ sigma: [Double]) -> Matrix {
                var w = u
                for j in 0..<w.columns { for i in 0..<w.rows { w[i, j] *= sigma[j] } }
                return w
            }
            report.add("hapod_diff_vs_serial", modes.columns == serialModes.columns
                       ? Swift.max(Self.maxDifference(weighted(modes, hapod.singularValues), weighted(serialModes, serialHAPOD.singularValues)),
                                   Self.relativeDifference(hapod.singularValues, serialHAPOD.singularValues))
                       : .infinity)
            report.add("hapod_seconds", hapod.seconds)
        }
        if let greedy, let serial = greedy.serial {
            let split = greedy.split
            report.add("greedy_basis_size", split.model.size)
            report.add("greedy_same_selection", split.selectedParameters.map(\.values) == serial.selectedParameters.map(\.values))
            report.add("greedy_max_estimate", split.history.last?.maxEstimate ?? .nan)
            report.add("greedy_estimate_diff", zip(split.history, serial.history).map {
                abs($0.maxEstimate - $1.maxEstimate) / Swift.max(abs($1.maxEstimate), .leastNormalMagnitude) }.max() ?? .infinity)
            report.add("greedy_seconds", greedy.seconds)
            report.add("greedy_estimate_seconds", greedy.estimateSeconds)
            report.add("greedy_serial_seconds", serial.seconds)
            report.add("greedy_serial_estimate_seconds", serial.phaseSeconds.estimates)
        }
        summary.report = report
        return summary
    }

    /// The incremental HAPOD (HLR18) of the columns of `s` (this rank's rows) in batches of
    /// `--hapod-batch`, collective through the inner product's reduction.
    private func incrementalHAPOD(_ s: Matrix, _ product: InnerProduct) throws
        -> (modes: Matrix, singularValues: [Double], errorBound: Double, seconds: Double) {
        let batch = options.hapodBatch, steps = (s.columns + batch - 1) / batch
        let clock = Stopwatch()
        var hapod = try IncrementalHAPOD(dimension: s.rows, innerProduct: product, meanError: options.hapodError,
                                         omega: options.hapodOmega, steps: steps)
        for start in Swift.stride(from: 0, to: s.columns, by: batch) { try hapod.add(s.columns(start..<Swift.min(start + batch, s.columns))) }
        let result = try hapod.finish()
        return (result.modes, result.singularValues, result.errorBound, clock.seconds)
    }

    /// The certified RB greedy of the problem on `--greedy-train` random parameters with its
    /// estimates split over the ranks (`MPICandidateSplit`; every rank solves the selected μ), and
    /// on rank 0 the serial greedy on the same set for comparison.
    private func splitGreedy(_ block: BlockProblem) throws
        -> (split: ReducedBasisGreedy.Result, serial: ReducedBasisGreedy.Result?, seconds: Double, estimateSeconds: Double) {
        let training = try block.problem.parameterSpace.random(count: options.greedyTrain, seed: 7)
        var greedy = try ReducedBasisGreedy(tolerance: options.greedyTolerance, maxBasisSize: 60)
        greedy.candidateSplit = MPICandidateSplit(world)
        try world.barrier()
        let clock = Stopwatch()
        let split = try greedy.run(problem: block.problem, trainingSet: training)
        let seconds = try world.allreduce(clock.seconds, .max)
        let estimateSeconds = try world.allreduce(split.phaseSeconds.estimates, .max)
        progress("greedy: N = \(split.model.size), estimates split over \(world.size) ranks, \(seconds) s")
        guard world.isRoot else { return (split, nil, seconds, estimateSeconds) }
        greedy.candidateSplit = nil
        return (split, try greedy.run(problem: block.problem, trainingSet: training), seconds, estimateSeconds)
    }

    /// Σ_j ‖s_j − Φ Φᵀ M s_j‖²_M.
    static func squaredProjectionError(_ s: Matrix, _ phi: Matrix, _ product: InnerProduct) -> Double {
        let residual = s - phi * product.gram(phi, s)
        let gram = product.gram(residual)
        return (0..<gram.rows).reduce(0) { $0 + gram[$1, $1] }
    }

    struct SchwarzFigures {
        var iterations = 0, oneLevelIterations = 0, coarseDimension = 0
        var seconds = 0.0, directSeconds = 0.0, differenceFromDirect = 0.0
    }

    /// u(μ) on the free dofs by PCG with the two-level Schwarz preconditioner (`--schwarz-form`) over the parts
    /// (each rank factors the subdomains of its parts and, for GenEO, assembles their Neumann
    /// matrices and solves their eigenproblems), the CG report and the coarse dimension.
    private func schwarzSolution(_ block: BlockProblem, _ partition: MeshPartition, _ mu: Parameter, coarse: CoarseSpace) throws
        -> (x: [Double], report: ConjugateGradient.Report, coarseDimension: Int) {
        let a = try block.problem.matrix(at: mu), b = try block.problem.rightHandSide(at: mu)
        let preconditioner = try TwoLevelSchwarz(matrix: a, partition: partition, freeIndex: block.elimination.freeIndex,
                                                 overlap: options.overlap, coarseSpace: coarse, schwarzForm: options.form, mesh: block.mesh,
                                                 form: block.form(at: mu), communicator: world)
        var x = [Double](repeating: 0, count: b.count)
        let report = try ConjugateGradient(tolerance: options.cgTolerance, maxIterations: 5_000).solve(a, b, x: &x, preconditioner: preconditioner)
        return (x, report, preconditioner.coarseDimension)
    }

    /// The Schwarz PCG with the chosen coarse space and without one at `mu`, timed, against CHOLMOD.
    private func schwarzSolve(_ block: BlockProblem, _ partition: MeshPartition, _ mu: Parameter) throws -> SchwarzFigures {
        var figures = SchwarzFigures()
        figures.oneLevelIterations = try schwarzSolution(block, partition, mu, coarse: .none).report.iterations
        try world.barrier()
        let clock = Stopwatch()
        let (x, report, dimension) = try schwarzSolution(block, partition, mu, coarse: options.coarse)
        figures.seconds = try world.allreduce(clock.seconds, .max)
        figures.iterations = report.iterations
        figures.coarseDimension = dimension
        let direct = try Stopwatch.measure { try CholeskyFactorization(try block.problem.matrix(at: mu)).solve(try block.problem.rightHandSide(at: mu)) }
        figures.directSeconds = direct.seconds
        figures.differenceFromDirect = Self.relativeDifference(x, direct.result)
        return figures
    }

    /// max_i |a_i − b_i| / max |b|.
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        let scale = b.map(abs).max() ?? 0
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / Swift.max(scale, .leastNormalMagnitude) } ?? 0
    }

    /// max_ij |A_ij − B_ij| / max |B| (infinity for different shapes).
    static func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows, a.columns == b.columns else { return .infinity }
        return relativeDifference(a.storage, b.storage)
    }

    /// ‖S − Φ Φᵀ M S‖_F / ‖S‖_F (Frobenius norm of the rows, Euclidean).
    static func projectionError(_ s: Matrix, _ phi: Matrix, _ product: InnerProduct) -> Double {
        let coefficients = Matrix.product(.transposed, phi, .none, product.apply(s))
        let residual = s - phi * coefficients
        return residual.frobeniusNorm / s.frobeniusNorm
    }
}
