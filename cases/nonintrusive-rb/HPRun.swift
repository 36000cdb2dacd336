import CaseProblems
import Foundation
import LinearAlgebra
import ROM

/// One run of the hp nonintrusive RB on the Gaussian bump (`--partition hp`): the centre box is
/// split until every subdomain's local model meets the tolerances with at most the local
/// N_max and d_max, each subdomain sampled on its own grid; then the test-set study — truth
/// (assembly + CHOLMOD) against the online query (subdomain by the tree, that model's magic
/// entries of A(μ) from the cells that hold them, its reduced solve and indicator).
struct HPRun {
    let result: HPNonintrusiveReducedBasis.Result<Double>
    private(set) var testFigures: [(String, JSONValue)] = []
    private var lines: [String] = []

    init(bump: GaussianBump, method: HPNonintrusiveReducedBasis, heights: Int, grid: Int, test: [Parameter],
         say: @escaping (String) -> Void) throws {
        let cache = SampleCache(family: bump, capacity: 6 * (grid * grid * heights + 1))
        result = try method.reduce(space: bump.parameterSpace, innerProduct: bump.innerProduct, sample: { box in
            try cache.samples(bump.trainingSet(heights: heights, grid: grid, in: box), in: box)
        }, progress: say)
        say("sampled \(cache.assembled) matrices for \(result.samplesTaken) training samples (the rest shared by a box and its halves)")
        say("offline \(NumberText.seconds(result.seconds.total)): \(result.model.partition.count) subdomains, largest d = "
            + "\(result.model.largestOperatorTerms), largest N = \(result.model.largestSize)")
        guard !test.isEmpty else { return }
        // One BLAS thread for both sides, as the global run (`NonintrusiveRun`).
        try BLASRuntime.withThreadCount(1) { try study(bump, test, say) }
    }

