// eim-functions: the Empirical Interpolation Method and its variants on function families.
//
// Sample runs (docs/eim.md explains each):
//   eim-functions --family inverse-distance --grid 100 --params 25 --tol 1e-8 --test 100 --json -
//   eim-functions --variant symmetric --grid 40 --params 15 --tol 1e-10
//   eim-functions --variant rectangular --extra-points 2 --remove-point 3 --grid 40 --params 15
//   eim-functions --adaptive --grid 100 --params 9 --tol 1e-8 --test 100
//   eim-functions --grid 100 --params 25 --save eim.npz
import ArgumentParser
import DriverOptions
import EIM
import Foundation
import LinearAlgebra

struct EIMFunctions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eim-functions",
        abstract: "Empirical interpolation of g(x; μ) on a G×G grid of [0,1]², μ on a P×P grid of [−1, −0.01]².")

    enum Variant: String, ExpressibleByArgument, CaseIterable {
        case classic, symmetric, rectangular, stabilized, deim, qdeim
    }

    enum NormChoice: String, ExpressibleByArgument, CaseIterable {
        case linf, l2
    }

    @Option(help: "The family: \(PlanarFamily.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var family: String = "inverse-distance"

    @Option(help: "Points per side of the uniform grid of [0,1]² (edges included).")
    var grid = 100

    @Option(help: "Training parameters per side of the uniform grid of [−1, −0.01]² (initial grid with --adaptive).")
    var params = 25

    @Option(help: "classic, symmetric, rectangular, stabilized, deim or qdeim.")
    var variant: Variant = .classic

    @Option(help: "Norm of the greedy's choice of μ: linf or l2.")
    var norm: NormChoice = .linf

    @Option(help: "Tolerance on the largest relative training error (DEIM/Q-DEIM: on the relative singular values).")
    var tol = 1e-8

    @Option(help: "Largest number of terms.")
    var maxTerms: Int?

    @Flag(help: "Refine the training set where the interpolant is worst (start from the --params grid).")
    var adaptive = false

    @Option(help: "Number of fresh random μ for test_max_error (0: none).")
    var test = 100

    @Option(help: "Seed of the random test parameters.")
    var seed: UInt64 = 2026

    @Option(help: "rectangular: the index (in selection order) of the point to remove; default: the middle one.")
    var removePoint: Int?

    @Option(help: "rectangular: points added (where the Lebesgue function is largest) before one is removed.")
    var extraPoints = 2

    @Option(help: "Save the interpolant (the online object) as an NPZ file at PATH.")
    var save: String?

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    func validate() throws {
        guard PlanarFamily.Kind(rawValue: family) != nil else {
            throw ValidationError("--family must be one of \(PlanarFamily.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(family)'")
        }
        try ResourceBudget.check("--grid", grid, in: 2...100_000, meaning: "points per side")
        try ResourceBudget.check("--params", params, in: 2...100_000, meaning: "training parameters per side")
        try ResourceBudget.check("--test", test, in: 0...10_000_000, meaning: "the test set size")
        // The training snapshots: grid² values for each of params² parameters.
        try ResourceBudget.checkMemory(8 * pow(Double(grid), 2) * pow(Double(params), 2),
                                       for: "--grid \(grid) with --params \(params) (\(grid)² points × \(params)² parameters)")
        guard tol > 0, tol.isFinite else { throw ValidationError("--tol must be a positive number, got \(tol)") }
        if let m = maxTerms, m < 1 { throw ValidationError("--max-terms must be at least 1, got \(m)") }
        guard extraPoints >= 0 else { throw ValidationError("--extra-points must be nonnegative, got \(extraPoints)") }
        if adaptive && [.deim, .qdeim].contains(variant) {
            throw ValidationError("--adaptive refines the greedy's training set: use it with classic, symmetric, rectangular or stabilized")
        }
    }

    func run() throws {
        BLASRuntime.startExecutable()
        try EIMFunctionsRun(command: self).run().emit(json: output.json)
    }

    func progress(_ message: @autoclosure () -> String) {
        if !progress.quiet { FileHandle.standardError.write(Data(("eim-functions: " + message() + "\n").utf8)) }
    }
}

EIMFunctions.main()
