import ArgumentParser
import LinearAlgebra

/// `rom-bench SUITE`: the benchmark figures of one suite, as a table or as one JSON object.
@main
struct ROMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rom-bench",
        abstract: "ROMKit benchmarks: the figures docs/benchmarks.md reports.",
        subcommands: [LinalgBenchmark.self, FEMBenchmark.self, PODBenchmark.self, OnlineBenchmark.self, EIMBenchmark.self, EIFMMBenchmark.self, ECMBenchmark.self, BLASCore.self]
    )

    static func main() {
        BLASRuntime.startExecutable()
        main(nil)
    }
}

/// `rom-bench blas-core`: which OpenBLAS kernel runs, and the one to force when it is generic.
struct BLASCore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas-core", abstract: "Print the OpenBLAS kernel in use (with --suggest: the OPENBLAS_CORETYPE to set, or nothing).")

    @Flag(help: "Print only the kernel to force on this CPU, or nothing when OpenBLAS's choice is tuned.")
    var suggest = false

    func run() {
        let core = BLASRuntime.coreName
        if suggest {
            if let s = BLASRuntime.suggestedCoreType(core: core, cpuFlags: BLASRuntime.cpuFlags) { print(s) }
        } else {
            print(core)
        }
    }
}