    private mutating func study(_ family: GaussianBump, _ test: [Parameter], _ say: (String) -> Void) throws {
        let evaluator = PartitionedNonintrusiveEvaluator(model: result.model)
        let x = family.innerProduct
        var truthSeconds = 0.0, factorization: CholeskyFactorization?
        var errors: [Double] = [], energyErrors: [Double] = [], effectivities: [Double] = []
        for mu in test {
            let clock = Stopwatch()
            let a = try family.matrix(at: mu), f = try family.rightHandSide(at: mu)
            if let factorization { try factorization.refactor(a) } else { factorization = try CholeskyFactorization(a) }
            let u = try factorization!.solve(f)
            truthSeconds += clock.seconds
            let local = mu.values.withUnsafeBufferPointer { evaluator.select($0) }
            try local.solve(operatorEntries: try family.entries(at: mu, positions: local.model.operatorPositions),
                            rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: local.model.rightHandSideIndices))
            let e = zip(u, try local.reconstruct(local.coefficients)).map { $0 - $1 }
            let errorX = x.bilinearForm(e, e).squareRoot()
            errors.append(errorX / x.bilinearForm(u, u).squareRoot())
            energyErrors.append((a.bilinearForm(e, e) / a.bilinearForm(u, u)).squareRoot())
            effectivities.append(local.errorEstimate / errorX)
        }
        // The query as a user runs it: the subdomain, its entries of A(μ) and f, β and γ, the
        // reduced solve and the indicator; beside it the same with the entries given.
        let selected = test.map { mu in mu.values.withUnsafeBufferPointer { evaluator.select($0) } }
        let entries = try test.indices.map { try family.entries(at: test[$0], positions: selected[$0].model.operatorPositions) }
        let loads = try test.indices.map { try family.rightHandSideEntries(at: test[$0], indices: selected[$0].model.rightHandSideIndices) }
        let timings = try QueryTimings(count: test.count, indicator: { selected[$0].errorEstimate }, solveAlone: {
            try selected[$0].solve(operatorEntries: entries[$0], rightHandSideEntries: loads[$0])
        }, query: { i in
            let local = test[i].values.withUnsafeBufferPointer { evaluator.select($0) }
            try local.solve(operatorEntries: try family.entries(at: test[i], positions: local.model.operatorPositions),
                            rightHandSideEntries: try family.rightHandSideEntries(at: test[i], indices: local.model.rightHandSideIndices))
        })
        let fem = truthSeconds / Double(test.count)
        testFigures = [
            ("test_size", .int(test.count)),
            ("max_true_error", .number(energyErrors.max()!)),
            ("max_true_error_x", .number(errors.max()!)),
            ("indicator_effectivity_min", .number(effectivities.min()!)),
            ("indicator_effectivity_max", .number(effectivities.max()!)),
        ] + timings.figures(truthSeconds: fem)
        lines = [
            "test set: \(test.count) fresh parameters",
            String(format: "  largest relative error: %.2e (energy norm), %.2e (X)", energyErrors.max()!, errors.max()!),
            String(format: "  indicator effectivity: %.2f … %.2f", effectivities.min()!, effectivities.max()!),
            "  truth (assembly + CHOLMOD): \(NumberText.seconds(fem)); " + timings.line(truthSeconds: fem, what: "subdomain + entries"),
        ]
        say(lines.joined(separator: "\n"))
    }

    func summary(model: String) -> String {
        let s = result.subdomains
        var out = [
            "model: \(model)",
            "hp partition: \(s.count) subdomains (\(result.splits.interpolation) boxes split for the interpolation, \(result.splits.basis) for the basis), "
                + "\(s.filter { !$0.converged }.count) short of the tolerances",
            "local operator interpolation: d = \(s.map(\.operatorTerms).min() ?? 0) … \(s.map(\.operatorTerms).max() ?? 0)",
            "local reduced bases: N = \(s.map(\.basisSize).min() ?? 0) … \(s.map(\.basisSize).max() ?? 0), truth solver \(result.truthSolver)",
            "offline: \(NumberText.seconds(result.seconds.total)) (sampling \(NumberText.seconds(result.seconds.sampling)) of "
                + "\(result.samplesTaken) samples, interpolations \(NumberText.seconds(result.seconds.interpolation)), "
                + "greedies \(NumberText.seconds(result.seconds.greedy)))",
        ]
        out += lines
        return out.joined(separator: "\n") + "\n"
    }
}

/// The matrices of the last few boxes, by parameter: a half of a box shares a third or more of
/// its grid with the box (and a neighbour its edge), so those are assembled once. First in,
/// first out beyond `capacity` samples.
final class SampleCache {
    let family: GaussianBump
    let capacity: Int
    private(set) var assembled = 0
    private var stored: [[Int64]: (matrix: SparseMatrix, load: [Double])] = [:]
    private var order: [[Int64]] = []

    init(family: GaussianBump, capacity: Int) {
        self.family = family
        self.capacity = capacity
    }

    /// μ rounded to 1e-12 (grid points of a box and of its halves agree to round-off).
    private static func key(_ mu: Parameter) -> [Int64] { mu.values.map { Int64(($0 * 1e12).rounded()) } }

    /// The family at `parameters` (in `box`), as the training samples of the box.
    func samples(_ parameters: [Parameter], in box: ParameterSpace) throws -> FamilySamples<Double> {
        var matrices: [SparseMatrix] = [], loads: [[Double]] = []
        for mu in parameters {
            let key = Self.key(mu)
            if let hit = stored[key] {
                matrices.append(hit.matrix)
                loads.append(hit.load)
                continue
            }
            let entry = (matrix: try family.matrix(at: mu), load: try family.rightHandSide(at: mu))
            assembled += 1
            stored[key] = entry
            order.append(key)
            if order.count > capacity { stored[order.removeFirst()] = nil }
            matrices.append(entry.matrix)
            loads.append(entry.load)
        }
        return try FamilySamples(parameterSpace: box, parameters: parameters, matrices: matrices, rightHandSides: loads,
                                 names: parameters.map { "A(\($0))" })
    }
}
