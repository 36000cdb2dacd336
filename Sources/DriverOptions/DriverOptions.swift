import Foundation
import ArgumentParser

/// `--json PATH`: the figures of a run as one JSON object, to PATH or `-` for stdout. Shared by
/// every driver and benchmark (`@OptionGroup var output: JSONOutputOption`), so the option reads
/// and behaves the same everywhere.
public struct JSONOutputOption: ParsableArguments {
    /// The destination, or nil for no JSON.
    @Option(help: "Write the figures as one JSON object to PATH ('-' for stdout).")
    public var json: String?

    /// No JSON unless asked.
    public init() {}

    /// Refuses a JSON path that cannot be written, before the run starts (`OutputPreflight`).
    public func validate() throws {
        if let json, json != "-" { try OutputPreflight.checkFile(json, option: "--json") }
    }
}

/// `--quiet`: no progress lines on stderr. Shared by the drivers with long stages.
public struct QuietOption: ParsableArguments {
    /// Whether progress is silenced.
    @Flag(help: "No progress on stderr.")
    public var quiet = false

    /// Progress shown unless asked.
    public init() {}

    /// Writes the progress line "`source`: `message`" on stderr, unless quiet.
    public func say(_ message: String, from source: String) {
        if !quiet { FileHandle.standardError.write(Data("\(source): \(message)\n".utf8)) }
    }
}
