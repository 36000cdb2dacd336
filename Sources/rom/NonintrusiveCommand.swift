import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `rom nonintrusive DIR --out MODEL.npz`: the nonintrusive reduced basis of a matrix family
/// written by another code (A_0000.mtx …, f_0000.npy|mtx …, parameters.csv, optional
/// inner_product.mtx), so that an external solver's user needs no Swift.
struct NonintrusiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nonintrusive",
        abstract: "Nonintrusive reduced basis from a folder of assembled matrices: matrix EIM, greedy, online model (.npz).",
        discussion: """
            DIR holds parameters.csv (one row per sample, comma-separated, an optional header of names), A_0000.mtx, \
            A_0001.mtx, … (MatrixMarket, as scipy.io.mmwrite writes them; row j of parameters.csv), f_0000.npy or \
            f_0000.mtx, … (the right-hand sides), and optionally inner_product.mtx (X, SPD; else the Euclidean product). \
            Real families; see docs/nonintrusive.md.
            """
    )

    @Argument(help: "Folder of the matrix family.")
    var folder: String

    @Option(help: "Output: the online model (.npz).")
    var out: String

    @Option(name: .customLong("tol"), help: "Greedy tolerance on the relative error indicator η(μ)/‖u_N(μ)‖_X.")
    var tolerance: Double = 1e-6

    @Option(name: .customLong("max-basis"), help: "Largest reduced basis.")
    var maxBasis: Int = 60

    @Option(name: .customLong("operator-tol"), help: "Relative tolerance of the operator's empirical interpolation (largest entry).")
    var operatorTolerance: Double = 1e-8

    @Option(name: .customLong("rhs-tol"), help: "Relative tolerance of the right-hand side's empirical interpolation.")
    var rightHandSideTolerance: Double = 1e-10

    @Option(name: .customLong("max-terms"), help: "At most this many interpolation terms.")
    var maxTerms: Int?

    @Option(help: "Rows of the residual sketch of the indicator.")
    var sketch: Int = 64

    @Option(name: .customLong("stability-constant"), help: "α: the indicator is the residual norm over α (1 when unknown).")
    var stabilityConstant: Double = 1

    @Option(help: "Write the figures as JSON to this file, or '-' for stdout.")
    var json: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        for (name, value) in [("--tol", tolerance), ("--operator-tol", operatorTolerance), ("--rhs-tol", rightHandSideTolerance),
                              ("--stability-constant", stabilityConstant)] where !(value > 0 && value.isFinite) {
            throw ValidationError("\(name) must be a positive number, got \(value)")
        }
        if maxBasis < 1 { throw ValidationError("--max-basis must be at least 1, got \(maxBasis)") }
        if sketch < 1 { throw ValidationError("--sketch must be at least 1, got \(sketch)") }
        if let m = maxTerms, m < 1 { throw ValidationError("--max-terms must be at least 1, got \(m)") }
        try OutputPreflight.checkFiles([("--out", out), ("--json", json)])
    }

    func run() throws {
        let say: (String) -> Void = { line in if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        let folderURL = URL(fileURLWithPath: folder)
        let clock = Stopwatch()
        let family = try MatrixMarketFamily<Double>(folder: folderURL)
        say("read \(family.samples.parameters.count) samples of order \(family.order) in \(NumberText.seconds(clock.seconds))")
        let method = try NonintrusiveReducedBasis(operatorTolerance: operatorTolerance, rightHandSideTolerance: rightHandSideTolerance,
                                                  maxTerms: maxTerms, tolerance: tolerance, maxBasisSize: maxBasis, sketchSize: sketch,
                                                  stabilityConstant: stabilityConstant)
        let result = try method.reduce(family.samples, innerProduct: family.innerProduct, progress: say)
        let command = CommandLine.arguments.joined(separator: " ")
        try OnlineModelFile.write(result.model, to: URL(fileURLWithPath: out), provenance: .init(
            creator: "rom nonintrusive", command: command,
            details: ["folder": folder, "samples": "\(family.samples.parameters.count)", "greedy_stop": result.stopReason.description]))
        let figures: [(String, JSONValue)] = [("model", .string(out)), ("samples", .int(family.samples.parameters.count)),
                                              ("truth_dimension", .int(family.order))] + result.figures
        if let json { try OutputDestination.write(JSONValue.object(figures).serialized() + "\n", to: json) }
        if !OutputDestination.isStandardOutput(json) {
            print("""
                model: \(out)
                samples: \(family.samples.parameters.count) of order \(family.order)
                operator interpolation: \(result.operatorInterpolation.terms) terms, relative error \(String(format: "%.2e", result.operatorTrainingError.largestEntry)) (largest entry)
                right-hand side interpolation: \(result.rightHandSideInterpolation.terms) terms
                reduced basis: N = \(result.model.size), \(result.stopReason), largest relative indicator \(String(format: "%.2e", result.history.last?.maxIndicator ?? .nan))
                truth solver: \(result.truthSolver); offline \(NumberText.seconds(result.seconds.total))
                """)
        }
    }
}
