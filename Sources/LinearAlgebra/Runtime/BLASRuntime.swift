import CBLAS
import Foundation

/// What OpenBLAS runs on this machine, and the warning when it runs a generic kernel.
///
/// Debian 12's OpenBLAS 0.3.21 picks its kernel from the CPU model when the library loads and
/// falls back to a generic one (`Prescott`) on CPUs newer than it knows, which halves the speed of
/// dense and supernodal sparse work. The kernel cannot be changed after load: the fix is
/// `OPENBLAS_CORETYPE=SkylakeX` (AVX-512) or `Haswell` (AVX2) in the environment, which the
/// Makefile sets. Every executable calls `startExecutable()` (which warns) at start.
public enum BLASRuntime {
    /// The kernel OpenBLAS runs (`openblas_get_corename()`), e.g. "Haswell", "SkylakeX", "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS on `threads` threads, then restores the count. For stages whose
    /// dense work is tall and skinny (a few columns against 10⁴–10⁵ rows: the reduced basis
    /// greedy) or that run BLAS on several threads of their own, where OpenBLAS's threads wait more
    /// than they work. The count is process-wide: do not call it while other threads use BLAS.
    public static func withThreadCount<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(Int32(max(1, threads)))
        defer { openblas_set_num_threads(previous) }
        return try body()
    }

    /// The x86 feature flags of the first CPU, from /proc/cpuinfo (empty elsewhere).
    public static var cpuFlags: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// OpenBLAS kernels that use neither AVX2 nor AVX-512.
    static let genericCores: Set<String> = ["prescott", "core2", "katmai", "coppermine", "northwood", "penryn",
                                            "dunnington", "atom", "nano", "banias", "yonah", "generic"]

    /// Whether `core` is a generic kernel.
    public static func isGeneric(core: String) -> Bool { genericCores.contains(core.lowercased()) }

    /// The kernel to force on a CPU with these flags, or nil when `core` is already a tuned one.
    public static func suggestedCoreType(core: String, cpuFlags flags: Set<String>) -> String? {
        guard isGeneric(core: core) else { return nil }
        if flags.contains("avx512f") && flags.contains("avx512bw") { return "SkylakeX" }
        if flags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// The warning text for this process, or nil when OpenBLAS runs a tuned kernel.
    public static var genericCoreWarning: String? {
        let core = coreName
        guard let suggestion = suggestedCoreType(core: core, cpuFlags: cpuFlags) else { return nil }
        return "warning: OpenBLAS runs its generic '\(core)' kernel on a CPU with "
            + "\(suggestion == "SkylakeX" ? "AVX-512" : "AVX2"); dense and sparse factorizations run up to 2x slower. "
            + "Set OPENBLAS_CORETYPE=\(suggestion) in the environment before starting (the Makefile does this)."
    }

    private static let warnOnce: Void = {
        if let warning = genericCoreWarning {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
    }()

    /// Writes `genericCoreWarning` to stderr, once per process.
    public static func warnOnceIfGenericCore() { _ = warnOnce }

    /// What every executable calls first, before any BLAS call and before it starts threads of its
    /// own: `warnOnceIfGenericCore()`, and OpenBLAS's server threads stopped.
    ///
    /// OpenBLAS creates its threads when the library loads, and each one then waits for work by
    /// spinning on `sched_yield` for 2²⁸ clock ticks (about 0.1 s here) before it sleeps. The first
    /// tenth of a second of every process is where a driver builds its mesh and assembles: on two
    /// cores the spinning thread took one of them from ROMKit's own parallel loops (a cold
    /// `poisson --n 512` assembly: median 0.081 s with it, 0.055 s with `OPENBLAS_NUM_THREADS=1`).
    /// `blas_thread_shutdown_` joins those threads at once; OpenBLAS creates them again at its next
    /// threaded call, so dense work keeps its threads.
    public static func startExecutable() {
        warnOnceIfGenericCore()
        _ = stopStartupThreads
    }

    private static let stopStartupThreads: Void = { _ = blas_thread_shutdown_() }()
}
