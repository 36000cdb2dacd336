import ArgumentParser
import DriverOptions
import EIM
import Foundation
import LinearAlgebra

/// `rom-bench eifmm`: fast summation time against N for the Laplace (1/r) and Gaussian kernels in 3D
/// at several ε, uniform points in the unit cube, with the error on 200 sampled targets and the
/// direct time extrapolated from them.
struct EIFMMBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eifmm", abstract: "EIFMM fast summation: time against N for Laplace and Gaussian kernels at several ε.")

    @OptionGroup var output: JSONOutputOption
    @Option(help: "Comma-separated point counts.")
    var sizes = "10000,100000,1000000"
    @Option(help: "Comma-separated tolerances.")
    var tolerances = "1e-3,1e-6"
    @Option(help: "Comma-separated kernels (names of `eifmm --kernel`).")
    var kernels = "laplace,gaussian"
    @Option(help: "Length scale of the Gaussian.")
    var scale = 0.1
    @Option(help: "far field: eim or chebyshev.")
    var method = "eim"
    @Option(help: "Threads.")
    var threads = 1

    func validate() throws {
        guard parse(sizes).allSatisfy({ $0 >= 1 }), !parse(sizes).isEmpty else { throw ValidationError("--sizes must list positive counts") }
        guard parse(tolerances).allSatisfy({ $0 > 0 }), !parse(tolerances).isEmpty else { throw ValidationError("--tolerances must be positive") }
        guard FarFieldMethod(rawValue: method) != nil else { throw ValidationError("--method must be eim or chebyshev") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let largest = parse(sizes).max() { try ResourceBudget.checkMemory(largest * 1024, for: "--sizes with \(String(format: "%.3g", largest)) points") }
    }

    private func parse(_ list: String) -> [Double] { list.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }

    func run() throws {
        var report = BenchmarkReport()
        report.add("blas_core", BLASRuntime.coreName, "OpenBLAS kernel")
        for name in kernels.split(separator: ",").map(String.init) {
            let kernel = try KernelCatalog.kernel(named: name, dimension: 3, scale: scale)
            for tol in parse(tolerances) {
                for n in parse(sizes).map({ Int($0) }) {
                    progress("\(kernel.name) ε=\(tol) N=\(n)")
                    let points = PointDistribution.uniform.points(n, dimension: 3, seed: 1)
                    var rng = SplitMix64(seed: 2)
                    let charges = (0..<n).map { _ in rng.nextUniform() }
                    var sum: FastSummation?
                    let setup = try seconds {
                        sum = try FastSummation(kernel: kernel, sources: points, dimension: 3,
                                                options: FastSummationOptions(tolerance: tol, method: FarFieldMethod(rawValue: method)!, threads: threads))
                    }
                    var f: [Double] = []
                    let time = try seconds { f = try sum!.evaluate(charges: charges) }
                    let picked = (0..<min(200, n)).map { _ in Int(rng.next() % UInt64(n)) }
                    var exact: [Double] = []
                    let direct = try seconds {
                        exact = try DirectSummation.evaluate(kernel: kernel, sources: points, charges: charges, targetIndices: picked, threads: threads)
                    } * Double(n) / Double(picked.count)
                    let key = "\(name)_\(tol)_\(n)"
                    report.add("\(key)_setup_seconds", setup, "\(name) ε=\(tol) N=\(n): setup (s)")
                    report.add("\(key)_seconds", time, "\(name) ε=\(tol) N=\(n): evaluation (s)")
                    report.add("\(key)_microseconds_per_point", 1e6 * time / Double(n), "\(name) ε=\(tol) N=\(n): µs per point")
                    report.add("\(key)_rel_error", DirectSummation.relativeError(picked.map { f[$0] }, exact), "\(name) ε=\(tol) N=\(n): rel. error")
                    report.add("\(key)_direct_seconds", direct, "\(name) ε=\(tol) N=\(n): direct, extrapolated (s)")
                    report.add("\(key)_points", Double(sum!.interpolationPoints.max() ?? 0), "\(name) ε=\(tol) N=\(n): largest points per level")
                }
            }
        }
        try report.emit(json: output.json)
    }
}
