import Foundation
import LinearAlgebra
import TestSupport
import XCTest

/// DomainDecomp under `mpirun` with 1, 2 and 4 ranks (each job with a timeout): the collectives
/// against closed-form values, an error on rank 1 ending every rank, and `distributed-pod`: the
/// distributed POD equal to the serial POD, TSQR equal to the method of snapshots, and the basis
/// file of 4 ranks equal to the file of 1.
final class DistributedPODDriverTests: XCTestCase {
    func testCollectivesOnOneTwoAndFourRanks() throws {
        for ranks in [1, 2, 4] {
            let run = try MPIProcess.run("mpi-check", ranks: ranks, ["collectives"])
            XCTAssertEqual(run.result.status, 0, run.result.stderr)
            let json = try run.result.json()
            XCTAssertEqual(json["ranks"] as? Int, ranks)
            XCTAssertEqual(json["checks"] as? Int, 13, "every check passed on rank 0")
            XCTAssertEqual(json["split_size"] as? Int, (ranks + 1) / 2)
        }
    }

    func testAnErrorOnRankOneEndsEveryRankWithinSeconds() throws {
        let run = try MPIProcess.run("mpi-check", ranks: 2, ["fail", "--rank", "1"], timeout: 30)
        XCTAssertNotEqual(run.result.status, 0)
        XCTAssertTrue(run.result.stderr.contains("rank 1: a failure raised on purpose"), run.result.stderr)
        // Rank 0 would sleep 60 s after its barrier: it was ended by the abort instead.
        XCTAssertLessThan(run.seconds, 20)
    }

