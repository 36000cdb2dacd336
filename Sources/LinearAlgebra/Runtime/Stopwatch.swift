import Dispatch

/// Wall-clock time since a start, from the monotonic clock: the one timing idiom of the drivers,
/// the benchmarks and the phase records of the offline stages.
///
/// ```swift
/// let clock = Stopwatch()
/// try work()
/// print(clock.seconds)
/// var solves = 0.0
/// let u = try clock.accumulate(into: &solves) { try problem.solve(mu) }
/// ```
public struct Stopwatch: Sendable {
    private let start: UInt64

    /// A stopwatch started now.
    public init() { start = DispatchTime.now().uptimeNanoseconds }

    /// Seconds since the start.
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds &- start) * 1e-9 }

    /// Runs `body` and returns its result with the seconds it took.
    public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
        let clock = Stopwatch()
        let result = try body()
        return (result, clock.seconds)
    }

    /// Runs `body`, adds the seconds it took to `total` (also when it throws), returns its result.
    public static func accumulate<T>(into total: inout Double, _ body: () throws -> T) rethrows -> T {
        let clock = Stopwatch()
        defer { total += clock.seconds }
        return try body()
    }
}
