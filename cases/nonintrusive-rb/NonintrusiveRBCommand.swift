import ArgumentParser
import CaseProblems
import DriverOptions
import FEM
import Foundation
import LinearAlgebra
import ROM

/// `nonintrusive-rb`: the reduced basis method from assembled matrices only (matrix EIM with
/// magic entries, greedy on the external matrices, online model from entries).
///
/// Sample runs:
/// ```
/// nonintrusive-rb                                   # the Gaussian bump, n = 100, hp partition
/// nonintrusive-rb --partition global                # the same with one global model
/// nonintrusive-rb --problem thermal-block --export out/tb-family   # writes the family as .mtx files
/// nonintrusive-rb --matrices out/tb-family --json -                # any family written by another code
/// ```
/// Steps: (1) the family: assembled by FEM, which the driver then forgets (only `matrix(at:)`,
/// `rightHandSide(at:)` and, online, `entries(at:positions:)` are used), or read from a folder;
/// (2) sample it on the training set; (3) matrix and right-hand side EIM, greedy
/// (`NonintrusiveReducedBasis`); (4) on fresh parameters: the truth (assembly + CHOLMOD solve)
/// against the online query (entries + reduced solve + indicator), errors, effectivities, times;
/// (5) the model (.npz) and the JSON figures.
@main
struct NonintrusiveRBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nonintrusive-rb",
        abstract: "Nonintrusive reduced basis from assembled matrices: matrix EIM, greedy, online model, errors and timings.")

    enum Problem: String, ExpressibleByArgument, CaseIterable {
        case bump
        case thermalBlock = "thermal-block"
    }

    @Option(help: "The family assembled by FEM: bump (non-affine diffusion) or thermal-block (affine, 2×2 blocks).")
    var problem: Problem = .bump

    @Option(help: "Read the family from this folder (A_0000.mtx …, f_0000.npy …, parameters.csv) instead of assembling one.")
    var matrices: String?

    @Option(help: "Squares per side of the mesh.")
    var n = 100

    @Option(help: "bump: centres per axis of the training grid.")
    var grid = 17

    @Option(help: "bump: heights μ₀ of the training set (from 10/heights to 10).")
    var heights = 4

    @Option(help: "thermal-block: random training parameters.")
    var train = 200

    @Option(help: "Fresh test parameters (random).")
    var test = 50

    @Option(help: "Greedy tolerance on the relative indicator (default \(Self.defaultTolerance), hp: \(HPOptions.defaultTolerance)).")
    var tol: Double?

    @Option(name: .customLong("operator-tol"),
            help: "Relative tolerance of the operator's empirical interpolation (default \(Self.defaultOperatorTolerance), hp: \(HPOptions.defaultOperatorTolerance)).")
    var operatorTolerance: Double?

    static let defaultTolerance = 1e-6, defaultOperatorTolerance = 1e-7

    @Option(help: "bump: hp (split the centres' box into subdomains, one local model each) or global (one model); other problems: global.")
    var partition: PartitionMode?

    @OptionGroup var hp: HPOptions

    @Option(name: .customLong("max-basis"), help: "Largest basis.")
    var maxBasis = 60

    @Option(name: .customLong("max-terms"), help: "At most this many interpolation terms.")
    var maxTerms: Int?

    @Option(name: .customLong("stability-constant"),
            help: "α dividing the indicator (default: 1 for bump, where κ ≥ 1; 0.1 for thermal-block, the smallest diffusivity; 1 for --matrices).")
    var stabilityConstant: Double?

    @Option(help: "Seed of the test set.")
    var seed: UInt64 = 1

    @Option(help: "Write the sampled family to this folder (the layout `rom nonintrusive` and --matrices read).")
    var export: String?

    @Option(help: "Output folder (model.npz).")
    var out = "out/nonintrusive-rb"

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    func validate() throws {
        try ResourceBudget.check("--n", n, in: 2...1_000_000, meaning: "squares per side")
        try ResourceBudget.check("--grid", grid, in: 1...10_000, meaning: "centres per axis")
        try ResourceBudget.check("--heights", heights, in: 1...10_000, meaning: "heights per centre")
        try ResourceBudget.check("--train", train, in: 1...10_000_000, meaning: "the training set size")
        try ResourceBudget.check("--max-basis", maxBasis, in: 1...10_000, meaning: "the basis size")
        try ResourceBudget.check("--test", test, in: 0...1_000_000, meaning: "the test set size")
        try OutputPreflight.checkFolder(out, option: "--out")
        if let export { try OutputPreflight.checkFolder(export, option: "--export") }
        try OutputPreflight.checkDistinct([("--out", out + "/model.npz")] + (output.json.map { [("--json", $0)] } ?? []))
        // Each training sample keeps its matrix (about 7 entries of 16 bytes per unknown) and its
        // load; the basis and the test truths one vector each.
        let dofs = Double(n + 1) * Double(n + 1)
        let samples = matrices != nil ? 0 : problem == .bump ? Double(grid) * Double(grid) * Double(heights) : Double(train)
        try ResourceBudget.checkMemory(dofs * (samples * 120 + 8 * Double(maxBasis + test) + 1024),
                                       for: "--n \(n) (\(String(format: "%.2g", dofs)) unknowns) with \(String(format: "%.3g", samples)) training samples")
        if let a = stabilityConstant, !(a > 0 && a.isFinite) { throw ValidationError("--stability-constant must be a positive number, got \(a)") }
        if test < 0 { throw ValidationError("--test must be nonnegative, got \(test)") }
        for (name, value) in [("--tol", tol), ("--operator-tol", operatorTolerance)].compactMap({ p in p.1.map { (p.0, $0) } })
            where !(value > 0 && value.isFinite) {
            throw ValidationError("\(name) must be a positive number, got \(value)")
        }
    }

    func say(_ line: String) { if !progress.quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } }

    func run() throws {
        let clock = Stopwatch()
        let alpha = stabilityConstant ?? (matrices == nil && problem == .thermalBlock ? 0.1 : 1)
        if try usesHP() { return try runHP(clock: clock, alpha: alpha) }
        let method = try NonintrusiveReducedBasis(operatorTolerance: operatorTolerance ?? Self.defaultOperatorTolerance, rightHandSideTolerance: 1e-10,
                                                  maxTerms: maxTerms, tolerance: tol ?? Self.defaultTolerance, maxBasisSize: maxBasis,
                                                  stabilityConstant: alpha)
        var figures: [(String, JSONValue)] = []
        let run: NonintrusiveRun
        if let matrices {
            let family = try MatrixMarketFamily<Double>(folder: URL(fileURLWithPath: matrices))
            say("read \(family.samples.parameters.count) samples of order \(family.order) from \(matrices)")
            run = try NonintrusiveRun(samples: family.samples, innerProduct: family.innerProduct, method: method, say: say)
            figures.append(("problem", .string("matrices")))
        } else {
            switch problem {
            case .bump:
                let bump = try GaussianBump(n: n)
                let training = bump.trainingSet(heights: heights, grid: grid)
                say("bump: \(bump.order) dofs, sampling \(training.count) training parameters")
                run = try NonintrusiveRun(family: bump, training: training, innerProduct: bump.innerProduct, method: method,
                                          test: test > 0 ? try bump.parameterSpace.random(count: test, seed: seed) : [], say: say)
            case .thermalBlock:
                let block = try ThermalBlock(blocks: 2, n: n)
                let family = ProblemMatrixFamily(block.problem)
                let training = try block.problem.parameterSpace.random(count: train, seed: seed + 1)
                say("thermal block: \(block.dofs) dofs, sampling \(training.count) training parameters")
                run = try NonintrusiveRun(family: family, training: training, innerProduct: block.problem.innerProduct.matrix!, method: method,
                                          test: test > 0 ? try block.problem.parameterSpace.random(count: test, seed: seed) : [], say: say)
                let intrusive = try ReducedBasisGreedy(tolerance: tol ?? Self.defaultTolerance, relative: true, maxBasisSize: maxBasis)
                    .run(problem: block.problem, trainingSet: training)
                figures.append(("intrusive_basis_size", .int(intrusive.model.size)))
            }
            figures.append(("problem", .string(problem.rawValue)))
        }
        figures.append(("partition", .string("global")))
        let folder = URL(fileURLWithPath: out)
        let model = folder.appendingPathComponent("model.npz")
        try OnlineModelFile.write(run.result.model, to: model, provenance: .init(
            creator: "nonintrusive-rb", command: CommandLine.arguments.joined(separator: " "),
            details: ["problem": matrices ?? problem.rawValue, "samples": "\(run.samples.parameters.count)"]))
        if let export {
            try MatrixMarketFamily<Double>.write(run.samples, innerProduct: run.innerProduct, to: URL(fileURLWithPath: export))
            say("wrote the family to \(export)")
        }
        figures += [("truth_dimension", .int(run.samples.order)), ("training_size", .int(run.samples.parameters.count)),
                    ("model", .string(model.path))]
        figures += run.result.figures + run.testFigures + [("driver_seconds", .number(clock.seconds))]
        let json = JSONValue.object(figures)
        if let path = output.json { try OutputDestination.write(json.serialized() + "\n", to: path) }
        if !OutputDestination.isStandardOutput(output.json) { print(run.summary(model: model.path), terminator: "") }
    }
}
