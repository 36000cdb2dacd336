import ArgumentParser
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `rom pod SNAPSHOTS.npy --out BASIS.npy`: the POD of a snapshot matrix, its singular values and
/// the kept modes, written as NPY (Fortran order) for numpy.
struct PODCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod",
        abstract: "POD of a snapshot matrix: kept modes (NPY) and singular values.",
        discussion: """
            SNAPSHOTS.npy holds one snapshot per column (shape (dofs, snapshots)), float64, float32 or integers, \
            C or Fortran order. Without --tol and --modes the energy tolerance is 1e-10. With both, the \
            tolerance decides and --modes caps the count.
            """
    )

    /// The method choices of `--method`.
    enum MethodChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, svd, snapshots, randomized

        var method: POD.Method {
            switch self {
            case .auto: return .automatic
            case .svd: return .svd
            case .snapshots: return .snapshots
            case .randomized: return .randomized
            }
        }
    }

    @Argument(help: "Snapshot matrix (.npy): one row per degree of freedom, one column per snapshot.")
    var snapshots: String

    @Option(name: .customLong("tol"),
            help: "Relative energy tolerance: keep the fewest modes whose discarded energy Σ_{i>N} σ_i² / Σ σ_i² is at most this.")
    var tolerance: Double?

    @Option(help: "Keep at most this many modes.")
    var modes: Int?

    @Option(name: .customLong("inner-product"), help: "SPD matrix M (.mtx) of the inner product the modes are orthonormal in (mass or energy).")
    var innerProduct: String?

    @Option(help: "auto (randomized where its estimate certifies the tolerance on a large tall matrix, else the method of snapshots for tall matrices or a weighted product, else SVD), svd, snapshots, or randomized.")
    var method: MethodChoice = .auto

    @Option(help: "Output: the kept modes, shape (dofs, N), float64, Fortran order.")
    var out: String

    @Option(name: .customLong("singular-values"), help: "Output: all singular values (.npy, 1-D).")
    var singularValues: String?

    @Option(help: "Write a JSON summary to this file, or '-' for stdout (then nothing else goes to stdout).")
    var json: String?

    func validate() throws {
        if let t = tolerance, !(t >= 0 && t < 1) { throw ValidationError("--tol must lie in [0, 1), got \(t)") }
        if let m = modes, m < 1 { throw ValidationError("--modes must be at least 1, got \(m)") }
        if method == .svd && innerProduct != nil {
            throw ValidationError("--method svd needs the Euclidean inner product; use --method snapshots (or auto) with --inner-product")
        }
        try OutputPreflight.checkFiles([("--out", out), ("--singular-values", singularValues), ("--json", json)])
    }

    func run() throws {
        let clock = Stopwatch()
        let snapshotURL = URL(fileURLWithPath: snapshots)
        let array = try NPY.read(snapshotURL)
        let matrix: Matrix
        do { matrix = try array.matrix() } catch {
            throw ToolError("\(snapshots): \(error) (a snapshot matrix is 2-D: one row per dof, one column per snapshot)")
        }
        if let index = matrix.firstNonFiniteIndex {
            throw ToolError("\(snapshots): the snapshot matrix holds \(matrix.storage[index]) at row \(index % matrix.rows), "
                + "column \(index / matrix.rows) (0-based); snapshots must be finite")
        }
        let product = try readInnerProduct(rows: matrix.rows)
        let energyTolerance = tolerance ?? (modes == nil ? 1e-10 : nil)
        let truncation: POD.Truncation = energyTolerance.map { .relativeEnergy($0) } ?? .count(modes ?? 1)
        let pod = try POD(snapshots: matrix, innerProduct: product, truncation: truncation, method: method.method)
        let kept = min(pod.modes.columns, modes ?? Int.max)
        let basis = kept == pod.modes.columns ? pod.modes : pod.modes.columns(0..<kept)

        // The basis, the singular values and the JSON file appear together at the commit, or none does.
        let stage = OutputStage()
        let outURL = URL(fileURLWithPath: out)
        try AtomicFile.createParentFolder(of: outURL)
        try NPY.write(basis, to: stage.stage(outURL))
        if let path = singularValues {
            let url = URL(fileURLWithPath: path)
            try AtomicFile.createParentFolder(of: url)
            try NPY.write(pod.singularValues, to: stage.stage(url))
        }
        let seconds = clock.seconds
        let sigma = pod.singularValues
        let total = sigma.reduce(0) { $0 + $1 * $1 }
        let discarded = total > 0 ? sigma.dropFirst(kept).reduce(0) { $0 + $1 * $1 } / total : 0
        let methodName = pod.method.name

        if let json {
            let value = JSONValue.object([
                ("snapshots", .string(snapshots)), ("rows", .int(matrix.rows)), ("columns", .int(matrix.columns)),
                ("method", .string(methodName)), ("inner_product", .string(innerProduct ?? "euclidean")),
                ("tolerance", energyTolerance.map(JSONValue.number) ?? .null), ("max_modes", modes.map(JSONValue.int) ?? .null),
                ("kept", .int(kept)), ("discarded_energy", .number(discarded)),
                ("singular_values", .numbers(sigma)), ("basis", .string(out)),
                ("singular_values_file", .optional(singularValues)), ("seconds", .number(seconds)),
            ])
            if OutputDestination.isStandardOutput(json) {
                try stage.commit()
                try OutputDestination.write(value.serialized() + "\n", to: json)
            } else {
                // OutputDestination.write creates the folder.
                try OutputDestination.write(value.serialized() + "\n", to: stage.stage(URL(fileURLWithPath: json)).path)
                try stage.commit()
            }
        } else {
            try stage.commit()
        }
        if !OutputDestination.isStandardOutput(json) {
            let methodTitle = switch pod.method {
            case .svd: "thin SVD"
            case .randomized: "randomized range finder, estimate \(String(format: "%.3e", pod.errorEstimate ?? 0))"
            default: "method of snapshots"
            }
            var text = "POD of \(snapshots): \(matrix.rows) dofs × \(matrix.columns) snapshots, "
                + methodTitle + ", "
                + (innerProduct.map { "inner product \($0)" } ?? "Euclidean inner product") + "\n"
            text += "kept \(kept) of \(sigma.count) modes"
                + (energyTolerance.map { " (energy tolerance \($0)\(modes.map { ", at most \($0)" } ?? ""))" } ?? " (--modes \(kept))")
                + "; discarded energy \(String(format: "%.3e", discarded))\n"
            text += "   i  singular value\n"
            for (i, s) in sigma.enumerated() {
                text += String(format: "%4d  %.6e", i + 1, s) + (i < kept ? "  kept" : "") + "\n"
            }
            text += "basis: \(out) (\(basis.rows) × \(basis.columns), float64, Fortran order)\n"
            if let path = singularValues { text += "singular values: \(path)\n" }
            print(text, terminator: "")
        }
    }

    /// The inner product of `--inner-product`, checked against the snapshot length.
    private func readInnerProduct(rows: Int) throws -> InnerProduct {
        guard let path = innerProduct else { return .euclidean }
        let m = try MatrixMarket.readSparse(URL(fileURLWithPath: path))
        guard m.rows == m.columns else {
            throw ToolError("--inner-product \(path): the matrix is \(m.rows)×\(m.columns); an inner-product matrix is square")
        }
        guard m.rows == rows else {
            throw ToolError("--inner-product \(path): order \(m.rows), but the snapshots have \(rows) rows (dofs)")
        }
        // An inner product must be symmetric positive definite: CHOLMOD says whether it is, and where not.
        do {
            _ = try CholeskyFactorization(m)
        } catch let error as LinearAlgebraError {
            throw ToolError("--inner-product \(path): not an inner-product matrix (symmetric positive definite): \(error)")
        }
        return .weighted(by: m)
    }
}
