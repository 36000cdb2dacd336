import ArgumentParser
import Foundation

/// What a run's options ask of the machine, checked in a driver's `validate()` before anything is
/// allocated: each count within its stated range, and the memory the counts imply (computed in
/// `Double`, so no product overflows) within the machine's physical memory. A refusal names the
/// option and says what the run would take: `--n 100000000: the mesh would hold 2.0e+16 unknowns,
/// about 40 PB of memory; this machine has 24 GB`.
public enum ResourceBudget {
    /// The memory a run may plan for: the machine's physical memory, in bytes.
    public static var availableBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Throws unless `value` lies in `range`; `meaning` says what the option counts.
    public static func check(_ option: String, _ value: Int, in range: ClosedRange<Int>, meaning: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) \(value): \(meaning) must lie in \(range.lowerBound)…\(range.upperBound)")
        }
    }

    /// Throws when `bytes` exceed the machine's memory; `what` says what needs them
    /// ("--n 5000: a 5000² mesh of 100,020,001 unknowns").
    public static func checkMemory(_ bytes: Double, for what: String) throws {
        guard bytes <= availableBytes else {
            throw ValidationError("\(what) would need about \(format(bytes: bytes)) of memory; this machine has \(format(bytes: availableBytes))")
        }
    }

    /// A byte count with its unit: "512 MB", "1.5 TB".
    public static func format(bytes: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        if value >= 1000 { return String(format: "%.1e B", bytes) }
        return String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }
}
