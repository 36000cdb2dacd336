// mpi-check: the checks of DomainDecomp's Communicator that need several ranks, run under
// `mpirun` by Tests/DriverTests/MPIDriverTests.swift.
//
// Sample runs:
//   mpirun --allow-run-as-root --oversubscribe -np 4 mpi-check collectives   every collective against known values
//   mpirun --allow-run-as-root --oversubscribe -np 2 mpi-check fail --rank 1  rank 1 throws: every rank ends
import ArgumentParser
import ComplexModule
import DomainDecomp
import Foundation

@main
struct MPICheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks of DomainDecomp's MPI communicator (run under mpirun).",
        subcommands: [Collectives.self, Fail.self])
}

/// Every collective of `Communicator` against values known in closed form; rank 0 prints
/// `{"ranks": K, "checks": N, "split_size": S}`.
struct Collectives: ParsableCommand {
    func run() throws {
        Communicator.run { world in
            let k = world.size, r = world.rank
            var checks = 0
            func check(_ ok: Bool, _ what: String) throws {
                guard ok else { throw CommunicatorError.failed(rank: r, detail: "check failed: \(what)") }
                checks += 1
            }
            try check(try world.allreduce([Double(r + 1), 2]) == [Double(k * (k + 1) / 2), Double(2 * k)], "allreduce Double sum")
            try check(try world.allreduce(r, .max) == k - 1, "allreduce Int max")
            try check(try world.allreduce(Double(r), .min) == 0, "allreduce Double min")
            try check(try world.allreduce([Complex(Double(r), 1)]) == [Complex(Double(k * (k - 1) / 2), Double(k))], "allreduce Complex sum")
            let reduced = try world.reduce([r, 1], .sum, root: 0)
            if world.isRoot { try check(reduced == [k * (k - 1) / 2, k], "reduce Int sum on root") }
            try check(try world.broadcast(r == k - 1 ? [1.5, 2.5, 3.5] : [], root: k - 1) == [1.5, 2.5, 3.5], "broadcast from the last rank")
            let all = try world.allgather([Int](repeating: r, count: r + 1))
            try check(all.count == k && all.enumerated().allSatisfy { $1 == [Int](repeating: $0, count: $0 + 1) }, "allgather of unequal lengths")
            let gathered = try world.gather([Complex(0, Double(r))], root: 0)
            if world.isRoot { try check(gathered.enumerated().allSatisfy { $1 == [Complex(0, Double($0))] }, "gather Complex on root") }
            else { try check(gathered.isEmpty, "gather off root is empty") }
            let chunks = world.isRoot ? (0..<k).map { [Double($0), Double(10 * $0)] } : []
            try check(try world.scatter(chunks, root: 0) == [Double(r), Double(10 * r)], "scatter from root")
            // A ring: each rank sends to the next and receives from the previous one.
            let next = (r + 1) % k, previous = (r + k - 1) % k
            if r % 2 == 0 {
                try world.send([Double(r), 0.5], to: next, tag: 7)
                try world.send([r * 100], to: next, tag: 8)
            }
            try check(try world.receive(Double.self, from: previous, tag: 7) == [Double(previous), 0.5], "receive Double from the previous rank")
            try check(try world.receive(Int.self, from: previous, tag: 8) == [previous * 100], "receive Int from the previous rank")
            if r % 2 != 0 {
                try world.send([Double(r), 0.5], to: next, tag: 7)
                try world.send([r * 100], to: next, tag: 8)
            }
            let parity = try world.split(color: r % 2)
            let expected = (k + 1 - r % 2) / 2
            try check(parity.size == expected && parity.rank == r / 2, "split by parity")
            try check(try parity.allreduce(1) == expected, "allreduce on the split")
            try world.barrier()
            if world.isRoot { print("{\"ranks\": \(k), \"checks\": \(checks), \"split_size\": \(parity.size)}") }
        }
    }
}

/// Rank `rank` throws while every other rank waits in a barrier: `Communicator.run` must report
/// the rank and end the job (MPI_Abort), never hang.
struct Fail: ParsableCommand {
    @Option(help: "The rank that raises the error.") var rank = 1

    func run() throws {
        let failing = rank
        Communicator.run { world in
            if world.rank == failing { throw CommunicatorError.failed(rank: world.rank, detail: "a failure raised on purpose") }
            try world.barrier()
            Thread.sleep(forTimeInterval: 60)
        }
    }
}
