import Foundation

/// The file through which a fuzz target hands its input to a reader that takes a URL: one per
/// process and name, in the temporary folder, overwritten by each input; the folder is removed
/// when the process exits.
enum ScratchFile {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("romkit-fuzz-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchFile.folder) }
        return url
    }()

    /// Writes `bytes` to the scratch file `name` and returns its URL.
    static func write(_ bytes: [UInt8], name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
