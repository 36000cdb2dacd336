import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `rom-bench ecm`: the empirical cubature of a synthetic integrand matrix of realistic size
/// (100,000 integration points × 2,000 integrands by default: 20 modes × 100 snapshots), and the
/// NNLS of a dense random problem, with the data written for a side-by-side peer run.
struct ECMBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecm", abstract: "Empirical cubature (POD of the integrands + greedy NNLS) and Lawson–Hanson NNLS timings.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Integration points (rows of G).")
    var points = 100_000

    @Option(help: "Integrands (columns of G).")
    var integrands = 2_000

    @Option(help: "ECM tolerance τ: ‖G_Sᵀω − Gᵀw‖ ≤ τ ‖Gᵀw‖.")
    var tolerance = 1e-4

    @Option(help: "Largest wave number of the synthetic integrands cos(ω·x + φ), |ω_i| ≤ this.")
    var frequency = 6.0

    @Option(help: "Rows of the NNLS problem (0: skip it).")
    var nnlsRows = 2_000

    @Option(help: "Columns of the NNLS problem.")
    var nnlsColumns = 1_000

    @Option(help: "Write the NNLS problem (A.npy, b.npy) to this folder for a peer to solve the same one.")
    var nnlsData: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func validate() throws {
        try ResourceBudget.check("--points", points, in: 1...100_000_000, meaning: "integration points")
        try ResourceBudget.check("--integrands", integrands, in: 1...1_000_000, meaning: "integrands")
        try ResourceBudget.check("--nnls-rows", nnlsRows, in: 0...100_000, meaning: "NNLS rows")
        try ResourceBudget.check("--nnls-columns", nnlsColumns, in: 1...100_000, meaning: "NNLS columns")
        guard tolerance > 0, tolerance < 1 else { throw ValidationError("--tolerance must lie in (0, 1)") }
        guard frequency > 0, frequency.isFinite else { throw ValidationError("--frequency must be positive") }
        // G, its weighted copy and the POD's modes and products: about three M × P matrices.
        try ResourceBudget.checkMemory(24 * Double(points) * Double(integrands), for: "--points \(points) --integrands \(integrands)")
    }

    func run() throws {
        var report = BenchmarkReport()
        report.add("blas_core", BLASRuntime.coreName, "OpenBLAS kernel")
        progress("integrands \(points)×\(integrands)")
        let (g, w) = Self.integrands(points: points, integrands: integrands, frequency: frequency, seed: seed)
        var ecm: EmpiricalCubature?
        let ecmTime = try seconds { ecm = try EmpiricalCubature(integrands: g, weights: w, options: .init(tolerance: tolerance)) }
        guard let ecm else { return }
        report.add("points", Double(points), "integration points M")
        report.add("integrands", Double(integrands), "integrands P")
        report.add("ecm_seconds", ecmTime, "ECM total (s)")
        report.add("ecm_pod_seconds", ecm.podSeconds, "ECM: POD of the weighted integrands (s)")
        report.add("ecm_greedy_seconds", ecm.greedySeconds, "ECM: greedy + NNLS (s)")
        report.add("basis_size", Double(ecm.basisSize), "integrand basis r (POD at τ/10, + constant)")
        report.add("reduced_points", Double(ecm.points.count), "selected points")
        report.add("ecm_error", ecm.error, "achieved relative integration error")
        if nnlsRows > 0 {
            var generator = SplitMix64(seed: seed &+ 1)
            let a = Matrix(rows: nnlsRows, columns: nnlsColumns, storage: (0..<(nnlsRows * nnlsColumns)).map { _ in generator.nextUniform() - 0.5 })
            let b = (0..<nnlsRows).map { _ in generator.nextUniform() - 0.5 }
            if let nnlsData {
                let folder = URL(fileURLWithPath: nnlsData)
                try AtomicFile.createFolder(folder)
                try NPY.write(NPYArray(a), to: folder.appendingPathComponent("A.npy"))
                try NPY.write(NPYArray(vector: b), to: folder.appendingPathComponent("b.npy"))
            }
            progress("NNLS \(nnlsRows)×\(nnlsColumns)")
            var nnls: NonNegativeLeastSquares?
            let time = try seconds { nnls = try NonNegativeLeastSquares(a, b) }
            report.add("nnls_rows", Double(nnlsRows), "NNLS rows")
            report.add("nnls_columns", Double(nnlsColumns), "NNLS columns")
            report.add("nnls_seconds", time, "NNLS, Lawson–Hanson with updated QR (s)")
            report.add("nnls_positive", Double(nnls!.solution.filter { $0 > 0 }.count), "NNLS positive components")
            report.add("nnls_residual", nnls!.residualNorm, "NNLS ‖Ax − b‖")
        }
        try report.emit(json: output.json)
    }

    /// G_{gj} = cos(ω_j · x_g + φ_j) at M random points of the unit cube (random ω_j with
    /// components in [−W, W], φ_j in [0, 2π)), with positive random weights summing to 1: smooth
    /// integrands whose span has a few hundred dimensions, as stresses times mode strains have.
    static func integrands(points m: Int, integrands p: Int, frequency: Double, seed: UInt64) -> (Matrix, [Double]) {
        var generator = SplitMix64(seed: seed)
        let x = (0..<(3 * m)).map { _ in generator.nextUniform() }
        var w = (0..<m).map { _ in 0.5 + generator.nextUniform() }
        let total = w.reduce(0, +)
        for i in 0..<m { w[i] /= total }
        let omega = (0..<(3 * p)).map { _ in frequency * (2 * generator.nextUniform() - 1) }
        let phase = (0..<p).map { _ in 2 * Double.pi * generator.nextUniform() }
        var g = Matrix(rows: m, columns: p)
        g.storage.withUnsafeMutableBufferPointer { storage in
            Parallelism.forEachChunk(of: p) { range in
                for j in range {
                    for i in 0..<m {
                        storage[i + j * m] = cos(omega[3 * j] * x[3 * i] + omega[3 * j + 1] * x[3 * i + 1] + omega[3 * j + 2] * x[3 * i + 2] + phase[j])
                    }
                }
            }
        }
        return (g, w)
    }
}
