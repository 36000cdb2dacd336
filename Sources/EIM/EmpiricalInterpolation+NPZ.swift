import Foundation
import LinearAlgebra

/// An interpolant as one `.npz` file (`numpy.load` opens it): the arrays of the online object and a
/// `model.json` entry describing them.
///
/// Arrays: `points` (int64, k), `basis` (float64, Fortran order, n × terms), `interpolation_matrix`
/// (float64, Fortran order, k × terms), `error_history` (float64), `parameters` (int64, when the
/// greedy built it). `model.json`: format name and version, formulation, stop reason, sizes, the
/// greedy's options when given, provenance.
///
/// Writing is atomic (the archive is built in memory and renamed over the target). Reading checks
/// every entry's CRC, the format name and version, every array's type and shape, that the points
/// are in range and distinct and that the interpolation matrix is the basis at the points; it
/// throws an `EIMError` naming the file and what is wrong.
extension EmpiricalInterpolation {
    /// The `format` field of `model.json`.
    public static let fileFormatName = "romkit-empirical-interpolation"
    /// The format version written; reading accepts this one only.
    public static let fileFormatVersion = 1

    /// Who made a saved interpolant, from what, when.
    public typealias Provenance = FileProvenance

    /// The greedy's options as recorded in `model.json` (a weighted norm is recorded by name only).
    public struct SavedOptions: Codable, Sendable, Equatable {
        /// `EIMOptions.tolerance`.
        public var tolerance: Double
        /// `EIMOptions.maxTerms`.
        public var maxTerms: Int?
        /// `linf`, `l2` or `weighted`.
        public var norm: String
        /// `EIMOptions.relative`.
        public var relative: Bool
        /// `EIMOptions.stabilized`.
        public var stabilized: Bool
        /// `EIMOptions.roundOffFloor`.
        public var roundOffFloor: Double

        /// The record of `options`.
        public init(_ options: EIMOptions) {
            tolerance = options.tolerance
            maxTerms = options.maxTerms
            norm = options.norm.name
            relative = options.relative
            stabilized = options.stabilized
            roundOffFloor = options.roundOffFloor
        }
    }

    /// What `read` returns: the interpolant and the description saved with it.
    public struct SavedFile: Sendable {
        /// The online object, ready to use.
        public let interpolation: EmpiricalInterpolation
        /// Who made it and how.
        public let provenance: Provenance
        /// The greedy's options, when they were saved.
        public let options: SavedOptions?
    }

    /// The `model.json` entry.
    struct FileHeader: Codable {
        var format: String
        var version: Int
        var formulation: String
        var stopReason: String?
        var sizes: [String: Int]
        var options: SavedOptions?
        var provenance: Provenance
    }

    /// Writes the interpolant to `url` atomically (parent folders are created).
    /// - Parameters:
    ///   - options: the greedy's options, recorded in `model.json` (nil: not recorded).
    ///   - provenance: who made it and how.
    ///   - compressed: deflate the entries (as `numpy.savez_compressed`).
    public func write(to url: URL, options: EIMOptions? = nil, provenance: Provenance, compressed: Bool = false) throws {
        var arrays: [String: NPYArray] = [
            "points": NPYArray(int64: points),
            "basis": NPYArray(basis),
            "interpolation_matrix": NPYArray(interpolationMatrix),
            "error_history": NPYArray(vector: errorHistory),
        ]
        if !parameters.isEmpty { arrays["parameters"] = NPYArray(int64: parameters) }
        let header = FileHeader(format: Self.fileFormatName, version: Self.fileFormatVersion, formulation: formulation.rawValue,
                                stopReason: stopReason?.rawValue,
                                sizes: ["pointCount": pointCount, "terms": terms, "points": points.count,
                                        "parameters": parameters.count, "errorHistory": errorHistory.count],
                                options: options.map(SavedOptions.init), provenance: provenance)
        try ModelArchive.write(arrays: arrays, header: header, to: url, compressed: compressed)
    }

    /// Reads and checks an interpolant written by `write(to:options:provenance:compressed:)`.
    public init(contentsOf url: URL) throws {
        self = try Self.read(url).interpolation
    }

