import Foundation

/// The container of ROMKit's model files: an `.npz` of NumPy arrays plus a `model.json` entry
/// (snake_case keys, sorted, indented) describing the model. Online reduced models and empirical
/// interpolants are written and read through it; each checks its own header's format and version.
public enum ModelArchive {
    /// The name of the description entry.
    public static let headerEntry = "model.json"

    /// Writes `arrays` and `header` (as `model.json`) to `url` atomically, creating the folder.
    public static func write<Header: Encodable>(arrays: [String: NPYArray], header: Header, to url: URL,
                                                compressed: Bool = false) throws {
        let archive = NPZArchive(arrays: arrays, otherEntries: [headerEntry: try encodedHeader(header)])
        try AtomicFile.createParentFolder(of: url)
        try NPZ.write(archive, to: url, compressed: compressed)
    }

    /// The bytes of a `model.json` entry: snake_case keys, sorted, indented (what `write` stores,
    /// and what a file nesting several models stores for each).
    public static func encodedHeader<Header: Encodable>(_ header: Header) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(header)
    }

    /// The decoded `model.json` of `archive`, or nil when the entry is missing. Throws the
    /// decoder's error when the entry is not a `Header`.
    public static func header<Header: Decodable>(_ type: Header.Type, in archive: NPZArchive) throws -> Header? {
        guard let json = archive.otherEntries[headerEntry] else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: json)
    }
}
