import CMPI
import Foundation

/// A group of MPI processes (ranks) that communicate: `MPI_COMM_WORLD` or a split of it.
///
/// Every distributed type of DomainDecomp takes its communicator explicitly, so a stage runs on a
/// sub-communicator as well as on the world. A process started without `mpirun` is a singleton:
/// `world` has size 1 and every collective returns its input, so the same code runs serially and
/// under `swift test`. Errors of MPI calls come back as codes (`MPI_ERRORS_RETURN`) and are thrown
/// as `CommunicatorError` naming the call and the rank; `run(_:)` turns an error thrown on any rank
/// into a message naming that rank and `MPI_Abort` of every rank, never a hang.
public final class Communicator: @unchecked Sendable {
    let handle: MPI_Comm
    /// This process's rank, 0..<size.
    public let rank: Int
    /// The number of ranks.
    public let size: Int

    init(handle: MPI_Comm) {
        self.handle = handle
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(handle, &r)
        MPI_Comm_size(handle, &s)
        rank = Int(r)
        size = Int(s)
    }

    /// Whether this is rank 0 (the rank that writes files and JSON).
    public var isRoot: Bool { rank == 0 }

    /// `MPI_COMM_WORLD`, initializing MPI on first use (a singleton of size 1 without `mpirun`).
    public static var world: Communicator { MPIRuntime.shared.world }

    /// `MPI_COMM_SELF`: this process alone (a serial reference computed on one rank).
    public static var single: Communicator { MPIRuntime.shared.single }

    /// Runs `body` on the world communicator, finalizes MPI and exits 0; an error thrown by `body`
    /// on any rank is written to stderr as "rank R: error" and ends every rank with `MPI_Abort`
    /// (exit code 1), so a failure on one rank never leaves the others waiting in a collective.
    public static func run(_ body: (Communicator) throws -> Void) -> Never {
        let world = Communicator.world
        do {
            try body(world)
        } catch {
            world.abort(message: "\(error)")
        }
        MPIRuntime.finalize()
        exit(0)
    }

    /// Writes "rank R: message" to stderr and aborts every rank of the communicator's job.
    public func abort(message: String, code: Int32 = 1) -> Never {
        let text = message.hasPrefix("rank ") ? message : "rank \(rank): \(message)"
        FileHandle.standardError.write(Data(("error: " + text + "\n").utf8))
        MPI_Abort(handle, code)
        exit(code)
    }

    /// Throws `CommunicatorError.mpi` for a failed call.
    func check(_ code: Int32, _ call: String) throws {
        if code != MPI_SUCCESS { throw CommunicatorError.mpi(call: call, code: code, rank: rank) }
    }

    /// Checks that `rank` names a rank of this communicator.
    func checkRank(_ other: Int, _ call: String) throws {
        guard (0..<size).contains(other) else { throw CommunicatorError.rankOutOfRange(call: call, rank: other, size: size) }
    }

    /// An MPI count for `n` values (MPI counts are 32-bit).
    func count(_ n: Int, _ call: String) throws -> Int32 {
        guard n <= Int(Int32.max) else {
            throw CommunicatorError.lengthMismatch(call: call + " (MPI counts are 32-bit)", expected: Int(Int32.max), found: n, rank: rank)
        }
        return Int32(n)
    }

    /// Waits until every rank has called it.
    public func barrier() throws { try check(MPI_Barrier(handle), "MPI_Barrier") }

    /// Splits the ranks into sub-communicators, one per `color`, ordered by `key` then by rank
    /// (`MPI_Comm_split`); every rank of this communicator must call it.
    public func split(color: Int, key: Int? = nil) throws -> Communicator {
        var newHandle: MPI_Comm? = nil
        try check(MPI_Comm_split(handle, Int32(color), Int32(key ?? rank), &newHandle), "MPI_Comm_split")
        guard let made = newHandle else { throw CommunicatorError.mpi(call: "MPI_Comm_split", code: -1, rank: rank) }
        cmpi_errors_return(made)
        return Communicator(handle: made)
    }
}

/// MPI's initialization, done once per process.
final class MPIRuntime: @unchecked Sendable {
    static let shared = MPIRuntime()
    let world: Communicator
    let single: Communicator

    private init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 { MPI_Init(nil, nil) }
        cmpi_errors_return(cmpi_comm_world())
        cmpi_errors_return(cmpi_comm_self())
        world = Communicator(handle: cmpi_comm_world())
        single = Communicator(handle: cmpi_comm_self())
    }

    /// `MPI_Finalize` when MPI was initialized and is not finalized yet (never inside a test
    /// process, which keeps its singleton MPI until exit).
    static func finalize() {
        var initialized: Int32 = 0, finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        if initialized != 0 && finalized == 0 { MPI_Finalize() }
    }
}
