import Foundation
import LinearAlgebra

/// The figures of one benchmark suite, in the order they were measured: printed as a table or
/// written as one JSON object (`--json PATH`, `-` for stdout).
struct BenchmarkReport {
    enum Value {
        case number(Double)
        case text(String)
    }

    private(set) var entries: [(key: String, value: Value, label: String)] = []

    mutating func add(_ key: String, _ value: Double, _ label: String) { entries.append((key, .number(value), label)) }
    mutating func add(_ key: String, _ value: String, _ label: String) { entries.append((key, .text(value), label)) }

    var json: String {
        JSONValue.object(entries.map { entry in
            switch entry.value {
            case .number(let x): return (entry.key, .number(x))
            case .text(let t): return (entry.key, .string(t))
            }
        }).serialized() + "\n"
    }

    var table: String {
        let width = entries.map(\.label.count).max() ?? 0
        return entries.map { entry in
            let value: String
            switch entry.value {
            case .number(let x): value = String(format: "%.4g", x)
            case .text(let s): value = s
            }
            return entry.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
        }.joined(separator: "\n") + "\n"
    }

    /// Prints the table, or writes the JSON to `path` (stdout for "-", else a file written atomically).
    func emit(json path: String?) throws {
        guard let path else { print(table, terminator: ""); return }
        try OutputDestination.write(json, to: path)
    }
}

/// Seconds taken by `body` (monotonic clock).
func seconds(_ body: () throws -> Void) rethrows -> Double {
    try Stopwatch.measure(body).seconds
}

/// The best (smallest) time of `repeats` runs: the figure least disturbed by a shared machine.
func bestSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats { best = min(best, try seconds(body)) }
    return best
}

/// Progress lines on stderr.
func progress(_ message: String) {
    FileHandle.standardError.write(Data(("[rom-bench] " + message + "\n").utf8))
}
