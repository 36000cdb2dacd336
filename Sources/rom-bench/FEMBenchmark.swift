import ArgumentParser
import DriverOptions
import FEM
import Foundation
import LinearAlgebra

/// `rom-bench fem`: P1 assembly (pattern + stiffness + load, and a refill of the values alone) and
/// the CHOLMOD solve of −Δu = 1 on the unit square and cube, the sizes of PERFORMANCE.md §1. The
/// assembly is exactly what `poisson` times (space, assembler, stiffness, load); the first
/// repetition is reported apart: it pays the first touch of every array, as one run of a driver does.
struct FEMBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fem",
        abstract: "P1 Poisson: assembly (pattern, values) and CHOLMOD solve on the unit square and cube.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Grid sides of the 2D cases, comma-separated.")
    var sides2d = "256,512,1024"

    @Option(help: "Grid sides of the 3D cases, comma-separated.")
    var sides3d = "32,64"

    @Option(help: "Repetitions of each assembly (the best time is kept).")
    var repeats = 3

    @Flag(help: "Skip the CHOLMOD solves (assembly only).")
    var assemblyOnly = false

    func validate() throws {
        try ResourceBudget.check("--repeats", repeats, in: 1...1000, meaning: "the timed repetitions")
        for (option, list, dimension) in [("--sides2d", sides2d, 2), ("--sides3d", sides3d, 3)] {
            for n in parse(list) {
                try ResourceBudget.check(option, n, in: 1...100_000, meaning: "a grid side")
                // Unknowns (n + 1)^d; the matrix, the mesh and CHOLMOD's factor (3D fill grows as n⁴).
                let dofs = pow(Double(n + 1), Double(dimension))
                try ResourceBudget.checkMemory(dofs * (dimension == 2 ? 1024 : 200 * Double(n + 1)),
                                               for: "\(option) \(n) (\(String(format: "%.2g", dofs)) unknowns)")
            }
        }
    }

    func run() throws {
        var report = BenchmarkReport()
        report.add("romkit_threads", Double(Parallelism.threadCount), "ROMKit threads (assembly)")
        let cases = parse(sides2d).map { (2, $0) } + parse(sides3d).map { (3, $0) }
        for (dimension, n) in cases {
            let key = "\(dimension)d_n\(n)"
            progress("fem: P1 Poisson \(dimension)D n = \(n)")
            let mesh: Mesh = dimension == 2 ? .rectangle(n, n) : .box(n, n, n)
            var full = Double.infinity, values = Double.infinity, first = Double.nan
            var assembler: Assembler?, a: SparseMatrix?, b: [Double] = []
            for repetition in 0..<max(repeats, 1) {
                let time = seconds {
                    let space = FunctionSpace(mesh: mesh, order: 1)
                    assembler = Assembler(space: space)
                    a = assembler!.assemble(.diffusion())
                    b = assembler!.assemble(.source(1))
                }
                if repetition == 0 { first = time }
                full = min(full, time)
                values = min(values, seconds {
                    _ = assembler!.assembleValues(.diffusion())
                    _ = assembler!.assemble(.source(1))
                })
            }
            report.add("\(key)_dofs", Double(assembler!.space.dofCount), "\(dimension)D n=\(n): dofs")
            report.add("\(key)_assembly_seconds", full, "\(dimension)D n=\(n): assembly, pattern + K + f, best of the repetitions (s)")
            report.add("\(key)_first_assembly_seconds", first, "\(dimension)D n=\(n): the first (cold) assembly, what one `poisson` run pays (s)")
            report.add("\(key)_values_seconds", values, "\(dimension)D n=\(n): assembly, values only K + f (s)")
            guard !assemblyOnly else { continue }
            let dirichlet = DirichletElimination(space: assembler!.space)
            let aff = dirichlet.restrict(a!), rhs = dirichlet.restrict(b)
            var u: [Double] = []
            let solve = try seconds { u = try CholeskyFactorization(aff).solve(rhs) }
            report.add("\(key)_cholmod_seconds", solve, "\(dimension)D n=\(n): CHOLMOD analyze + factor + solve (s)")
            report.add("\(key)_u_max", u.max() ?? 0, "\(dimension)D n=\(n): max u")
        }
        try report.emit(json: output.json)
    }

    private func parse(_ list: String) -> [Int] { list.split(separator: ",").compactMap { Int($0) } }

}
