import Foundation

/// A driver's results in the order computed, written as one JSON object (`--json PATH`, `-` for
/// stdout) or, without a path, as a `key: value` summary: the output contract of every driver.
public struct JSONReport: Sendable {
    private var entries: [(String, JSONValue)] = []

    /// An empty report.
    public init() {}

    /// Adds a number (null when not finite).
    public mutating func add(_ key: String, _ value: Double) { entries.append((key, .number(value))) }
    /// Adds an integer.
    public mutating func add(_ key: String, _ value: Int) { entries.append((key, .int(value))) }
    /// Adds a boolean.
    public mutating func add(_ key: String, _ value: Bool) { entries.append((key, .bool(value))) }
    /// Adds a string.
    public mutating func add(_ key: String, _ value: String) { entries.append((key, .string(value))) }
    /// Adds an array of numbers.
    public mutating func add(_ key: String, _ values: [Double]) { entries.append((key, .numbers(values))) }
    /// Adds an array of integers.
    public mutating func add(_ key: String, _ values: [Int]) { entries.append((key, .array(values.map(JSONValue.int)))) }

    /// The JSON object, keys in insertion order.
    public var json: String { JSONValue.object(entries).serialized() + "\n" }

    /// Writes the JSON to `path` ("-": stdout, else atomically), or prints a summary without a path.
    public func emit(json path: String?) throws {
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
