import ArgumentParser
import DriverOptions
import FEM
import Foundation
import LinearAlgebra
import Materials

/// `turbine-blade hf`: stage (i), the high-fidelity solution. Steps: (1) the blade mesh (or a
/// Gmsh file) and the P2 displacement space; (2) the law and the flight-cycle loads of
/// `BladeCase`; (3) one backward-Euler step with a global Newton per time step; (4) the files
/// of `HighFidelityArtifacts` (mesh, one displacement .npy per step, the ParaView series) and the
/// JSON figures.
struct HighFidelityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hf",
        abstract: "Solve the blade over flight cycles; write the mesh, u per step (.npy) and a .pvd series of u, σ_vM, p.")

    @Option(help: "Output folder.")
    var out = "out/turbine-blade"

    @Option(help: "About this many displacement unknowns (the structured blade mesh is chosen to stay at or below it).")
    var size = 15000

    @Option(help: "Element order (1 or 2; P1 locks in bending).")
    var order = 2

    @Option(help: "Peak temperature of the cycle, °C (the material tables span 20…1050).")
    var temperatureLevel = 900.0

    @Option(help: "Flight cycles.")
    var cycles = 2

    @Option(help: "Time steps per cycle.")
    var stepsPerCycle = 20

    @Option(help: "A Gmsh .msh file (tetrahedra) instead of the generated blade, in mm.")
    var mesh: String?

    @Option(help: "The physical group of the clamped root facets in --mesh.")
    var rootTag = 1

    @Option(help: "Newton's relative residual tolerance.")
    var tolerance = 1e-8

    /// Off by default: UMFPACK on the non-symmetric tangent costs about 6× CHOLMOD per Newton
    /// iteration on the default blade (docs/benchmarks.md, "Turbine blade").
    @Flag(inversion: .prefixedNo, help: "Dynamic recovery D of the Armstrong–Frederick back stress (a non-symmetric tangent: UMFPACK); without it (the default), linear kinematic hardening and CHOLMOD.")
    var recovery = false

    @Flag(help: "No .pvd/.vtu series (the mesh and the .npy files only).")
    var noSeries = false

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var progress: QuietOption

    func validate() throws {
        guard order == 1 || order == 2 else { throw ValidationError("--order must be 1 or 2, got \(order)") }
        try ResourceBudget.check("--size", size, in: 500...2_000_000, meaning: "the displacement unknowns")
        try ResourceBudget.check("--cycles", cycles, in: 1...10_000, meaning: "the flight cycles")
        try ResourceBudget.check("--steps-per-cycle", stepsPerCycle, in: 4...100_000, meaning: "the time steps per cycle")
        try BladeCase.validate(temperatureLevel: temperatureLevel, option: "--temperature-level")
        guard tolerance > 0, tolerance < 1 else { throw ValidationError("--tolerance must lie in (0, 1)") }
        if let mesh { guard FileManager.default.isReadableFile(atPath: mesh) else { throw ValidationError("--mesh \(mesh): no readable file") } }
        // Per unknown: the P2 tangent (≈ 80 entries per row), the Cholesky factor's fill (a few
        // thousand entries in 3D), the integration-point fields; the displacement history.
        let steps = Double(cycles * stepsPerCycle)
        try ResourceBudget.checkMemory(Double(size) * (16e3 + 8 * steps), for: "--size \(size) with \(Int(steps)) steps")
        try OutputPreflight.checkFolder(out, option: "--out")
        let written = HighFidelityArtifacts.fileNames(steps: min(Int(steps), 2), series: !noSeries).map { ("--out", out + "/" + $0) }
        try OutputPreflight.checkDistinct(written + (output.json.map { [("--json", $0)] } ?? []))
    }

    func run() throws {
        try execute().report.emit(json: output.json)
    }

    /// What a run produced: the figures of its JSON, the time loop's seconds, the folder.
    struct Summary {
        var report: JSONReport
        var hfSeconds: Double
        var dofs: Int
        var integrationPoints: Int
    }

    /// Runs stage (i) and writes its files; returns the figures.
    func execute() throws -> Summary {
        BLASRuntime.startExecutable()
        let clock = Stopwatch()
        // 1. Mesh and space.
        let grid: Mesh, clamped: [Int]
        if let path = mesh {
            say("reading \(path)")
            grid = try GmshReader.read(URL(fileURLWithPath: path))
            clamped = [rootTag]
        } else {
            let cells = BladeGeometry.grid(forUnknowns: size, order: order)
            grid = try Mesh.blade(try BladeCase.geometry(), chordCells: cells.chord, thicknessCells: cells.thickness, spanCells: cells.span)
            clamped = [BladeGeometry.Tag.root]
        }
        let space = FunctionSpace(mesh: grid, order: order, components: 3)

        // 2. Law, loads, time steps: from the load case that case.json records.
        let loadCase = try BladeCase.loadCase(temperatureLevel: temperatureLevel, cycles: cycles, stepsPerCycle: stepsPerCycle,
                                              order: order, recovery: recovery, clampedTags: clamped)
        let law = try loadCase.constitutiveLaw()
        let times = try loadCase.times()
        var solver = try NonlinearMechanicsSolver(space: space, law: law, clamped: Set(clamped), loading: try loadCase.loading(),
                                                  options: .init(tolerance: tolerance))
        say("P\(order) blade: \(grid.cellCount) cells, \(space.dofCount) dofs, \(solver.points.count) integration points, \(times.count) steps")

        // 3. The time loop, each step's files written as it is accepted (their time apart).
        let artifacts = HighFidelityArtifacts(folder: URL(fileURLWithPath: out), space: space, points: solver.points, law: law)
        var writeSeconds = 0.0
        func record(_ k: Int) throws {
            try Stopwatch.accumulate(into: &writeSeconds) {
                try artifacts.writeStep(k, StepRecord(time: solver.time, displacement: solver.displacement, fields: solver.fields), series: !noSeries)
            }
        }
        try Stopwatch.accumulate(into: &writeSeconds) { try artifacts.writeMesh(loadCase: loadCase) }
        try record(0)
        var iterations = 0, luSteps = 0, lawSeconds = 0.0, assemblySeconds = 0.0, solveSeconds = 0.0
        var uMax = 0.0, pMax = 0.0, stressMax = 0.0
        for (index, t) in times.enumerated() {
            let report = try solver.step(to: t)
            iterations += report.iterations
            if report.usedLU { luSteps += 1 }
            lawSeconds += report.lawSeconds; assemblySeconds += report.assemblySeconds; solveSeconds += report.solveSeconds
            let u = solver.displacement
            for i in stride(from: 0, to: u.count, by: 3) { uMax = max(uMax, (u[i] * u[i] + u[i + 1] * u[i + 1] + u[i + 2] * u[i + 2]).squareRoot()) }
            pMax = max(pMax, solver.fields.stateField("p", of: law)?.max() ?? 0)
            stressMax = max(stressMax, solver.fields.vonMises.max() ?? 0)
            try record(index + 1)
            say("step \(index + 1)/\(times.count) t = \(t): \(report.iterations) Newton iterations, residuals \(report.residuals.map { String(format: "%.1e", $0) }.joined(separator: " "))")
        }
        try Stopwatch.accumulate(into: &writeSeconds) { try artifacts.writeIndex(times: [0] + times, series: !noSeries) }
        let hfSeconds = clock.seconds - writeSeconds
        say("wrote \(times.count + 1) displacement fields\(noSeries ? "" : " and the series") to \(out)")

        // 4. The figures.
        var report = JSONReport()
        report.add("dofs", space.dofCount)
        report.add("cells", grid.cellCount)
        report.add("integration_points", solver.points.count)
        report.add("time_steps", times.count)
        report.add("hf_seconds", hfSeconds)
        report.add("write_seconds", writeSeconds)
        report.add("law_seconds", lawSeconds)
        report.add("assembly_seconds", assemblySeconds)
        report.add("solve_seconds", solveSeconds)
        report.add("newton_iterations_total", iterations)
        report.add("lu_steps", luSteps)
        report.add("u_max", uMax)
        report.add("p_max", pMax)
        report.add("sigma_vm_max", stressMax)
        report.add("threads", Parallelism.threadCount)
        return Summary(report: report, hfSeconds: hfSeconds, dofs: space.dofCount, integrationPoints: solver.points.count)
    }

    func say(_ message: String) { progress.say(message, from: "turbine-blade hf") }
}

/// The displacement and point fields at the end of one step (what the files of a step hold).
struct StepRecord {
    let time: Double
    let displacement: [Double]
    let fields: PointFields
}
