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
/// nonintrusive-rb --problem duct --json -                          # the lined duct, complex Helmholtz
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
        case duct
    }

    @Option(help: "The family assembled by FEM: bump (non-affine diffusion), thermal-block (affine, 2×2 blocks) or duct (lined duct, complex Helmholtz in (f, σ)).")
    var problem: Problem = .bump

    @Option(help: "Read the family from this folder (A_0000.mtx …, f_0000.npy …, parameters.csv) instead of assembling one.")
    var matrices: String?

    @Option(help: "Squares per side of the mesh (duct: along the 1 m duct; across its 8 cm height n·0.08, at least 2).")
    var n = 100

    @Option(help: "duct: frequencies of the training grid (evenly over 200–2000 Hz).")
    var frequencies = 61

    @Option(help: "duct: flow resistivities of the training grid (evenly in log σ over 5–50 kPa·s/m²).")
    var resistivities = 5

    @Option(name: .customLong("curve-points"), help: "duct: frequencies of each TL curve of the report (3 σ; 0: no curves).")
    var curvePoints = 91

    @Option(help: "bump: centres per axis of the training grid.")
    var grid = 17

    @Option(help: "bump: heights μ₀ of the training set (from 10/heights to 10; hp: over each subdomain's range, from 0).")
    var heights = 7

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
        try ResourceBudget.check("--frequencies", frequencies, in: 1...100_000, meaning: "training frequencies")
        try ResourceBudget.check("--resistivities", resistivities, in: 1...10_000, meaning: "training resistivities")
        try ResourceBudget.check("--curve-points", curvePoints, in: 0...100_000, meaning: "points per TL curve")
        try ResourceBudget.check("--max-basis", maxBasis, in: 1...10_000, meaning: "the basis size")
        try ResourceBudget.check("--test", test, in: 0...1_000_000, meaning: "the test set size")
        try OutputPreflight.checkFolder(out, option: "--out")
        if let export { try OutputPreflight.checkFolder(export, option: "--export") }
        try OutputPreflight.checkDistinct([("--out", out + "/model.npz")] + (output.json.map { [("--json", $0)] } ?? []))
        // Each training sample keeps its matrix (about 7 entries of 16 bytes per unknown) and its
        // load; the basis and the test truths one vector each.
        // The duct: P2 on n × ductRows squares, about 14 complex entries (16 bytes each) per unknown.
        let duct = matrices == nil && problem == .duct
        let dofs = duct ? Double(2 * n + 1) * Double(2 * ductRows + 1) : Double(n + 1) * Double(n + 1)
        let samples = matrices != nil ? 0 : problem == .bump ? Double(grid) * Double(grid) * Double(heights)
            : duct ? Double(frequencies) * Double(resistivities) : Double(train)
        try ResourceBudget.checkMemory(dofs * (samples * (duct ? 240 : 120) + 16 * Double(maxBasis + test) + 1024),
                                       for: "--n \(n) (\(String(format: "%.2g", dofs)) unknowns) with \(String(format: "%.3g", samples)) training samples")
        if let a = stabilityConstant, !(a > 0 && a.isFinite) { throw ValidationError("--stability-constant must be a positive number, got \(a)") }
        if test < 0 { throw ValidationError("--test must be nonnegative, got \(test)") }
        for (name, value) in [("--tol", tol), ("--operator-tol", operatorTolerance)].compactMap({ p in p.1.map { (p.0, $0) } })
            where !(value > 0 && value.isFinite) {
            throw ValidationError("\(name) must be a positive number, got \(value)")
        }
    }

    /// The duct's squares across its height.
    var ductRows: Int { Swift.max(2, Int((Double(n) * LinedDuct.Geometry().height / LinedDuct.Geometry().length).rounded())) }

    func say(_ line: String) { if !progress.quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } }

    func run() throws {
        let clock = Stopwatch()
        let alpha = stabilityConstant ?? (matrices == nil && problem == .thermalBlock ? 0.1 : 1)
        if try usesHP() { return try runHP(clock: clock, alpha: alpha) }
        let method = try NonintrusiveReducedBasis(operatorTolerance: operatorTolerance ?? Self.defaultOperatorTolerance, rightHandSideTolerance: 1e-10,
                                                  maxTerms: maxTerms, tolerance: tol ?? Self.defaultTolerance, maxBasisSize: maxBasis,
                                                  stabilityConstant: alpha)
        var figures: [(String, JSONValue)] = []
        if let matrices {
            let family = try MatrixMarketFamily<Double>(folder: URL(fileURLWithPath: matrices))
            say("read \(family.samples.parameters.count) samples of order \(family.order) from \(matrices)")
            let run = try NonintrusiveRun(samples: family.samples, innerProduct: family.innerProduct, method: method, say: say)
            figures.append(("problem", .string("matrices")))
            return try finish(run, figures: figures, clock: clock)
        }
        func random(_ space: ParameterSpace) throws -> [Parameter] { test > 0 ? try space.random(count: test, seed: seed) : [] }
        switch problem {
        case .bump:
            let bump = try GaussianBump(n: n)
            let training = bump.trainingSet(heights: heights, grid: grid)
            say("bump: \(bump.order) dofs, sampling \(training.count) training parameters")
            let run = try NonintrusiveRun(family: bump, training: training, innerProduct: bump.innerProduct, method: method,
                                          test: try random(bump.parameterSpace), say: say)
            try finish(run, figures: [("problem", .string(problem.rawValue))], clock: clock)
        case .thermalBlock:
            let block = try ThermalBlock(blocks: 2, n: n)
            let family = ProblemMatrixFamily(block.problem)
            let training = try block.problem.parameterSpace.random(count: train, seed: seed + 1)
            say("thermal block: \(block.dofs) dofs, sampling \(training.count) training parameters")
            let run = try NonintrusiveRun(family: family, training: training, innerProduct: block.problem.innerProduct.matrix!, method: method,
                                          test: try random(block.problem.parameterSpace), say: say)
            let intrusive = try ReducedBasisGreedy(tolerance: tol ?? Self.defaultTolerance, relative: true, maxBasisSize: maxBasis)
                .run(problem: block.problem, trainingSet: training)
            try finish(run, figures: [("intrusive_basis_size", .int(intrusive.model.size)), ("problem", .string(problem.rawValue))], clock: clock)
        case .duct:
            let duct = try LinedDuctFamily(nx: n, ny: ductRows)
            let training = duct.trainingSet(frequencies: frequencies, resistivities: resistivities)
            say("duct: \(duct.order) complex dofs (P2, \(n) × \(ductRows) squares), sampling \(training.count) training parameters")
            var run = try NonintrusiveRun(family: duct, training: training, innerProduct: duct.innerProduct, method: method,
                                          test: try random(duct.parameterSpace), keepTestFields: true, say: say)
            let space = duct.parameterSpace
            let study = try DuctStudy(family: duct, run: run, curveResistivities: [space.lower[1], (space.lower[1] * space.upper[1]).squareRoot(), space.upper[1]],
                                      curvePoints: curvePoints)
            run.add(figures: study.figures, lines: study.lines)
            let report = URL(fileURLWithPath: out).appendingPathComponent("report.html")
            try study.report(run: run, family: duct, command: CommandLine.arguments.joined(separator: " ")).write(to: report)
            try finish(run, figures: [("problem", .string(problem.rawValue)), ("report", .string(report.path))], clock: clock)
        }
    }

    /// Writes the model (and the exported family), then the JSON figures and the summary.
    private func finish<Element: MatrixMarketScalar>(_ run: NonintrusiveRun<Element>, figures: [(String, JSONValue)], clock: Stopwatch) throws {
        let folder = URL(fileURLWithPath: out)
        let model = folder.appendingPathComponent("model.npz")
        try OnlineModelFile.write(run.result.model, to: model, provenance: .init(
            creator: "nonintrusive-rb", command: CommandLine.arguments.joined(separator: " "),
            details: ["problem": matrices ?? problem.rawValue, "samples": "\(run.samples.parameters.count)"]))
        if let export {
            try MatrixMarketFamily<Element>.write(run.samples, innerProduct: run.innerProduct, to: URL(fileURLWithPath: export))
            say("wrote the family to \(export)")
        }
        var figures = figures + [("partition", .string("global"))]
        figures += [("truth_dimension", .int(run.samples.order)), ("training_size", .int(run.samples.parameters.count)),
                    ("model", .string(model.path))]
        figures += run.result.figures + run.testFigures + [("driver_seconds", .number(clock.seconds))]
        let json = JSONValue.object(figures)
        if let path = output.json { try OutputDestination.write(json.serialized() + "\n", to: path) }
        if !OutputDestination.isStandardOutput(output.json) { print(run.summary(model: model.path), terminator: "") }
    }
}
