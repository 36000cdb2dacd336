import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `rom-bench pod`: the POD of a dense snapshot matrix (200,000 × 400 by default) by the method
/// of snapshots, with the orthogonality of the modes; the thin SVD beside it on request.
struct PODBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod", abstract: "POD of a dense snapshot matrix: method of snapshots (syrk + syevr + Cholesky QR) and thin SVD.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Rows (dofs) of the snapshot matrix.")
    var rows = 200_000

    @Option(help: "Columns (snapshots) of the snapshot matrix.")
    var columns = 400

    @Option(help: "Relative singular value tolerance of the truncation (at least √(kε), what the method of snapshots resolves with k columns: 3e-7 for 400).")
    var tolerance = 1e-6

    @Flag(help: "Also time the thin SVD (LAPACK gesdd) of the whole matrix.")
    var svd = false

    @Option(help: "Repetitions (the best time is kept).")
    var repeats = 3

    func validate() throws {
        guard rows > 0, columns > 0, repeats > 0 else { throw ValidationError("--rows, --columns and --repeats must be positive") }
        guard tolerance > 0, tolerance < 1 else { throw ValidationError("--tolerance must lie in (0, 1)") }
        try ResourceBudget.check("--repeats", repeats, in: 1...1000, meaning: "the timed repetitions")
        // The snapshots, a copy for the SVD and the modes: about three rows × columns matrices.
        try ResourceBudget.checkMemory(24 * Double(rows) * Double(columns), for: "--rows \(rows) --columns \(columns)")
    }

    func run() throws {
        progress("snapshot matrix \(rows)×\(columns)")
        let snapshots = Self.smoothSnapshots(rows: rows, columns: columns)
        var pod: POD?
        let time = try bestSeconds(repeats: repeats) {
            pod = try POD(snapshots: snapshots, truncation: .relativeSingularValue(tolerance), method: .snapshots)
        }
        guard let pod else { return }
        var report = BenchmarkReport()
        report.add("blas_core", BLASRuntime.coreName, "OpenBLAS kernel")
        report.add("rows", Double(rows), "snapshot rows")
        report.add("columns", Double(columns), "snapshots")
        report.add("pod_snapshots_seconds", time, "POD, method of snapshots (s)")
        report.add("modes", Double(pod.modes.columns), "modes kept (σ > tol σ₁)")
        report.add("orthogonality_error", (pod.modes.gram - Matrix.identity(pod.modes.columns)).maxAbs, "max |ΦᵀΦ − I|")
        if svd {
            progress("thin SVD")
            let svdTime = try bestSeconds(repeats: 1) { _ = try POD(snapshots: snapshots, truncation: .relativeSingularValue(tolerance), method: .svd) }
            report.add("pod_svd_seconds", svdTime, "POD, thin SVD (s)")
        }
        try report.emit(json: output.json)
    }

    /// Snapshots of a smooth parametric family u(x; t) = Σ_k e^{−k/2} sin(k π x (1 + t)) cos(k t):
    /// singular values decaying exponentially, as for a diffusion problem.
    static func smoothSnapshots(rows: Int, columns: Int) -> Matrix {
        var s = Matrix(rows: rows, columns: columns)
        s.storage.withUnsafeMutableBufferPointer { storage in
            Parallelism.forEachChunk(of: columns) { range in
                for j in range {
                    let t = Double(j) / Double(max(columns - 1, 1))
                    for i in 0..<rows {
                        let x = Double(i) / Double(max(rows - 1, 1))
                        var value = 0.0
                        for k in 1...12 {
                            value += exp(-Double(k) / 2) * sin(Double(k) * .pi * x * (1 + t)) * cos(Double(k) * t)
                        }
                        storage[i + j * rows] = value
                    }
                }
            }
        }
        return s
    }
}
