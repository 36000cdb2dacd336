import Foundation
import LinearAlgebra

/// The model file of the hp nonintrusive RB (method `hp-nonintrusive-reduced-basis`): the `.npz` +
/// `model.json` container of `OnlineModelFile` with
///
///     partition_nodes (nodes, 4)        the tree of `ParameterPartition`, one row per node:
///                                       component split (−1 for a leaf), value, first child
///                                       (a leaf: its subdomain), second child (−1 for a leaf)
///     subdomain_<i>/<array>, subdomain_<i>/model.json   subdomain i's local model, as its own
///                                       `nonintrusive-reduced-basis` file would hold it
///
/// Loading checks the tree (`ParameterPartition.init(space:nodes:)`), then reads every local model
/// with the checks of a nonintrusive file, naming the subdomain, and that its box is the
/// subdomain's.
extension OnlineModelFile {
    /// The `method` of an hp nonintrusive reduced basis model.
    public static let hpNonintrusiveMethod = "hp-nonintrusive-reduced-basis"

    struct PartitionedHeader: Codable, MethodModelHeader {
        var format: String
        var version: Int
        var method: String
        var scalar: String
        var parameterSpace: ParameterSpace
        var sizes: [String: Int]
        var provenance: Provenance
    }

    /// Writes an hp nonintrusive model atomically.
    public static func write<Element: Scalar>(_ model: PartitionedNonintrusiveModel<Element>, to url: URL, provenance: Provenance,
                                              compressed: Bool = false) throws {
        var archive = NPZArchive(arrays: ["partition_nodes": partitionNodesArray(model.partition)])
        for (i, local) in model.models.enumerated() {
            let (arrays, header) = contents(of: local, provenance: provenance)
            archive.insertMember(arrays: arrays, header: try ModelArchive.encodedHeader(header), prefix: subdomainPrefix(i))
        }
        let header = PartitionedHeader(format: formatName, version: formatVersion, method: hpNonintrusiveMethod,
                                       scalar: Element.isComplex ? "complex128" : "float64", parameterSpace: model.parameterSpace,
                                       sizes: ["subdomains": model.partition.count, "nodes": model.partition.nodes.count, "N": model.largestSize,
                                               "d": model.largestOperatorTerms, "truth_dimension": model.order],
                                       provenance: provenance)
        archive.otherEntries[ModelArchive.headerEntry] = try ModelArchive.encodedHeader(header)
        try AtomicFile.createParentFolder(of: url)
        try NPZ.write(archive, to: url, compressed: compressed)
    }

    /// Reads an hp nonintrusive model file of scalar `Element`.
    public static func readPartitionedNonintrusive<Element: Scalar>(_ url: URL, as type: Element.Type = Double.self) throws
        -> (model: PartitionedNonintrusiveModel<Element>, provenance: Provenance) {
        try readPartitionedNonintrusive(try openArchive(url), file: url.lastPathComponent, as: type)
    }

    static func readPartitionedNonintrusive<Element: Scalar>(_ archive: NPZArchive, file: String, as type: Element.Type) throws
        -> (model: PartitionedNonintrusiveModel<Element>, provenance: Provenance) {
        let arrays = ModelArrayReader(archive: archive, file: file)
        let header = try checkedHeader(PartitionedHeader.self, in: archive, arrays: arrays, method: hpNonintrusiveMethod, describing: "an hp nonintrusive model")
        let scalar = Element.isComplex ? "complex128" : "float64"
        guard header.scalar == scalar else { throw arrays.invalid("the model's scalar is \(header.scalar), read as \(scalar)") }
        let partition = try readPartition(arrays, space: header.parameterSpace, sizes: header.sizes)
        let models = try (0..<partition.count).map { i -> NonintrusiveReducedModel<Element> in
            let prefix = subdomainPrefix(i)
            guard let member = archive.member(prefix: prefix, file: file) else {
                throw arrays.invalid("the entry \(prefix)\(ModelArchive.headerEntry) of subdomain \(i) is missing")
            }
            return try readNonintrusive(member, file: "\(file) (subdomain \(i))", as: type).model
        }
        do {
            return (try PartitionedNonintrusiveModel(partition: partition, models: models), header.provenance)
        } catch let error as ROMError {
            throw arrays.invalid("\(error)")
        }
    }
}
