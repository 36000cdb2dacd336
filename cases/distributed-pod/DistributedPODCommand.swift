// distributed-pod: METIS parts, parameter-parallel snapshots and the distributed POD under MPI,
// checked against the serial POD on rank 0; the basis file does not depend on the rank count.
//
// Sample runs:
//   mpirun --allow-run-as-root --oversubscribe -np 2 distributed-pod --n 40 --parts 8 --json -
//   mpirun -np 4 distributed-pod --problem poisson3d --n 12 --parts 16 --inner-product mass --out out/dp
//   mpirun -np 2 distributed-pod --problem poisson3d --n 16 --parts 16 --snapshot-solver schwarz
//   mpirun -np 2 distributed-pod --problem poisson3d --n 14 --parts 16 --coarse-space geneo --json -   GenEO coarse space
//   distributed-pod --snapshots 64 --json -        one rank (no mpirun): the same files
//   mpirun -np 2 distributed-pod --snapshots 64 --hapod-batch 8 --hapod-error 1e-5 --json -   the HAPOD in batches of 8
import ArgumentParser
import DomainDecomp
import DriverOptions
import Foundation
import LinearAlgebra

@main
struct DistributedPODCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distributed-pod",
        abstract: "Partition a mesh with METIS, take snapshots over MPI ranks, compute the distributed POD, compare with the serial one.")

    @Option(help: "thermal-block (2D, 2×2 blocks) or poisson3d (unit cube, 2×2×2 blocks).") var problem = "thermal-block"
    @Option(help: "Cells per side of the mesh.") var n = 32
    @Option(help: "METIS parts (independent of the rank count; at least the number of ranks).") var parts = 4
    @Option(help: "Training parameters (random, seeded), solved parameter-parallel.") var snapshots = 16
    @Option(help: "POD modes kept.") var modes = 8
    @Option(help: "Inner product of the POD: euclidean or mass (the P1 mass matrix, distributed).") var innerProduct = "euclidean"
    @Option(help: "Snapshot solver: parameter-parallel (each rank solves its own μ directly) or schwarz (all ranks solve each μ by PCG with two-level Schwarz, --schwarz-form).")
    var snapshotSolver = "parameter-parallel"
    @Option(help: "Layers of cells each Schwarz subdomain grows beyond its part.") var overlap = 1
    @Option(help: "Coarse space of the Schwarz PCG: none, nicolaides (one vector per subdomain) or geneo (eigenvectors of the subdomains' Neumann matrices).")
    var coarseSpace = "nicolaides"
    @Option(help: "Schwarz form: balanced (D^{1/2}-weighted subdomain solves, BNN combination with the coarse level) or additive (Σ R_pᵀ A_p⁻¹ R_p + coarse).")
    var schwarzForm = "balanced"
    @Option(help: "GenEO: the threshold τ below which an eigenvalue gives a coarse vector.") var geneoThreshold = GenEO.defaultThreshold
    @Option(help: "GenEO: the most coarse vectors per subdomain.") var geneoMax = GenEO.defaultMaxPerSubdomain
    @Option(help: "Relative residual at which the Schwarz PCG stops.") var cgTolerance = 1e-12
    @Option(help: "Snapshots per batch of the incremental HAPOD (0: no HAPOD).") var hapodBatch = 4
    @Option(help: "HAPOD: the bound on the root-mean-square projection error of the snapshots (absolute, in the POD's inner product).")
    var hapodError = 1e-4
    @Option(help: "HAPOD: ω in (0, 1), the share of the error left to the final POD.") var hapodOmega = 0.9
    @Option(help: "Training parameters of the RB greedy whose estimates are split over the ranks (0: no greedy).") var greedyTrain = 48
    @Option(help: "The greedy's tolerance on the error bound Δ_N(μ).") var greedyTolerance = 1e-6
    @Option(help: "Folder for the basis (.npy) and the parts (.pvtu).") var out = "out/distributed-pod"
    @OptionGroup var output: JSONOutputOption
    @OptionGroup var quiet: QuietOption

    func validate() throws {
        guard ["thermal-block", "poisson3d"].contains(problem) else { throw ValidationError("--problem must be thermal-block or poisson3d, got '\(problem)'") }
        guard ["euclidean", "mass"].contains(innerProduct) else { throw ValidationError("--inner-product must be euclidean or mass, got '\(innerProduct)'") }
        guard ["parameter-parallel", "schwarz"].contains(snapshotSolver) else {
            throw ValidationError("--snapshot-solver must be parameter-parallel or schwarz, got '\(snapshotSolver)'")
        }
        guard ["none", "nicolaides", "geneo"].contains(coarseSpace) else {
            throw ValidationError("--coarse-space must be none, nicolaides or geneo, got '\(coarseSpace)'")
        }
        guard SchwarzForm(rawValue: schwarzForm) != nil else {
            throw ValidationError("--schwarz-form must be additive or balanced, got '\(schwarzForm)'")
        }
        guard geneoThreshold > 0 && geneoThreshold.isFinite else { throw ValidationError("--geneo-threshold must be positive, got \(geneoThreshold)") }
        guard geneoMax >= 1 else { throw ValidationError("--geneo-max must be at least 1, got \(geneoMax)") }
        guard overlap >= 0 else { throw ValidationError("--overlap must be at least 0, got \(overlap)") }
        guard cgTolerance > 0 && cgTolerance < 1 else { throw ValidationError("--cg-tolerance must lie in (0, 1), got \(cgTolerance)") }
        guard n >= 2 else { throw ValidationError("--n must be at least 2, got \(n)") }
        guard parts >= 1 else { throw ValidationError("--parts must be at least 1, got \(parts)") }
        guard snapshots >= 1 else { throw ValidationError("--snapshots must be at least 1, got \(snapshots)") }
        guard modes >= 1 else { throw ValidationError("--modes must be at least 1, got \(modes)") }
        guard greedyTrain >= 0 else { throw ValidationError("--greedy-train must be at least 0, got \(greedyTrain)") }
        guard greedyTolerance > 0 && greedyTolerance.isFinite else { throw ValidationError("--greedy-tolerance must be positive, got \(greedyTolerance)") }
        guard hapodBatch >= 0 else { throw ValidationError("--hapod-batch must be at least 0, got \(hapodBatch)") }
        guard hapodError >= 0 && hapodError.isFinite else { throw ValidationError("--hapod-error must be finite and ≥ 0, got \(hapodError)") }
        guard hapodOmega > 0 && hapodOmega < 1 else { throw ValidationError("--hapod-omega must lie in (0, 1), got \(hapodOmega)") }
    }

    /// The coarse space `--coarse-space` names.
    var coarse: CoarseSpace {
        switch coarseSpace {
        case "none": return .none
        case "geneo": return .geneo(threshold: geneoThreshold, maxPerSubdomain: geneoMax)
        default: return .nicolaides
        }
    }

    /// The form `--schwarz-form` names.
    var form: SchwarzForm { SchwarzForm(rawValue: schwarzForm) ?? .balanced }

    func run() throws {
        let options = self
        Communicator.run { world in
            BLASRuntime.startExecutable()
            let summary = try DistributedPODRun(options: options, world: world).summary()
            if world.isRoot { try summary.report.emit(json: options.output.json) }
        }
    }
}
