import Foundation
import LinearAlgebra

/// The driver's results in the order computed, written as one JSON object or as a summary.
struct JSONReport {
    private var entries: [(String, JSONValue)] = []

    mutating func add(_ key: String, _ value: Double) { entries.append((key, .number(value))) }
    mutating func add(_ key: String, _ value: Int) { entries.append((key, .int(value))) }
    mutating func add(_ key: String, _ value: String) { entries.append((key, .string(value))) }
    mutating func add(_ key: String, _ values: [Double]) { entries.append((key, .numbers(values))) }
    mutating func add(_ key: String, _ values: [Int]) { entries.append((key, .array(values.map(JSONValue.int)))) }

    var json: String { JSONValue.object(entries).serialized() + "\n" }

    /// Writes the JSON to `path` ("-": stdout, else atomically), or prints a summary without a path.
    func emit(json path: String?) throws {
        guard let path else {
            for (key, value) in entries {
                let text = value.serialized(pretty: false)
                if text.count < 80 { print("\(key): \(text)") }
            }
            return
        }
        try OutputDestination.write(json, to: path)
    }
}
