import LinearAlgebra

/// The fields every method's `model.json` carries: the file format, its version, the method and
/// the sizes the arrays are checked against.
protocol MethodModelHeader: Decodable {
    var format: String { get }
    var version: Int { get }
    var method: String { get }
    var sizes: [String: Int] { get }
}

extension OnlineModelFile {
    /// `model.json` of `archive` decoded as `H` and checked: present, decodable, of this format
    /// and version, of `method`. `describing` names the description in the error ("a nonintrusive
    /// model").
    static func checkedHeader<H: MethodModelHeader>(_ type: H.Type, in archive: NPZArchive, arrays: ModelArrayReader, method: String,
                                                    describing: String) throws -> H {
        let header: H
        do {
            guard let h = try ModelArchive.header(H.self, in: archive) else { throw arrays.invalid("the entry model.json is missing") }
            header = h
        } catch let error as ROMError { throw error } catch {
            throw arrays.invalid("model.json is not \(describing) description (\(error))")
        }
        try checkFormat(header.format, header.version, file: arrays.file)
        guard header.method == method else { throw arrays.invalid("method is '\(header.method)', expected '\(method)'") }
        return header
    }
}

extension ModelArrayReader {
    /// `sizes[key]`: a whole number in `minimum`…`largestSize`, else an error naming the key, so
    /// no count read from a file is used before it is checked.
    func size(_ key: String, in sizes: [String: Int], atLeast minimum: Int = 0) throws -> Int {
        guard let value = sizes[key], value >= minimum, value <= Self.largestSize else {
            throw invalid("model.json lacks a valid size '\(key)' (a whole number in \(minimum)...\(Self.largestSize))")
        }
        return value
    }
}
