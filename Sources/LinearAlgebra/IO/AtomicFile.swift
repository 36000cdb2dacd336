import Foundation

/// Whole-file reads and crash-safe writes shared by the Matrix Market, NPY and NPZ readers and writers.
///
/// `write(_:to:)` writes to a uniquely named temporary file in the target's folder
/// (`.name.tmp-<uuid>`), flushes it to disk with `fsync`, then renames it over the target with
/// `rename(2)`, which replaces the target in one step: a reader, or a crash at any moment, sees
/// either the old file or the complete new one, never a half-written file. The temporary file is
/// removed when any step fails.
public enum AtomicFile {
    /// Replaces the file at `url` by `bytes` atomically (see the type's documentation).
    ///
    /// The new file gets the default permissions (0666 less the umask), not those of the file it replaces.
    /// - Throws: `FileFormatError.unwritable` naming the file and the system's reason.
    public static func write(_ bytes: some ContiguousBytes, to url: URL) throws {
        let name = url.lastPathComponent
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(name).tmp-\(UUID().uuidString)")
        func failure(_ step: String) -> FileFormatError {
            .unwritable(file: url.path, detail: "\(step): \(String(cString: strerror(errno)))")
        }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(folder.path)") }
        var descriptor: Int32? = fd
        var renamed = false
        defer {
            if let open = descriptor { close(open) }
            if !renamed { unlink(temporary.path) }
        }
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var written = 0
            while written < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write failed")
                }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw failure("fsync failed") }
        descriptor = nil
        guard close(fd) == 0 else { throw failure("close failed") }
        guard rename(temporary.path, url.path) == 0 else { throw failure("rename over the target failed") }
        renamed = true
        // Make the rename itself durable; a failure here leaves a correct file, so it is not reported.
        let folderDescriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Creates the folder that will hold `url` (and its missing parents); does nothing when it exists.
    /// - Throws: `FileFormatError.unwritable` when the folder cannot be created.
    public static func createParentFolder(of url: URL) throws {
        try createFolder(url.deletingLastPathComponent(), for: url.path)
    }

    /// Creates `folder` (and its missing parents) when it does not exist, and removes the stale
    /// temporary files a killed run of ours left in it (`removeStaleTemporaries`).
    /// - Throws: `FileFormatError.unwritable` naming the folder and the system's reason.
    public static func createFolder(_ folder: URL, for file: String? = nil) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
            throw FileFormatError.unwritable(file: file ?? folder.path, detail: "cannot create folder \(folder.path): \(reason)")
        }
        removeStaleTemporaries(in: folder)
    }

    /// Removes from `folder` the temporary files of `write(_:to:)` (`.name.tmp-<uuid>`) older than
    /// `age` seconds: what a run killed between its write and its rename leaves. Younger ones may
    /// belong to a run still writing and are kept.
    public static func removeStaleTemporaries(in folder: URL, olderThan age: TimeInterval = 3600) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        let cutoff = Date().addingTimeInterval(-age)
        for name in names where isTemporaryName(name) {
            let path = folder.appendingPathComponent(name).path
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  modified < cutoff else { continue }
            unlink(path)
        }
    }

    /// Whether `name` is one of ours: `.` + a name + `.tmp-` + a UUID.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards) else { return false }
        return UUID(uuidString: String(name[range.upperBound...])) != nil && range.lowerBound > name.index(after: name.startIndex)
    }

    /// The whole content of the file at `url`, with one zero byte appended when `nulTerminated`
    /// (so C parsers such as `strtod` stop at the end).
    /// - Throws: `FileFormatError.unreadable` naming the file and the system's reason.
    static func readBytes(_ url: URL, nulTerminated: Bool = false) throws -> [UInt8] {
        func failure(_ step: String) -> FileFormatError {
            .unreadable(file: url.path, detail: "\(step): \(String(cString: strerror(errno)))")
        }
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot stat") }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileFormatError.unreadable(file: url.path, detail: "it is a folder, not a file")
        }
        // Room for one byte more than fstat announces: reaching end of file is then seen in one pass.
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let r = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if r < 0 {
                if errno == EINTR { continue }
                throw failure("read failed")
            }
            if r == 0 { break }
            count += r
        }
        bytes.removeLast(bytes.count - count)
        if nulTerminated { bytes.append(0) }
        return bytes
    }
}

/// POSIX `write(2)` under a name that `AtomicFile.write` does not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
