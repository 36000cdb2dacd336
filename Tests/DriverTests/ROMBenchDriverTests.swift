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
