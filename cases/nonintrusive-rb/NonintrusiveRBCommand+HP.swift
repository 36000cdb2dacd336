import ArgumentParser
import CaseProblems
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// One model for the whole parameter box, or the hp partition of the bump's centres.
enum PartitionMode: String, ExpressibleByArgument, CaseIterable {
    case global, hp
}

/// The options of `--partition hp` (`HPNonintrusiveReducedBasis`). Defaults: the configuration
/// measured on the bump at n = 100 (docs/benchmarks.md, "hp partition": 64 subdomains of
/// 0.075 × 0.075 centres, 7² centres × 7 heights each, d ≤ 26, N ≤ 59, test error 4.3e-5); a
/// larger `--max-subdomains` lets the splitting go on.
struct HPOptions: ParsableArguments {
    static let defaultTolerance = 3e-5, defaultOperatorTolerance = 1e-5

    @Option(name: .customLong("subdomain-grid"),
            help: "hp: centres per axis of each subdomain's training grid (bounds included; heights: --heights values over the subdomain's range).")
    var grid = 7

    @Option(name: .customLong("subdomain-basis"), help: "hp: N_max, the largest local basis; a subdomain that needs more is split.")
    var basis = 60

    @Option(name: .customLong("subdomain-terms"), help: "hp: d_max, the most local operator terms; a subdomain that needs more is split.")
    var terms = 40

    @Option(name: .customLong("max-subdomains"), help: "hp: at most this many subdomains (beyond 2^initial-depth the splitting is adaptive).")
    var maxSubdomains = 64

    @Option(name: .customLong("initial-depth"), help: "hp: bisections of the centres' box made before any box is tried (2^depth boxes to start).")
    var initialDepth = 6

    func validate() throws {
        try ResourceBudget.check("--subdomain-grid", grid, in: 1...1_000, meaning: "centres per axis of a subdomain")
        try ResourceBudget.check("--subdomain-basis", basis, in: 1...10_000, meaning: "the local basis size")
        try ResourceBudget.check("--subdomain-terms", terms, in: 1...100_000, meaning: "the local operator terms")
        try ResourceBudget.check("--max-subdomains", maxSubdomains, in: 1...100_000, meaning: "the number of subdomains")
        try ResourceBudget.check("--initial-depth", initialDepth, in: 0...16, meaning: "the initial bisections")
    }
}

extension NonintrusiveRBCommand {
    /// Whether this run partitions: `--partition hp`, or the bump by default.
    func usesHP() throws -> Bool {
        let bump = matrices == nil && problem == .bump
        switch partition {
        case .hp?:
            guard bump else { throw ValidationError("--partition hp needs --problem bump (the family it samples on each subdomain)") }
            return true
        case .global?: return false
        case nil: return bump
        }
    }

    /// The bump through the hp method: partition, local models, test study, model file, JSON.
    func runHP(clock: Stopwatch, alpha: Double) throws {
        if export != nil { throw ValidationError("--export writes one sampled family: give --partition global with it") }
        let local = try NonintrusiveReducedBasis(operatorTolerance: operatorTolerance ?? HPOptions.defaultOperatorTolerance,
                                                 rightHandSideTolerance: 1e-10, tolerance: tol ?? HPOptions.defaultTolerance,
                                                 maxBasisSize: hp.basis, stabilityConstant: alpha)
        let method = try HPNonintrusiveReducedBasis(local: local, maxTerms: maxTerms ?? hp.terms, splitComponents: [0, 1, 2], interpolationSplitComponents: [1, 2],
                                                    maxSubdomains: hp.maxSubdomains, initialDepth: hp.initialDepth)
        let bump = try GaussianBump(n: n)
        say("bump: \(bump.order) dofs, hp partition of the parameter box, \(hp.grid)² centres × \(heights) heights per subdomain")
        let run = try HPRun(bump: bump, method: method, heights: heights, grid: hp.grid,
                            test: test > 0 ? try bump.parameterSpace.random(count: test, seed: seed) : [], say: say)
        let model = URL(fileURLWithPath: out).appendingPathComponent("model.npz")
        try OnlineModelFile.write(run.result.model, to: model, provenance: .init(
            creator: "nonintrusive-rb", command: CommandLine.arguments.joined(separator: " "),
            details: ["problem": "bump", "partition": "hp", "samples": "\(run.result.samplesTaken)"]))
        var figures: [(String, JSONValue)] = [("problem", .string("bump")), ("truth_dimension", .int(bump.order)),
                                              ("training_size", .int(run.result.subdomains.reduce(0) { $0 + $1.trainingSize })),
                                              ("model", .string(model.path))]
        figures += run.result.figures + run.testFigures + [("driver_seconds", .number(clock.seconds))]
        if let path = output.json { try OutputDestination.write(JSONValue.object(figures).serialized() + "\n", to: path) }
        if !OutputDestination.isStandardOutput(output.json) { print(run.summary(model: model.path), terminator: "") }
    }
}
