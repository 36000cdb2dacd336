import ArgumentParser
import DriverOptions
import LinearAlgebra

/// `rom-bench linalg`: sparse mat-vec against the memory bandwidth, CHOLMOD analysis / factor /
/// refactor / solve, dense BLAS and LAPACK rates.
struct LinalgBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linalg",
        abstract: "SpMV vs. STREAM triad bandwidth, CHOLMOD phases, dgemm and thin SVD.")

    @OptionGroup var output: JSONOutputOption

    @Option(help: "Grid side of the SpMV Laplacian (rows = side²; 1000 gives 1M rows).")
    var spmvSide = 1000

    @Option(help: "Grid side of the CHOLMOD Laplacian.")
    var choleskySide = 512

    @Option(help: "Order of the dgemm matrices.")
    var gemmSize = 2000

    @Option(help: "Rows and columns of the thin SVD matrix, as ROWSxCOLUMNS.")
    var svdShape = "20000x200"

    @Option(help: "Repetitions of each timed kernel (the best time is kept).")
    var repeats = 5

    func validate() throws {
        let shape = svdShape.split(separator: "x").compactMap { Int($0) }
        guard shape.count == 2, shape[0] > 0, shape[1] > 0 else {
            throw ValidationError("--svd-shape must read ROWSxCOLUMNS, got '\(svdShape)'")
        }
        guard spmvSide > 0, choleskySide > 0, gemmSize > 0, repeats > 0 else {
            throw ValidationError("--spmv-side, --cholesky-side, --gemm-size and --repeats must be positive")
        }
        try ResourceBudget.check("--repeats", repeats, in: 1...1000, meaning: "the timed repetitions")
        let (side, cholesky, gemm) = (Double(spmvSide), Double(choleskySide), Double(gemmSize))
        try ResourceBudget.checkMemory(side * side * 200 + cholesky * cholesky * 1024 + 24 * gemm * gemm + 24 * Double(shape[0]) * Double(shape[1]),
                                       for: "--spmv-side \(spmvSide) --cholesky-side \(choleskySide) --gemm-size \(gemmSize) --svd-shape \(svdShape)")
    }

    func run() throws {
        var report = BenchmarkReport()
        report.add("blas_core", BLASRuntime.coreName, "OpenBLAS kernel")
        report.add("blas_threads", Double(BLASRuntime.threadCount), "OpenBLAS threads")
        report.add("romkit_threads", Double(Parallelism.threadCount), "ROMKit threads (SpMV, triad)")

        progress("SpMV and STREAM triad (\(spmvSide * spmvSide) rows)")
        let (spmv, triad) = measureBandwidth()
        report.add("spmv_gb_per_s", spmv, "SpMV, 5-point Laplacian (GB/s)")
        report.add("stream_triad_gb_per_s", triad, "STREAM triad (GB/s)")
        report.add("spmv_fraction_of_triad", spmv / triad, "SpMV / triad")

        progress("CHOLMOD on the \(choleskySide)×\(choleskySide) Laplacian")
        for (key, value, label) in try measureCholesky() { report.add(key, value, label) }

        progress("dgemm \(gemmSize)×\(gemmSize)")
        report.add("dgemm_gflops", measureGemm(), "dgemm (GFLOP/s)")

        let shape = svdShape.split(separator: "x").compactMap { Int($0) }
        progress("thin SVD \(shape[0])×\(shape[1])")
        report.add("svd_seconds", try measureSVD(rows: shape[0], columns: shape[1]), "thin SVD (s)")
        try report.emit(json: output.json)
    }

    /// SpMV bandwidth (bytes of the CSR arrays, x and y per product) and the STREAM triad
    /// a = b + s c (24 bytes per entry, as STREAM counts) over arrays larger than every cache,
    /// both on `Parallelism.threadCount` threads.
    func measureBandwidth() -> (spmv: Double, triad: Double) {
        let a = SparseMatrix.laplacian2D(spmvSide)
        let n = a.rows
        let x = (0..<n).map { Double($0 % 7) }
        var y = [Double](repeating: 0, count: n)
        let spmvTime = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in bestSeconds(repeats: repeats * 4) { a.apply(xp, into: yp) } }
        }
        let spmvBytes = Double(a.nonzeroCount * 16 + (n + 1) * 8 + 2 * n * 8)

        let length = a.nonzeroCount * 2  // triad arrays as large as the matrix: out of every cache
        let b = [Double](repeating: 1, count: length), c = [Double](repeating: 2, count: length)
        var t = [Double](repeating: 0, count: length)
        let triadTime = b.withUnsafeBufferPointer { bp in
            c.withUnsafeBufferPointer { cp in
                t.withUnsafeMutableBufferPointer { tp in
                    return bestSeconds(repeats: repeats * 4) {
                        Parallelism.forEachChunk(of: length) { range in
                            for i in range { tp[i] = bp[i] + 3 * cp[i] }
                        }
                    }
                }
            }
        }
        precondition(t[length - 1] == 7 && y[n / 2] != .nan)
        return (spmvBytes / spmvTime * 1e-9, Double(3 * 8 * length) / triadTime * 1e-9)
    }

    func measureCholesky() throws -> [(String, Double, String)] {
        let a = SparseMatrix.laplacian2D(choleskySide)
        // Analysis and first factorization, timed inside CholeskyFactorization (best of `repeats`).
        var analyze = Double.infinity, factor = Double.infinity
        var factorization: CholeskyFactorization?
        for _ in 0..<repeats {
            let f = try CholeskyFactorization(a)
            analyze = min(analyze, f.timings.analyze)
            factor = min(factor, f.timings.factor)
            factorization = f
        }
        guard let cholesky = factorization else { return [] }
        // Same pattern, new values (a parametric problem's next μ): 2A + I.
        var shifted = 2.0 * a
        for i in 0..<shifted.rows { shifted.values[shifted.index(row: i, column: i)!] += 1 }
        let refactor = try bestSeconds(repeats: repeats) { try cholesky.refactor(values: shifted.values) }
        let b = [Double](repeating: 1, count: a.rows)
        var x = [Double]()
        let solve = try bestSeconds(repeats: repeats) { x = try cholesky.solve(b) }
        let residual = BLAS.nrm2(zip(shifted.apply(x), b).map { $0 - $1 }) / BLAS.nrm2(b)
        return [
            ("cholmod_analyze_seconds", analyze, "CHOLMOD analyze (s)"),
            ("cholmod_factor_seconds", factor, "CHOLMOD factor (s)"),
            ("cholmod_refactor_seconds", refactor, "CHOLMOD refactor, analysis reused, incl. checks (s)"),
            ("cholmod_solve_seconds", solve, "CHOLMOD solve (s)"),
            ("cholmod_relative_residual", residual, "CHOLMOD relative residual"),
            ("cholmod_factor_nonzeros", Double(cholesky.factorNonzeros), "CHOLMOD nnz(L)"),
            ("cholmod_supernodal", cholesky.isSupernodal ? 1 : 0, "CHOLMOD supernodal (1) or simplicial (0)"),
        ]
    }

    func measureGemm() -> Double {
        let n = gemmSize
        let a = Matrix(rows: n, columns: n, storage: (0..<n * n).map { Double($0 % 13) / 13 })
        let b = Matrix(rows: n, columns: n, storage: (0..<n * n).map { Double($0 % 11) / 11 })
        var c = Matrix(rows: n, columns: n)
        let time = bestSeconds(repeats: repeats) { Matrix.gemm(.none, a, .none, b, into: &c) }
        return 2 * Double(n) * Double(n) * Double(n) / time * 1e-9
    }

    func measureSVD(rows: Int, columns: Int) throws -> Double {
        var generator = SplitMix64(seed: 42)
        let a = Matrix(rows: rows, columns: columns, storage: (0..<rows * columns).map { _ in generator.nextUniform() - 0.5 })
        return try bestSeconds(repeats: max(1, repeats / 2)) { _ = try ThinSVD(a) }
    }
}