    /// Reads and checks a saved interpolant, with its provenance and options.
    public static func read(_ url: URL) throws -> SavedFile {
        let file = url.lastPathComponent
        let archive: NPZArchive
        do {
            archive = try NPZ.read(url)
        } catch {
            throw EIMError.badFile("\(file): \(error)")
        }
        let decoded: FileHeader?
        do {
            decoded = try ModelArchive.header(FileHeader.self, in: archive)
        } catch {
            throw EIMError.badFile("\(file): model.json is not an interpolant description (\(error))")
        }
        guard let header = decoded else { throw EIMError.badFile("\(file): the entry model.json is missing") }
        guard header.format == fileFormatName else {
            throw EIMError.badFile("\(file): format is '\(header.format)', expected '\(fileFormatName)'")
        }
        guard header.version == fileFormatVersion else {
            throw EIMError.unsupportedFileVersion(file: file, version: header.version, supported: fileFormatVersion)
        }
        guard let formulation = Formulation(rawValue: header.formulation) else {
            throw EIMError.badFile("\(file): unknown formulation '\(header.formulation)'")
        }
        var stopReason: EIMStopReason?
        if let text = header.stopReason {
            guard let reason = EIMStopReason(rawValue: text) else { throw EIMError.badFile("\(file): unknown stop reason '\(text)'") }
            stopReason = reason
        }
        func size(_ key: String) throws -> Int {
            guard let value = header.sizes[key], value >= 0 else { throw EIMError.badFile("\(file): model.json lacks the size '\(key)'") }
            return value
        }
        let n = try size("pointCount"), m = try size("terms"), k = try size("points")
        let reader = SavedArrays(archive: archive, file: file)
        let points = try reader.ints("points", count: k)
        let parameters = try reader.ints("parameters", count: try size("parameters"), optional: true)
        let basis = try reader.matrix("basis", rows: n, columns: m)
        let f = try reader.matrix("interpolation_matrix", rows: k, columns: m)
        let history = try reader.vector("error_history", count: try size("errorHistory"))
        if formulation != .rectangular && k != m {
            throw EIMError.badArray(file: file, array: "interpolation_matrix",
                                    detail: "is \(k)×\(m): a \(formulation.rawValue) interpolant has as many points as terms")
        }
        var seen = Set<Int>()
        for (i, p) in points.enumerated() {
            guard p >= 0, p < n else { throw EIMError.badArray(file: file, array: "points", detail: "entry \(i) is \(p), outside 0..<\(n)") }
            guard seen.insert(p).inserted else { throw EIMError.badArray(file: file, array: "points", detail: "repeats point \(p) (entry \(i))") }
        }
        if let bad = parameters.firstIndex(where: { $0 < 0 }) {
            throw EIMError.badArray(file: file, array: "parameters", detail: "entry \(bad) is negative")
        }
        for c in 0..<m {
            for (i, p) in points.enumerated() where f[i, c] != basis[p, c] {
                throw EIMError.badArray(file: file, array: "interpolation_matrix",
                                        detail: "entry (\(i), \(c)) is \(f[i, c]), the basis at point \(p) is \(basis[p, c])")
            }
        }
        let interpolation: EmpiricalInterpolation
        do {
            interpolation = try EmpiricalInterpolation(basis: basis, points: points, parameters: parameters, errorHistory: history,
                                                       stopReason: stopReason, formulation: formulation)
        } catch {
            throw EIMError.badFile("\(file): \(error)")
        }
        return SavedFile(interpolation: interpolation, provenance: header.provenance, options: header.options)
    }
}

/// The arrays of a saved interpolant, checked for type, shape and finiteness as they are taken.
private struct SavedArrays {
    let archive: NPZArchive
    let file: String

    func array(_ name: String) throws -> NPYArray {
        guard let a = archive.arrays[name] else { throw EIMError.badArray(file: file, array: name, detail: "is missing") }
        return a
    }

    func ints(_ name: String, count: Int, optional: Bool = false) throws -> [Int] {
        if optional && count == 0 && archive.arrays[name] == nil { return [] }
        let a = try array(name)
        guard a.shape == [count] else { throw EIMError.badArray(file: file, array: name, detail: "has shape \(a.shape), expected [\(count)]") }
        guard case let .int64(values) = a.elements else {
            throw EIMError.badArray(file: file, array: name, detail: "holds \(a.elements.typeName), expected int64")
        }
        return values
    }

    func vector(_ name: String, count: Int) throws -> [Double] {
        let a = try array(name)
        guard a.shape == [count] else { throw EIMError.badArray(file: file, array: name, detail: "has shape \(a.shape), expected [\(count)]") }
        return try finite(name, a)
    }

    func matrix(_ name: String, rows: Int, columns: Int) throws -> Matrix {
        let a = try array(name)
        guard a.shape == [rows, columns] else {
            throw EIMError.badArray(file: file, array: name, detail: "has shape \(a.shape), expected [\(rows), \(columns)]")
        }
        _ = try finite(name, a)
        do { return try a.matrix() } catch { throw EIMError.badArray(file: file, array: name, detail: "\(error)") }
    }

    private func finite(_ name: String, _ a: NPYArray) throws -> [Double] {
        guard case let .float64(values) = a.elements else {
            throw EIMError.badArray(file: file, array: name, detail: "holds \(a.elements.typeName), expected float64")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EIMError.badArray(file: file, array: name, detail: "holds a non-finite value at index \(bad)")
        }
        return values
    }
}
