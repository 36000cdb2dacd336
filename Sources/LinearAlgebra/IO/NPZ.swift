import Foundation
import ZIPFoundation

/// The content of an NPZ file: named arrays (the `.npy` entries, keys without the suffix) and any
/// other entries kept as raw bytes (a `model.json` beside the arrays, for instance).
public struct NPZArchive: Equatable, Sendable {
    /// The arrays, by entry name without `.npy` (`numpy.savez(f, basis=...)` gives the key `basis`).
    public var arrays: [String: NPYArray]
    /// The entries whose names do not end in `.npy`, by full entry name.
    public var otherEntries: [String: Data]
    /// The file this archive was read from (for error messages; not part of `==`).
    public var fileName: String

    /// An archive of `arrays` and `otherEntries`.
    public init(arrays: [String: NPYArray] = [:], otherEntries: [String: Data] = [:], fileName: String = "archive.npz") {
        self.arrays = arrays
        self.otherEntries = otherEntries
        self.fileName = fileName
    }

    /// Reads the NPZ file at `url` (see `NPZ.read(_:)`).
    public init(contentsOf url: URL) throws {
        self = try NPZ.read(url)
    }

    /// The array named `name`.
    /// - Throws: `FileFormatError.missingEntry` naming the file and the entry.
    public func array(_ name: String) throws -> NPYArray {
        guard let array = arrays[name] else { throw FileFormatError.missingEntry(file: fileName, entry: name) }
        return array
    }

    /// The raw bytes of the non-array entry `name` (such as `model.json`).
    /// - Throws: `FileFormatError.missingEntry` naming the file and the entry.
    public func entry(_ name: String) throws -> Data {
        guard let data = otherEntries[name] else { throw FileFormatError.missingEntry(file: fileName, entry: name) }
        return data
    }

    /// Writes the archive to `url` (see `NPZ.write(_:to:compressed:)`).
    public func write(to url: URL, compressed: Bool = false) throws {
        try NPZ.write(self, to: url, compressed: compressed)
    }

    /// Equal when the arrays and the other entries are equal (the file name is not compared).
    public static func == (a: NPZArchive, b: NPZArchive) -> Bool {
        a.arrays == b.arrays && a.otherEntries == b.otherEntries
    }
}

/// Reads and writes NumPy's `.npz` files: ZIP archives of `.npy` entries, stored (`numpy.savez`)
/// or deflated (`numpy.savez_compressed`).
///
/// Reading checks the CRC-32 of every entry and that the central directory is complete, so a
/// truncated or damaged file throws `FileFormatError.corruptArchive` naming the entry instead of
/// returning wrong numbers. Writing builds the archive in memory and renames it over the target.
public enum NPZ {
    /// The largest entry `read` inflates by default (4 GiB: a truth basis of 10⁶ dofs × 500 modes
    /// in float64); a larger one is refused before it is inflated.
    public static let defaultMaximumEntryBytes = 1 << 32

