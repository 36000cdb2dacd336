import ArgumentParser
import Foundation

/// Checks, before a run starts, that every output it will write can be written: each file's
/// folder exists or can be created (the nearest existing ancestor is a writable folder), no output
/// is an existing folder, and no two outputs are the same file. A run that would fail on its last
/// output (the `--json` file, say) thus fails before its first one, with a message naming the option.
public enum OutputPreflight {
    /// Throws unless a file can be written at `path` (given by `option`).
    public static func checkFile(_ path: String, option: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("\(option) \(path): is a folder, not a file")
        }
        try checkFolder(url.deletingLastPathComponent(), for: "\(option) \(path)")
    }

    /// Throws unless the folder `path` (given by `option`) exists or can be created.
    public static func checkFolder(_ path: String, option: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("\(option) \(path): is a file, not a folder")
        }
        try checkFolder(url, for: "\(option) \(path)")
    }

    /// Throws when two of `outputs` (option, path) name the same file.
    public static func checkDistinct(_ outputs: [(option: String, path: String)]) throws {
        var seen: [String: String] = [:]
        for (option, path) in outputs where path != "-" {
            let key = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            if let other = seen[key] {
                throw ValidationError("\(option) \(path) is the same file as \(other): each output needs its own path")
            }
            seen[key] = "\(option) \(path)"
        }
    }

    /// The nearest existing ancestor of `folder` (or itself) must be a folder this process can write in.
    private static func checkFolder(_ folder: URL, for place: String) throws {
        var candidate = folder
        while !FileManager.default.fileExists(atPath: candidate.path) && candidate.path != "/" {
            candidate = candidate.deletingLastPathComponent()
        }
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder)
        guard isFolder.boolValue else {
            throw ValidationError("\(place): cannot create a folder under \(candidate.path), which is a file")
        }
        guard access(candidate.path, W_OK | X_OK) == 0 else {
            throw ValidationError("\(place): the folder \(candidate.path) is not writable (\(String(cString: strerror(errno))))")
        }
    }
}
