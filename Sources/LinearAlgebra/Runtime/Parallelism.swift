import Foundation

/// How many threads ROMKit's own loops (sparse mat-vec) use, and the loop that splits work over them.
///
/// One thread of this machine cannot keep a sparse mat-vec at memory speed (each row waits on its
/// gathers); two can. The count is `ROMKIT_NUM_THREADS` from the environment, else the number of
/// active processors; set it to 1 under MPI with one rank per core.
public enum Parallelism {
    /// Threads for parallel loops (at least 1).
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["ROMKIT_NUM_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body` on `chunks` contiguous parts of `0..<count` concurrently (serially when one chunk).
    /// `body` must only write to disjoint places per part.
    @inlinable
    public static func forEachChunk(of count: Int, chunks: Int = threadCount, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(chunks, count))
        if parts == 1 { body(0..<count); return }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                box.value((count * part / parts)..<(count * (part + 1) / parts))
            }
        }
    }
}

/// Carries a value the caller knows to be safe across threads — typically buffers into which the
/// parts of a concurrent loop write disjoint entries — into a `@Sendable` closure.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    /// The carried value.
    public let value: Value
    /// Wraps `value`.
    @inlinable public init(_ value: Value) { self.value = value }
}
