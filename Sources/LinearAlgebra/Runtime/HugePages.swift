#if canImport(Glibc)
import Glibc
#endif

/// Asks Linux to back the 2 MB-aligned interior of a large, not yet touched buffer with
/// transparent huge pages (`madvise(MADV_HUGEPAGE)`; this machine's THP are in `madvise` mode, the
/// common default). Two effects: the first touch of the buffer costs one page fault per 2 MB
/// instead of one per 4 KB (a cold finite-element assembly touches tens of megabytes once), and
/// scattered reads miss the TLB less (the EIM greedy's residual tiles). Buffers under 4 MB and
/// other systems are left alone.
public func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let huge = 1 << 21
    guard buffer.count >= 2 * huge, let start = buffer.baseAddress else { return }
    let base = UInt(bitPattern: start), end = base + UInt(buffer.count)
    let lower = (base + UInt(huge - 1)) & ~UInt(huge - 1), upper = end & ~UInt(huge - 1)
    guard upper > lower else { return }
    _ = madvise(UnsafeMutableRawPointer(bitPattern: lower), Int(upper - lower), 14)  // MADV_HUGEPAGE
    #endif
}

extension Array where Element: BitwiseCopyable {
    /// `count` copies of `value`, the storage advised for huge pages before it is first written
    /// (`adviseHugePages`): for the large arrays of an assembly, filled once.
    @inlinable
    public init(hugePagesRepeating value: Element, count: Int) {
        self.init(hugePagesUninitializedCount: count) { buffer in buffer.initialize(repeating: value) }
    }

    /// `count` elements written by `fill` (which must write all of them), the storage advised for
    /// huge pages first.
    @inlinable
    public init(hugePagesUninitializedCount count: Int, fill: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows {
        try self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            try fill(buffer)
            initialized = count
        }
    }
}
