import CaseProblems
import Foundation
import LinearAlgebra
import ROM

/// The computation of a `local-bases` run, before anything is rendered: truth snapshots, the a
/// priori criterion, the global model and the dictionaries of every clustering at every k, and
/// their errors on the test set.
struct LocalBasesStudy {
    /// The errors of one dictionary on the test set (max over the test parameters, relative, X norm).
    struct Errors {
        /// ‖u − V_c u_N‖_X / ‖u‖_X of the Galerkin model of the selected cluster c.
        var rom: Double
        /// ‖u − Π_c u‖_X / ‖u‖_X, the X-orthogonal projection onto the selected cluster's basis.
        var projection: Double
    }

    let problem: AdvectionDiffusion
    let training: [Parameter]
    let testSet: [Parameter]
    let basisSize: Int
    let criterion: LocalBasisCriterion
    let clusters: Int
    let global: Errors
    /// Errors by method, for k = 1 … maxClusters (index k − 1).
    let curves: [ClusteringMethod: [Errors]]
    /// The sine dictionary at `clusters`, and the labels of the training snapshots.
    let model: LocalReducedModel
    let truthSecondsPerSolve: Double
    let offlineSeconds: Double

    init(options: LocalBasesCommand, log: ProgressLog) throws {
        let clock = Stopwatch()
        let problem = try AdvectionDiffusion(n: options.n, diffusivity: options.epsilon)
        self.problem = problem
        let affine = problem.problem
        log("P1 + SUPG on the \(options.n)×\(options.n) mesh: \(problem.dofs) free dofs, ε = \(options.epsilon), assembled in \(format(problem.assembleSeconds)) s")
        let space = affine.parameterSpace
        let training = try space.latinHypercube(count: options.train, seed: options.seed)
        let testSet = try space.random(count: options.test, seed: options.seed &+ 1)
        (self.training, self.testSet) = (training, testSet)
        let solveClock = Stopwatch()
        let snapshots = Matrix(columns: try training.map { try affine.solve($0) })
        let truths = try testSet.map { try affine.solve($0) }
        let truthSeconds = solveClock.seconds / Double(training.count + testSet.count)
        truthSecondsPerSolve = truthSeconds
        log("\(training.count) training and \(testSet.count) test truth solves, \(format(truthSeconds * 1e3)) ms each")
        basisSize = options.basis
        let gram = affine.innerProduct.gram(snapshots)
        let criterion = try LocalBasisCriterion(gram: gram, basisSize: options.basis, maximumClusters: options.maxClusters, seed: options.seed)
        self.criterion = criterion
        let clusters = options.clusters > 0 ? options.clusters : criterion.chosenClusters
        self.clusters = clusters
        log("criterion: E(k, N = \(options.basis)) = " + criterion.evaluations.map { String(format: "%.3g", $0.error) }.joined(separator: ", ")
            + " → k* = \(criterion.chosenClusters); comparing at k = \(clusters)")
        let selection = try ClusterSelection(key: options.selection, neighbours: options.neighbours)
        func dictionary(_ method: ClusteringMethod, _ k: Int) throws -> LocalReducedModel {
            let clustering = try SnapshotClustering(gram: gram, clusters: k, method: method, seed: options.seed)
            return try LocalReducedBases.build(problem: affine, snapshots: snapshots, parameters: training, clustering: clustering,
                                               basisSize: options.basis, overlap: options.overlap, selection: selection)
        }
        let product = affine.innerProduct
        let norms = truths.map { product.norm($0) }
        func errors(_ dictionary: LocalReducedModel) throws -> Errors {
            let evaluator = LocalReducedModelEvaluator(model: dictionary)
            var result = Errors(rom: 0, projection: 0)
            for (mu, (u, norm)) in zip(testSet, zip(truths, norms)) {
                try evaluator.solve(mu)
                let local = evaluator.selected.model
                let reduced = try local.reconstruct(evaluator.selected.coefficients)
                result.rom = max(result.rom, product.norm(zip(u, reduced).map { $0 - $1 }) / norm)
                let basis = local.basis!
                let projected = basis.apply(product.projections(of: product.apply(u), onto: basis))
                result.projection = max(result.projection, product.norm(zip(u, projected).map { $0 - $1 }) / norm)
            }
            return result
        }
        let global = try errors(try dictionary(.sineKMedoids, 1))
        self.global = global
        log("global basis, N = \(options.basis): max ROM error \(String(format: "%.3e", global.rom)), projection \(String(format: "%.3e", global.projection))")
        var curves: [ClusteringMethod: [Errors]] = [:]
        var chosen: LocalReducedModel?
        for method in ClusteringMethod.allCases {
            curves[method] = try (1...max(options.maxClusters, clusters)).map { k in
                let d = try dictionary(method, k)
                if method == .sineKMedoids && k == clusters { chosen = d }
                return try errors(d)
            }
            let e = curves[method]![clusters - 1]
            log("\(method.rawValue), k = \(clusters): max ROM error \(String(format: "%.3e", e.rom)), projection \(String(format: "%.3e", e.projection))")
        }
        self.curves = curves
        model = chosen!
        offlineSeconds = clock.seconds
    }
}

/// Online seconds per query of a model through the `OnlineModel` protocol (selection, reduced
/// solve, error bound), the best of repeated passes over the parameters.
func onlineSecondsPerQuery(_ model: any OnlineModel, parameters: [Parameter], passes: Int = 50) throws -> Double {
    var best = Double.infinity
    let flat = parameters.flatMap(\.values)
    let d = parameters.first?.count ?? 0
    try flat.withUnsafeBufferPointer { all in
        for _ in 0..<passes {
            let seconds = try Stopwatch.measure {
                for j in 0..<parameters.count { try model.solve(components: UnsafeBufferPointer(rebasing: all[(j * d)..<((j + 1) * d)])) }
            }.seconds
            best = min(best, seconds)
        }
    }
    return best / Double(parameters.count)
}