    func testDistributedPODEqualsSerialAndItsFileDoesNotDependOnTheRankCount() throws {
        let temporary = try TemporaryFolder("distributed-pod")
        defer { temporary.remove() }
        var files = [Int: Matrix]()
        var singular = [Int: [Double]]()
        var iterations = [Int: Int]()
        var hapodModes = [Int: Int](), greedySizes = [Int: Int]()
        for ranks in [1, 2, 4] {
            let folder = temporary.url.appendingPathComponent("\(ranks)")
            let run = try MPIProcess.run("distributed-pod", ranks: ranks, ["--n", "24", "--parts", "8", "--snapshots", "12", "--modes", "6",
                                                                          "--quiet", "--out", folder.path, "--json", "-"])
            XCTAssertEqual(run.result.status, 0, run.result.stderr)
            let json = try run.result.json()
            func number(_ key: String) throws -> Double { try XCTUnwrap(json[key] as? Double, "missing \(key)") }
            XCTAssertEqual(json["ranks"] as? Int, ranks)
            XCTAssertEqual(json["dofs"] as? Int, 1201)                 // 25² vertices + 24² centres
            XCTAssertLessThan(try number("max_diff_vs_serial"), 1e-10, "\(ranks) ranks")
            XCTAssertLessThan(try number("tsqr_diff"), 1e-10, "\(ranks) ranks")
            XCTAssertLessThan(try number("orthogonality"), 1e-12)
            XCTAssertLessThan(try number("tsqr_orthogonality"), 1e-12)
            // The Schwarz PCG: the direct solution, the same iterations however many ranks share the parts.
            XCTAssertLessThan(try number("schwarz_diff_vs_direct"), 1e-10)
            iterations[ranks] = json["cg_iterations"] as? Int
            // The incremental HAPOD (batches of 4, ε = 1e-4): within its a priori bound, equal to the serial HAPOD.
            XCTAssertLessThanOrEqual(try number("hapod_projection_error"), try number("hapod_error_bound"))
            XCTAssertLessThanOrEqual(try number("hapod_error_bound"), 1e-4)
            XCTAssertGreaterThan(try number("hapod_projection_error"), 1e-7, "the truncation must discard something")
            XCTAssertLessThan(try number("hapod_diff_vs_serial"), 1e-9, "\(ranks) ranks")
            hapodModes[ranks] = json["hapod_modes"] as? Int
            // The RB greedy with its estimates split over the ranks selects what the serial one does.
            XCTAssertEqual(json["greedy_same_selection"] as? Bool, true, "\(ranks) ranks")
            XCTAssertLessThan(try number("greedy_estimate_diff"), 1e-8)
            XCTAssertLessThanOrEqual(try number("greedy_max_estimate"), 1e-6)
            greedySizes[ranks] = json["greedy_basis_size"] as? Int
            // Parts do not depend on the ranks.
            XCTAssertEqual(json["edge_cut"] as? Int, 130)
            XCTAssertLessThanOrEqual(try number("imbalance"), 1.03)
            files[ranks] = try NPY.read(folder.appendingPathComponent("modes.npy")).matrix()
            singular[ranks] = try NPY.read(folder.appendingPathComponent("singular-values.npy")).doubles()
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("parts.pvtu").path))
        }
        XCTAssertEqual(iterations[2], iterations[1])
        XCTAssertEqual(iterations[4], iterations[1])
        XCTAssertEqual(hapodModes[4], hapodModes[1])
        XCTAssertEqual(hapodModes[2], hapodModes[1])
        XCTAssertEqual(greedySizes[4], greedySizes[1])
        XCTAssertGreaterThan(try XCTUnwrap(greedySizes[1]), 3)
        let one = try XCTUnwrap(files[1]), four = try XCTUnwrap(files[4])
        XCTAssertEqual(four.rows, 1201)
        XCTAssertEqual(four.columns, 6)
        XCTAssertLessThan((four - one).maxAbs / one.maxAbs, 1e-10)
        XCTAssertLessThan((try XCTUnwrap(files[2]) - one).maxAbs / one.maxAbs, 1e-10)
        let s1 = try XCTUnwrap(singular[1]), s4 = try XCTUnwrap(singular[4])
        XCTAssertEqual(s1.count, s4.count)
        for (a, b) in zip(s1.prefix(6), s4.prefix(6)) { XCTAssertEqual(a, b, accuracy: 1e-10 * s1[0]) }
        XCTAssertEqual(s1[0], 9.019562474004895, accuracy: 1e-9 * s1[0])
    }

    /// `--coarse-space geneo` on 1, 2 and 4 ranks (11³ cube, 8 parts, 4 vectors per subdomain: τ = 10⁹
    /// keeps them all): each rank solves its subdomains' eigenproblems, the coarse vectors are
    /// gathered and E assembled by an Allreduce; the solution is the direct one, and the counts and
    /// the coarse dimension do not depend on the rank count and are the stored ones.
    func testGenEOSchwarzSolveOnOneTwoAndFourRanks() throws {
        try checkSchwarzSolve(name: "geneo", ranks: [1, 2, 4], options: ["--schwarz-form", "additive", "--geneo-threshold", "1e9", "--geneo-max", "4"],
                              iterations: 25, oneLevel: 25, coarseDimension: 32)
    }

    /// `--coarse-space geneo` in the default form, balanced (and the defaults τ = 0.3, at most 40), on 1 and 2
    /// ranks, the same 11³ cube and 8 parts: the D^{1/2}-weighted solves are summed by the one
    /// Allreduce and the BNN coarse steps run on every rank's copy; the solution is the direct
    /// one, and the counts and the coarse dimension are the stored ones on both.
    func testBalancedGenEOSchwarzSolveOnOneAndTwoRanks() throws {
        try checkSchwarzSolve(name: "balanced", ranks: [1, 2], options: [],
                              iterations: 16, oneLevel: 16, coarseDimension: 9)
    }

    /// `distributed-pod` with the Schwarz PCG and a GenEO coarse space on the 11³ cube, 8 parts, on
    /// each rank count: the solution is the direct one, and the counts and the coarse dimension
    /// are the stored ones whatever the rank count.
    private func checkSchwarzSolve(name: String, ranks counts: [Int], options: [String], iterations: Int, oneLevel: Int,
                                   coarseDimension: Int) throws {
        let temporary = try TemporaryFolder("distributed-pod-\(name)")
        defer { temporary.remove() }
        for ranks in counts {
            let run = try MPIProcess.run("distributed-pod", ranks: ranks, ["--problem", "poisson3d", "--n", "10", "--parts", "8", "--snapshots", "2",
                                                                          "--modes", "1", "--greedy-train", "0", "--hapod-batch", "0",
                                                                          "--coarse-space", "geneo"] + options + [
                                                                          "--cg-tolerance", "1e-10", "--quiet",
                                                                          "--out", temporary.url.appendingPathComponent("\(ranks)").path, "--json", "-"],
                                         timeout: 60)
            XCTAssertEqual(run.result.status, 0, run.result.stderr)
            let json = try run.result.json()
            XCTAssertEqual(json["ranks"] as? Int, ranks)
            XCTAssertEqual(json["coarse_space"] as? String, "geneo")
            XCTAssertEqual(json["schwarz_form"] as? String, options.contains("additive") ? "additive" : "balanced")
            XCTAssertLessThan(try XCTUnwrap(json["schwarz_diff_vs_direct"] as? Double), 1e-10, "\(ranks) ranks")
            XCTAssertEqual(json["cg_iterations"] as? Int, iterations, "\(ranks) ranks")
            XCTAssertEqual(json["cg_iterations_one_level"] as? Int, oneLevel, "\(ranks) ranks")
            XCTAssertEqual(json["coarse_dimension"] as? Int, coarseDimension, "\(ranks) ranks")
        }
    }

    func testMassWeightedPODOfSchwarzSnapshotsOnFourRanksOf3DPoisson() throws {
        let temporary = try TemporaryFolder("distributed-pod-mass")
        defer { temporary.remove() }
        let run = try MPIProcess.run("distributed-pod", ranks: 4, ["--problem", "poisson3d", "--n", "6", "--parts", "8", "--snapshots", "10",
                                                                  "--modes", "5", "--inner-product", "mass", "--snapshot-solver", "schwarz", "--quiet",
                                                                  "--out", temporary.url.path, "--json", "-"])
        XCTAssertEqual(run.result.status, 0, run.result.stderr)
        let json = try run.result.json()
        XCTAssertEqual(json["dofs"] as? Int, 343)
        XCTAssertLessThan(try XCTUnwrap(json["max_diff_vs_serial"] as? Double), 1e-10)
        XCTAssertLessThan(try XCTUnwrap(json["orthogonality"] as? Double), 1e-12)
        XCTAssertNil(json["tsqr_diff"], "TSQR is Euclidean only")
        XCTAssertLessThan(try XCTUnwrap(json["schwarz_diff_vs_direct"] as? Double), 1e-10)
        XCTAssertEqual(json["snapshot_solver"] as? String, "schwarz")
    }
}
