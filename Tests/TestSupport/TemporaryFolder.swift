import Foundation

/// A fresh folder under the system's temporary directory for one test, named after the test:
/// the one place the test targets make, fill and remove their scratch folders.
///
/// ```swift
/// let folder = try TemporaryFolder("thermal-block")
/// defer { folder.remove() }
/// try run(["--out", folder.url.path])
/// ```
public struct TemporaryFolder: Sendable {
    /// The folder.
    public let url: URL

    /// Creates `romkit-PREFIX-UUID` (the prefix keeps letters and digits only).
    public init(_ prefix: String = #function) throws {
        let clean = prefix.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        url = FileManager.default.temporaryDirectory.appendingPathComponent("romkit-\(clean)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The URL of `name` inside the folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` and returns its URL.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        let target = file(name)
        try Data(text.utf8).write(to: target)
        return target
    }

    /// The names in the folder, sorted.
    public func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    /// Deletes the folder and everything in it.
    public func remove() { try? FileManager.default.removeItem(at: url) }
}
