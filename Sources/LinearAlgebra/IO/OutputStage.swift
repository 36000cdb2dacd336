import Foundation

/// The outputs of one command, written together: each output is written (by any writer, atomic or
/// not) to a staged file beside its target, named like `AtomicFile`'s temporaries
/// (`.name.tmp-<uuid>`); `commit()` renames every staged file onto its target once all are
/// written. A failure before the commit leaves no output: the staged files are removed when the
/// stage goes away, and those of a killed run by `AtomicFile.removeStaleTemporaries`.
public final class OutputStage {
    private var staged: [(temporary: URL, target: URL)] = []
    private var committed = false

    /// An empty stage.
    public init() {}

    /// The file to write `target`'s content to; it becomes `target` at `commit()`.
    public func stage(_ target: URL) -> URL {
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).tmp-\(UUID().uuidString)")
        staged.append((temporary, target))
        return temporary
    }

    /// Renames every staged file onto its target, in the order staged.
    /// - Throws: `FileFormatError.unwritable` naming the target when a staged file is missing
    ///   (never written) or cannot be renamed; the outputs renamed before it stay.
    public func commit() throws {
        for (temporary, target) in staged {
            guard rename(temporary.path, target.path) == 0 else {
                throw FileFormatError.unwritable(file: target.path, detail: "rename of the staged output failed: \(String(cString: strerror(errno)))")
            }
        }
        committed = true
    }

    deinit {
        if !committed { for (temporary, _) in staged { unlink(temporary.path) } }
    }
}
