import Foundation
import LinearAlgebra

/// The model file of a dictionary of local reduced models (method `local-reduced-bases`): the
/// `.npz` + `model.json` container of `OnlineModelFile`, with
///
///     representative_parameters (d, k)   μ of each cluster's representative snapshot
///     training_parameters (d, m)         the classifier's training parameters
///     training_labels (m)                their clusters (int64)
///     cluster_<c>/<array>, cluster_<c>/model.json   cluster c's certified RB model, as its own
///                                        `reduced-basis` file would hold it (`numpy.load` names
///                                        the arrays `cluster_0/reduced_operators` …)
///
/// Loading checks the dictionary's shapes and labels, then reads every cluster's model with the
/// checks of a `reduced-basis` file, naming the cluster in what it reports.
extension OnlineModelFile {
    /// The `method` of a dictionary of local reduced models.
    public static let localReducedBasesMethod = "local-reduced-bases"

    struct LocalHeader: Codable, MethodModelHeader {
        var format: String
        var version: Int
        var method: String
        var parameterSpace: ParameterSpace
        var clustering: ClusteringMethod
        var selection: String
        var neighbours: Int
        var sizes: [String: Int]
        var provenance: Provenance
    }

    private static func clusterPrefix(_ c: Int) -> String { "cluster_\(c)/" }

    /// Writes a dictionary of local models atomically; every local model must be storable as a
    /// `reduced-basis` file (expression coefficients, a `CoercivityBound`).
    public static func write(_ model: LocalReducedModel, to url: URL, provenance: Provenance, compressed: Bool = false) throws {
        let d = model.parameterSpace.dimension, k = model.clusterCount, m = model.trainingParameters.count
        var archive = NPZArchive(arrays: [
            "representative_parameters": NPYArray(Matrix(rows: d, columns: k, storage: model.representativeParameters.flatMap(\.values))),
            "training_parameters": NPYArray(Matrix(rows: d, columns: m, storage: model.trainingParameters.flatMap(\.values))),
            "training_labels": NPYArray(shape: [m], fortranOrder: true, elements: .int64(model.trainingLabels)),
        ])
        for (c, local) in model.models.enumerated() {
            let (localArrays, header) = try contents(of: local, provenance: provenance)
            archive.insertMember(arrays: localArrays, header: try ModelArchive.encodedHeader(header), prefix: clusterPrefix(c))
        }
        let header = LocalHeader(format: formatName, version: formatVersion, method: localReducedBasesMethod,
                                 parameterSpace: model.parameterSpace, clustering: model.clusteringMethod,
                                 selection: model.selection.key, neighbours: model.selection.neighbours,
                                 sizes: ["clusters": k, "training": m, "N": model.largestSize, "truth_dimension": model.truthDimension],
                                 provenance: provenance)
        archive.otherEntries[ModelArchive.headerEntry] = try ModelArchive.encodedHeader(header)
        try AtomicFile.createParentFolder(of: url)
        try NPZ.write(archive, to: url, compressed: compressed)
    }

    /// Reads a dictionary of local models.
    public static func readLocal(_ url: URL) throws -> (model: LocalReducedModel, provenance: Provenance) {
        try readLocal(try openArchive(url), file: url.lastPathComponent)
    }

    static func readLocal(_ archive: NPZArchive, file: String) throws -> (model: LocalReducedModel, provenance: Provenance) {
        let arrays = ModelArrayReader(archive: archive, file: file)
        let header = try checkedHeader(LocalHeader.self, in: archive, arrays: arrays, method: localReducedBasesMethod, describing: "a local reduced bases")
        func size(_ key: String, atLeast minimum: Int) throws -> Int { try arrays.size(key, in: header.sizes, atLeast: minimum) }
        let k = try size("clusters", atLeast: 1), m = try size("training", atLeast: 0), d = header.parameterSpace.dimension
        try arrays.checkProducts([("dimension·clusters", [d, k]), ("dimension·training", [d, m])])
        let selection: ClusterSelection
        do { selection = try ClusterSelection(key: header.selection, neighbours: header.neighbours) } catch {
            throw arrays.invalid("\(error)")
        }
        let representatives = try arrays.real("representative_parameters", [d, k])
        let training = try arrays.real("training_parameters", [d, m])
        let labels = try arrays.indices("training_labels", [m], in: 0..<k)
        let models = try (0..<k).map { c -> ReducedModel in
            let prefix = clusterPrefix(c)
            guard let local = archive.member(prefix: prefix, file: file) else {
                throw arrays.invalid("the entry \(prefix)\(ModelArchive.headerEntry) of cluster \(c) is missing")
            }
            return try read(local, file: "\(file) (cluster \(c))").model
        }
        func parameters(_ values: [Double], _ count: Int) -> [Parameter] {
            (0..<count).map { Parameter(Array(values[($0 * d)..<(($0 + 1) * d)])) }
        }
        do {
            let model = try LocalReducedModel(parameterSpace: header.parameterSpace, models: models,
                                              representativeParameters: parameters(representatives, k),
                                              trainingParameters: parameters(training, m), trainingLabels: labels,
                                              selection: selection, clusteringMethod: header.clustering)
            return (model, header.provenance)
        } catch let error as ROMError {
            throw arrays.invalid("\(error)")
        }
    }
}
