import XCTest

/// `rom-bench` end to end: the JSON contract of the `linalg` suite on small sizes.
final class ROMBenchDriverTests: XCTestCase {
    func testLinalgJSONHasTheContractKeysAndAnAccurateSolve() throws {
        let result = try DriverProcess.run("rom-bench", ["linalg", "--json", "-", "--spmv-side", "100", "--cholesky-side", "40",
                                                         "--gemm-size", "64", "--svd-shape", "300x20", "--repeats", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        for key in ["spmv_gb_per_s", "stream_triad_gb_per_s", "cholmod_analyze_seconds", "cholmod_factor_seconds",
                    "cholmod_refactor_seconds", "cholmod_solve_seconds", "dgemm_gflops", "svd_seconds"] {
            let value = try XCTUnwrap(json[key] as? Double, "missing \(key)")
            XCTAssertGreaterThan(value, 0, key)
        }
        XCTAssertFalse(try XCTUnwrap(json["blas_core"] as? String).isEmpty)
        XCTAssertLessThan(try XCTUnwrap(json["cholmod_relative_residual"] as? Double), 1e-12)
        // 40×40 Laplacian: nnz(L) is deterministic for the AMD/METIS ordering CHOLMOD picks.
        XCTAssertGreaterThan(try XCTUnwrap(json["cholmod_factor_nonzeros"] as? Double), 1600)
    }

    func testBadOptionIsAnErrorNamingIt() throws {
        let result = try DriverProcess.run("rom-bench", ["linalg", "--svd-shape", "abc"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--svd-shape"), result.stderr)
    }
}

/// The generic-kernel warning: forcing OpenBLAS onto its generic kernel makes every executable say
/// which `OPENBLAS_CORETYPE` to set (on a CPU with AVX2 or AVX-512, where it matters).
final class BLASCoreWarningTests: XCTestCase {
    func testGenericKernelIsReportedWithTheVariableToSet() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        try XCTSkipUnless(flags.contains(" avx2"), "the warning only applies to CPUs with AVX2")
        let generic = try DriverProcess.run("rom-bench", ["blas-core"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(generic.status, 0)
        XCTAssertEqual(String(decoding: generic.stdout, as: UTF8.self), "Prescott\n")
        XCTAssertTrue(generic.stderr.contains("OPENBLAS_CORETYPE="), generic.stderr)
        let suggestion = try DriverProcess.run("rom-bench", ["blas-core", "--suggest"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        let expected = flags.contains(" avx512bw") ? "SkylakeX\n" : "Haswell\n"
        XCTAssertEqual(String(decoding: suggestion.stdout, as: UTF8.self), expected)
        let tuned = try DriverProcess.run("rom-bench", ["blas-core"], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        XCTAssertFalse(tuned.stderr.contains("warning"), tuned.stderr)
    }
}