    /// Reads every entry of the NPZ file at `url`.
    ///
    /// An entry is inflated incrementally and never beyond its declared uncompressed size, the
    /// size its NPY header's shape × itemsize implies (checked against the declared one as soon
    /// as the header is in), or `maximumEntryBytes`: a small file cannot make the reader inflate
    /// hundreds of megabytes before its shapes are checked.
    /// - Throws: `FileFormatError.corruptArchive` (not a ZIP file, truncated, CRC mismatch, bad
    ///   deflate stream, an entry larger than announced or than the limit), the errors of
    ///   `NPY.decode` for a damaged `.npy` entry (its file named `archive.npz/entry.npy`), `.unreadable`.
    public static func read(_ url: URL, maximumEntryBytes: Int = defaultMaximumEntryBytes) throws -> NPZArchive {
        let file = url.lastPathComponent
        let bytes = try AtomicFile.readBytes(url)
        guard let announced = ZIPDirectory.entryCount(bytes) else {
            throw FileFormatError.corruptArchive(
                file: file, detail: "no end-of-central-directory record: the file is truncated or not a ZIP archive")
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw FileFormatError.corruptArchive(file: file, detail: "cannot open the archive (\(error))")
        }
        var result = NPZArchive(fileName: file)
        var listed = 0
        for entry in archive {
            listed += 1
            guard entry.type == .file else { continue }
            let name = entry.path
            let isArray = name.hasSuffix(".npy")
            guard entry.uncompressedSize <= UInt64(maximumEntryBytes) else {
                throw FileFormatError.corruptArchive(
                    file: file, detail: "entry '\(name)' announces \(entry.uncompressedSize) bytes, more than the limit of \(maximumEntryBytes)")
            }
            let declared = Int(entry.uncompressedSize)
            var limit = declared
            var sizeKnown = !isArray
            var data = Data()
            let checksum: CRC32
            do {
                checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard data.count + chunk.count <= limit else {
                        throw FileFormatError.corruptArchive(
                            file: file, detail: "entry '\(name)' inflates to more than the \(limit) bytes "
                                + (sizeKnown && isArray ? "its NPY header's shape needs" : "its header announces"))
                    }
                    data.append(chunk)
                    guard !sizeKnown else { return }
                    // Before the CRC can be checked a bad header may be damage as well as a bad writer.
                    let expected: Int?
                    do {
                        expected = try data.withUnsafeBytes { try NPY.expectedSize(ofPrefix: $0, name: "\(file)/\(name)") }
                    } catch {
                        throw FileFormatError.corruptArchive(file: file, detail: "entry '\(name)': its NPY header does not read (\(error))")
                    }
                    guard let expected else { return }
                    guard expected == declared else {
                        throw FileFormatError.corruptArchive(
                            file: file, detail: "entry '\(name)': its NPY header's shape needs \(expected) bytes, the archive announces \(declared)")
                    }
                    sizeKnown = true
                    limit = expected
                }
            } catch let error as FileFormatError {
                throw error
            } catch {
                throw FileFormatError.corruptArchive(file: file, detail: "entry '\(name)' cannot be extracted (\(error))")
            }
            guard checksum == entry.checksum else {
                throw FileFormatError.corruptArchive(
                    file: file, detail: "entry '\(name)': CRC-32 mismatch (stored \(hex(entry.checksum)), computed \(hex(checksum)))")
            }
            guard UInt64(data.count) == entry.uncompressedSize else {
                throw FileFormatError.corruptArchive(
                    file: file, detail: "entry '\(name)' holds \(data.count) bytes, its header announces \(entry.uncompressedSize)")
            }
            if isArray {
                result.arrays[String(name.dropLast(4))] = try NPY.decode(data, name: "\(file)/\(name)")
            } else {
                result.otherEntries[name] = data
            }
        }
        guard listed == announced else {
            throw FileFormatError.corruptArchive(
                file: file, detail: "the central directory announces \(announced) entries, \(listed) could be read")
        }
        return result
    }

    /// Writes `archive` to `url`: each array as `name.npy`, then the other entries, in name order,
    /// deflated when `compressed` (as `numpy.savez_compressed`), else stored (as `numpy.savez`).
    /// The file is built in memory and renamed over the target.
    /// - Throws: `FileFormatError.invalidInput` when an entry of `otherEntries` ends in `.npy`,
    ///   `.unwritable` when the file cannot be written.
    public static func write(_ archive: NPZArchive, to url: URL, compressed: Bool = false) throws {
        try AtomicFile.write(encode(archive, compressed: compressed, fileName: url.lastPathComponent), to: url)
    }

    /// Writes `arrays` to `url` as an NPZ file (see `write(_:to:compressed:)`).
    public static func write(_ arrays: [String: NPYArray], to url: URL, compressed: Bool = false) throws {
        try write(NPZArchive(arrays: arrays), to: url, compressed: compressed)
    }

    /// The bytes of the NPZ file holding `archive`.
    /// - Throws: `FileFormatError.invalidInput` when an entry of `otherEntries` ends in `.npy`.
    public static func encode(_ archive: NPZArchive, compressed: Bool = false, fileName: String = "archive.npz") throws -> Data {
        var entries: [(name: String, data: Data)] = archive.arrays.keys.sorted().map { ($0 + ".npy", NPY.encode(archive.arrays[$0]!)) }
        for name in archive.otherEntries.keys.sorted() {
            guard !name.hasSuffix(".npy") else {
                throw FileFormatError.invalidInput(file: fileName, detail: "the entry '\(name)' ends in .npy: store arrays in `arrays`")
            }
            entries.append((name, archive.otherEntries[name]!))
        }
        // A fixed date (2 January 1980, the ZIP epoch) keeps the bytes reproducible.
        let date = Date(timeIntervalSince1970: 315_619_200)
        do {
            let zip = try Archive(data: Data(), accessMode: .create)
            for (name, data) in entries {
                try zip.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                                 compressionMethod: compressed ? .deflate : .none) { position, size in
                    data.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            guard let bytes = zip.data else {
                throw FileFormatError.unwritable(file: fileName, detail: "the ZIP archive could not be built in memory")
            }
            return bytes
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError.unwritable(file: fileName, detail: "the ZIP archive could not be built (\(error))")
        }
    }

    private static func hex(_ value: CRC32) -> String { "0x" + String(value, radix: 16, uppercase: false) }
}

/// The end-of-central-directory record of a ZIP file, read independently of ZIPFoundation to
/// check that every listed entry was seen.
enum ZIPDirectory {
    /// The number of entries the central directory announces, or nil when no end record is found.
    static func entryCount(_ bytes: [UInt8]) -> Int? {
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        func u64(_ i: Int) -> UInt64 { UInt64(u32(i)) | UInt64(u32(i + 4)) << 32 }
        guard bytes.count >= 22 else { return nil }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        for i in stride(from: bytes.count - 22, through: lowest, by: -1) where u32(i) == 0x0605_4B50 {
            let count = u16(i + 10)
            if count != 0xFFFF { return count }
            // ZIP64: the locator just before the record points to the ZIP64 end record.
            let locator = i - 20
            guard locator >= 0, u32(locator) == 0x0706_4B50 else { return nil }
            let offset = u64(locator + 8)
            guard bytes.count >= 56, offset <= UInt64(bytes.count - 56), u32(Int(offset)) == 0x0606_4B50 else { return nil }
            let count64 = u64(Int(offset) + 32)
            return count64 <= UInt64(Int.max) ? Int(count64) : nil
        }
        return nil
    }
}
