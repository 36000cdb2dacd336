import CaseProblems
import FEM
import Foundation
import LinearAlgebra
import ROM

/// The files of a thermal-block run: the online model (.npz), the basis (.npy), a truth and a
/// reduced solution (.vtu) at the worst test parameter, and the report; written to `stage`, so
/// they appear together when the run commits it.
struct ThermalBlockArtifacts {
    /// The files a run writes in its folder (checked by `validate()` before the run starts).
    static let model = "thermal-block-model.npz", basis = "thermal-block-basis.npy"
    static let solution = "thermal-block-solution.vtu", report = "thermal-block-report.html"
    static let fileNames = [model, basis, solution, report]

    private(set) var files: [URL] = []

    init(folder: URL, stage: OutputStage, block: ThermalBlock, result: ReducedBasisGreedy.Result, study: TestSetStudy,
         online: OnlineTiming, tolerance: Double, trainingSize: Int, command: String) throws {
        let modelURL = folder.appendingPathComponent(Self.model)
        try OnlineModelFile.write(result.model, to: stage.stage(modelURL), provenance: .init(
            creator: "thermal-block", command: command,
            details: ["truth_dofs": "\(block.dofs)", "blocks": "\(block.blocks)", "n": "\(block.n)",
                      "greedy_stop": result.stopReason.description, "offline_seconds": "\(result.seconds)"]))
        files.append(modelURL)

        let basisURL = folder.appendingPathComponent(Self.basis)
        try NPY.write(result.model.basis!, to: stage.stage(basisURL))
        files.append(basisURL)

        // Worst test parameter: truth, reduced solution and their difference on the mesh.
        let worst = study.relativeErrors.indices.max { study.relativeErrors[$0] < study.relativeErrors[$1] } ?? 0
        let mu = study.parameters[worst]
        let truth = try block.problem.solve(mu)
        let evaluator = ReducedModelEvaluator(model: result.model)
        try evaluator.solve(mu)
        let reduced = try result.model.reconstruct(evaluator.coefficients)
        var writer = VTUWriter(mesh: block.mesh)
        writer.addPointData("truth", block.field(truth))
        writer.addPointData("reduced", block.field(reduced))
        writer.addPointData("error", block.field(zip(truth, reduced).map { $0 - $1 }))
        writer.addCellData("block", block.mesh.regions.map(Double.init))
        let vtuURL = folder.appendingPathComponent(Self.solution)
        try writer.write(to: stage.stage(vtuURL))
        files.append(vtuURL)

        var input = ReducedBasisReport.Input(title: "Thermal block \(block.blocks)×\(block.blocks), reduced basis",
                                             subtitle: command)
        input.problemFacts = [("blocks", "\(block.blocks) × \(block.blocks), μ_b ∈ [0.1, 1]"),
                              ("mesh", "\(block.n) × \(block.n) squares, 4 P1 triangles each, \(block.mesh.nodeCount) vertices"),
                              ("estimator", "\(result.model.residualNormMethod.rawValue) residual norm, min-θ coercivity bound"),
                              ("worst test parameter", "\(mu)")]
        input.fieldViews = try ThermalBlockFieldViews(block: block, mu: mu, truth: truth, reduced: reduced,
                                                      basisSize: result.model.size).views
        input.fieldViewsTitle = "Solution at the worst test parameter"
        let muText: String = mu.values.map { String(format: "%.3f", $0) }.joined(separator: ", ")
        input.fieldViewsNote = "At μ = (\(muText)), the test parameter with the largest true error: the truth and the reduced "
            + "solution share one colour range; the pointwise error has its own (logarithmic when it spans decades). "
            + "Block b is μ_b = diffusion_b. thermal-block-solution.vtu holds the same fields for ParaView."
        input.dofs = block.dofs
        input.trainingSetSize = trainingSize
        input.testSetSize = study.parameters.count
        input.recordGreedy(result.history)
        input.greedyTolerance = tolerance
        input.greedyEstimateNorm = "absolute, H¹₀ seminorm"
        input.greedyStopReason = result.stopReason.description
        input.singularValues = study.singularValues
        input.testEstimates = study.relativeEstimates
        input.testTrueErrors = study.relativeErrors
        input.offlineSeconds = result.seconds
        input.onlineSecondsPerQuery = online.secondsPerQuery
        input.truthSecondsPerSolve = study.truthSecondsPerSolve
        input.otherTimings = [("assembly of the affine terms", block.assembleSeconds)]
        input.notes = ["Greedy tolerance applies to the absolute bound Δ(μ) in the H¹₀ seminorm; the test-set errors are relative to ‖u(μ)‖.",
                       "Singular values: POD of the \(study.parameters.count) test-set truth solutions in the H¹₀ product."]
        let reportURL = folder.appendingPathComponent(Self.report)
        try ReducedBasisReport(input).write(to: stage.stage(reportURL))
        files.append(reportURL)
    }
}
