// eifmm: fast summation f(x_i) = Σ_j σ_j K(x_i − y_j) with EIM (or Chebyshev) far fields.
//
// Sample runs (docs/eifmm.md explains each):
//   eifmm --kernel laplace --dim 3 --n 100000 --tol 1e-6 --json -
//   eifmm --kernel gaussian --scale 0.1 --dim 3 --n 1000000 --tol 1e-6 --threads 2
//   eifmm --kernel anisotropic-gaussian --dim 2 --n 20000 --distribution clustered --method chebyshev
import ArgumentParser
import DriverOptions
import EIM
import Foundation
import LinearAlgebra

struct EIFMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eifmm",
        abstract: "Fast summation for translation-invariant kernels (EIFMM), checked against direct summation.")

    @Option(help: "The kernel: \(KernelCatalog.names.joined(separator: ", ")).")
    var kernel = "laplace"
    @Option(help: "Length scale of the kernel (h, c or ℓ; unused by laplace).")
    var scale = 0.1
    @Option(help: "Dimension: 2 or 3.")
    var dim = 3
    @Option(help: "Number of points (sources = targets).")
    var n = 10_000
    @Option(help: "uniform (unit cube), sphere (surface) or clustered.")
    var distribution = "uniform"
    @Option(help: "Requested relative accuracy ε.")
    var tol = 1e-6
    @Option(help: "Far field: eim or chebyshev.")
    var method = "eim"
    @Option(help: "Threads of the evaluation.")
    var threads = 1
    @Option(help: "Points per leaf (default: from ε).")
    var leafSize: Int?
    @Option(help: "The far-field interpolation tolerance is ε divided by this.")
    var safetyFactor = 10.0

    @Flag(name: .customLong("compress-m2l"), help: "Recompress the M2L matrices by truncated SVDs.")
    var compressM2L = false

    @Option(help: "Targets sampled for rel_error.")
    var samples = 200
    @Option(help: "Seed of the points and charges.")
    var seed: UInt64 = 1
    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        guard dim == 2 || dim == 3 else { throw ValidationError("--dim must be 2 or 3, got \(dim)") }
        try ResourceBudget.check("--n", n, in: 1...1_000_000_000, meaning: "the number of points")
        // Points, charges, potentials, the tree and the near-field lists: about 1 kB per point.
        try ResourceBudget.checkMemory(Double(n) * 1024, for: "--n \(n) points")
        guard tol > 0, tol.isFinite else { throw ValidationError("--tol must be a positive number, got \(tol)") }
        guard KernelCatalog.names.contains(kernel) else {
            throw ValidationError("--kernel must be one of \(KernelCatalog.names.joined(separator: ", ")), got '\(kernel)'")
        }
        guard PointDistribution(rawValue: distribution) != nil else {
            throw ValidationError("--distribution must be uniform, sphere or clustered, got '\(distribution)'")
        }
        guard FarFieldMethod(rawValue: method) != nil else { throw ValidationError("--method must be eim or chebyshev, got '\(method)'") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
    }

    func run() throws {
        BLASRuntime.startExecutable()
        let k = try KernelCatalog.kernel(named: kernel, dimension: dim, scale: scale)
        let points = PointDistribution(rawValue: distribution)!.points(n, dimension: dim, seed: seed)
        var rng = SplitMix64(seed: seed &+ 1)
        let charges = (0..<n).map { _ in rng.nextUniform() }
        var options = FastSummationOptions(tolerance: tol, method: FarFieldMethod(rawValue: method)!, leafSize: leafSize, threads: threads,
                                           safetyFactor: safetyFactor)
        options.compressM2L = compressM2L

        let (sum, setupSeconds) = try Stopwatch.measure { try FastSummation(kernel: k, sources: points, dimension: dim, options: options) }
        let (f, seconds) = try Stopwatch.measure { try sum.evaluate(charges: charges) }

        let picked: [Int] = n <= samples ? Array(0..<n) : (0..<samples).map { _ in Int(rng.next() % UInt64(n)) }
        let (exact, sampledSeconds) = try Stopwatch.measure {
            try DirectSummation.evaluate(kernel: k, sources: points, charges: charges, targetIndices: picked, dimension: dim, threads: threads)
        }
        var directSeconds = sampledSeconds * Double(n) / Double(picked.count)
        if n <= 20_000 && n > samples {
            directSeconds = try Stopwatch.measure {
                _ = try DirectSummation.evaluate(kernel: k, sources: points, charges: charges, dimension: dim, threads: threads)
            }.seconds
        }
        let relError = DirectSummation.relativeError(picked.map { f[$0] }, exact)

        var report = JSONReport()
        report.add("n", n)
        report.add("kernel", k.name)
        report.add("dim", dim)
        report.add("method", method)
        report.add("tol", tol)
        report.add("seconds", seconds)
        report.add("setup_seconds", setupSeconds)
        report.add("rel_error", relError)
        report.add("direct_seconds", directSeconds)
        report.add("speedup", directSeconds / seconds)
        report.add("interpolation_points", Array(sum.interpolationPoints.dropFirst(2)))
        report.add("interpolation_errors", Array(sum.estimatedInterpolationErrors.dropFirst(2)))
        report.add("depth", sum.depth)
        report.add("boxes", sum.boxCount)
        report.add("threads", threads)
        try report.emit(json: output.json)
    }
}

EIFMMCommand.main()
