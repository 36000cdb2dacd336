// poisson: P1/P2 Poisson on the unit square or cube (or a Gmsh mesh), a tutorial of the FEM module.
//
// Sample runs:
//   poisson --n 512 --json -                      −Δu = 1, u = 0 on ∂Ω, P1 on 512×512×2 triangles
//   poisson --dim 3 --n 32 --order 2 --manufactured --solver cg
//   poisson --mesh part.msh --out out/part        u = 0 on every boundary facet of the Gmsh mesh
import ArgumentParser
import DriverOptions
import FEM
import Foundation
import LinearAlgebra

@main
struct Poisson: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve −Δu = f with u = g on the boundary by P1/P2 finite elements; report times and errors.")

    @Option(help: "Dimension of the unit box (2 or 3); ignored with --mesh.") var dim = 2
    @Option(help: "Cells per side of the unit box.") var n = 64
    @Option(help: "Polynomial order (1 or 2).") var order = 1
    @Flag(help: "Solve for the smooth solution Π sin(π xᵢ) and report its relative L² and H¹ errors.") var manufactured = false
    @Option(help: "Linear solver: cholmod, umfpack or cg.") var solver = "cholmod"
    @Option(help: "A Gmsh .msh file (2D triangles or 3D tetrahedra) instead of the unit box.") var mesh: String?
    @Option(help: "Folder for the solution (.vtu).") var out = "out/poisson"
    @OptionGroup var output: JSONOutputOption

    func validate() throws {
        guard dim == 2 || dim == 3 else { throw ValidationError("--dim must be 2 or 3, got \(dim)") }
        guard order == 1 || order == 2 else { throw ValidationError("--order must be 1 or 2, got \(order)") }
        try ResourceBudget.check("--n", n, in: 1...100_000, meaning: "cells per side")
        // Unknowns (n·order + 1)^dim; the factor's fill: about 1 kB per unknown in 2D, and
        // growing as the cube root of the unknowns in 3D (nested dissection).
        let dofs = pow(Double(n * order + 1), Double(dim))
        let perUnknown = dim == 2 ? 1024 : 200 * Swift.max(1, cbrt(dofs))
        if mesh == nil {
            try ResourceBudget.checkMemory(dofs * perUnknown, for: "--n \(n) --dim \(dim) --order \(order) (\(String(format: "%.2g", dofs)) unknowns)")
        }
        guard ["cholmod", "umfpack", "cg"].contains(solver) else {
            throw ValidationError("--solver must be cholmod, umfpack or cg, got '\(solver)'")
        }
    }

    func run() throws {
        BLASRuntime.startExecutable()
        // 1. The mesh: the unit box, or a Gmsh file with u = 0 on all its exterior facets.
        let grid: Mesh
        if let path = mesh {
            progress("reading \(path)")
            grid = try GmshReader.read(URL(fileURLWithPath: path)).withExteriorFacets()
        } else {
            grid = dim == 2 ? .rectangle(n, n) : .box(n, n, n)
        }
        let d = grid.dimension
        let exact: @Sendable (SIMD3<Double>) -> Double = { x in (0..<d).reduce(1) { $0 * sin(Double.pi * x[$1]) } }
        let source: Coefficient = manufactured ? .function { x in Double(d) * Double.pi * Double.pi * exact(x) } : 1

        // 2. Space, pattern and scatter map, stiffness matrix and load vector.
        progress("assembling P\(order) on \(grid.cellCount) cells")
        let clock = Stopwatch()
        let space = FunctionSpace(mesh: grid, order: order)
        let assembler = Assembler(space: space)
        let patternSeconds = clock.seconds
        let a = assembler.assemble(.diffusion())
        let b = assembler.assemble(.source(source))
        let assembleSeconds = clock.seconds

        // 3. Dirichlet conditions by elimination, then the solve.
        let dirichlet = DirichletElimination(space: space)
        let g = manufactured ? space.interpolate(exact) : [Double](repeating: 0, count: space.dofCount)
        let aff = dirichlet.restrict(a)
        let rhs = dirichlet.rightHandSide(a, b, values: g)
        progress("solving \(aff.rows) unknowns with \(solver)")
        let solveClock = Stopwatch()
        let uf: [Double]
        switch solver {
        case "cholmod": uf = try CholeskyFactorization(aff).solve(rhs)
        case "umfpack": uf = try LUFactorization(aff).solve(rhs)
        default: uf = try ConjugateGradient(tolerance: 1e-12, maxIterations: 100_000).solve(aff, rhs).x
        }
        let solveSeconds = solveClock.seconds
        let u = dirichlet.expand(uf, values: g)

        // 4. Errors, the .vtu file and the figures.
        var errors: ErrorNorms?
        if manufactured {
            errors = space.errors(of: u, exact: exact, gradient: { x in
                var grad = SIMD3<Double>.zero
                for i in 0..<d {
                    grad[i] = (0..<d).reduce(1) { $0 * ($1 == i ? Double.pi * cos(Double.pi * x[$1]) : sin(Double.pi * x[$1])) }
                }
                return grad
            })
        }
        var writer = VTUWriter(space: space)
        writer.addPointData("u", u)
        writer.addCellData("region", grid.regions.map(Double.init))
        let vtu = URL(fileURLWithPath: out).appendingPathComponent("poisson.vtu")
        try writer.write(to: vtu)
        progress("wrote \(vtu.path)")

        let figures: [(String, String)] = [
            ("dim", "\(d)"), ("order", "\(order)"), ("cells", "\(grid.cellCount)"), ("dofs", "\(space.dofCount)"),
            ("free_dofs", "\(aff.rows)"), ("nonzeros", "\(a.nonzeroCount)"), ("solver", "\"\(solver)\""),
            ("pattern_seconds", number(patternSeconds)), ("assemble_seconds", number(assembleSeconds)),
            ("solve_seconds", number(solveSeconds)), ("u_max", number(u.max() ?? 0)),
            ("l2_error", errors.map { number($0.relativeL2) } ?? "null"),
            ("h1_error", errors.map { number($0.relativeH1) } ?? "null"),
            ("threads", "\(Parallelism.threadCount)"), ("vtu", "\"\(vtu.path)\""),
        ]
        let text = "{\n" + figures.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
        if let json = output.json {
            if json == "-" { print(text, terminator: "") } else { try writeFile(text, json) }
        } else {
            for (key, value) in figures { print(key.padding(toLength: 18, withPad: " ", startingAt: 0), value) }
        }
    }

    func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

    func progress(_ message: String) { FileHandle.standardError.write(Data("poisson: \(message)\n".utf8)) }

    /// Writes `text` to `path` atomically.
    func writeFile(_ text: String, _ path: String) throws { try OutputDestination.write(text, to: path) }
}
