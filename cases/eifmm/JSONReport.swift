import Foundation

/// The driver's results in the order computed, written as one JSON object or as a summary.
struct JSONReport {
    private var entries: [(String, String)] = []

    mutating func add(_ key: String, _ value: Double) { entries.append((key, value.isFinite ? "\(value)" : "null")) }
    mutating func add(_ key: String, _ value: Int) { entries.append((key, "\(value)")) }
    mutating func add(_ key: String, _ value: String) {
        entries.append((key, "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""))
    }
    mutating func add(_ key: String, _ values: [Double]) { entries.append((key, "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ", ") + "]")) }
    mutating func add(_ key: String, _ values: [Int]) { entries.append((key, "[" + values.map(String.init).joined(separator: ", ") + "]")) }

    var json: String { "{\n" + entries.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n" }

    /// Writes the JSON to `path` ("-": stdout) through a temporary file, or prints a summary.
    func emit(json path: String?) throws {
        guard let path else {
            for (key, value) in entries where !value.hasPrefix("[") || value.count < 80 { print("\(key): \(value)") }
            return
        }
        if path == "-" { print(json, terminator: ""); return }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(json.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
