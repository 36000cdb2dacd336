import Foundation

/// Who made a saved model file, from what, when: recorded in the `model.json` entry of every
/// `.npz` model ROMKit writes (online reduced models, empirical interpolants).
public struct FileProvenance: Codable, Sendable, Equatable {
    /// Tool or driver that built the file.
    public var creator: String
    /// Its command line or settings.
    public var command: String
    /// ISO 8601 creation time.
    public var created: String
    /// Free-form facts (truth dimension, training set, tolerance, machine…).
    public var details: [String: String]

    /// Provenance stamped now.
    public init(creator: String, command: String, details: [String: String] = [:]) {
        self.creator = creator
        self.command = command
        created = ISO8601DateFormatter().string(from: Date())
        self.details = details
    }
}
