import Foundation
import LinearAlgebra
import Materials

/// The model file of a hyper-reduced mechanics model (method `hyper-reduced-mechanics`): the
/// `.npz` + `model.json` container of `OnlineModelFile`, arrays column-major:
///
///     strain_modes (6K, N)      B_k of the reduced points, stacked (point k in rows 6k..<6k+6)
///     weights (K)               cubature weights (0: a sampling-only point)
///     point_indices (K)         their indices among the mesh's M integration points (int64)
///     point_positions (K, 3)    their positions x_k, optional (a new load field is evaluated there)
///     forces (N, T)             f_N(t) = Vᵀ f(t);   temperatures (K, T);   time_steps (T)
///     law/<name> (…)            the law's parameter arrays (`ConstitutiveLawDescription`)
///     modes (n, N)              V, optional
///     gappy/<field>/basis (M, n_f), gappy/<field>/points (S_f)   Gappy-POD of a state scalar
///     gappy/stress/basis (6M, n_s), gappy/stress/points (S_s)      Gappy-POD of the stress
///
/// `model.json` holds the law's name, the Newton's settings, the longest run, the sizes
/// (K, N, T, M, truth_dimension) and for each Gappy-POD its modes, points and how many of them
/// Q-DEIM added. Loading checks every size before slicing by it, every array's shape, finiteness,
/// every index's range, and rebuilds the law by its name (`ConstitutiveLaws`).
extension OnlineModelFile {
    /// The `method` of a hyper-reduced mechanics model.
    public static let hyperReducedMechanicsMethod = "hyper-reduced-mechanics"

    struct HyperReducedHeader: Codable, MethodModelHeader {
        struct Gappy: Codable {
            var field: String
            var modes: Int
            var points: Int
            var added: Int
        }
        var format: String
        var version: Int
        var method: String
        var law: String
        var newtonTolerance: Double
        var newtonMaximumIterations: Int
        var maximumSteps: Int
        var gappy: [Gappy]
        var sizes: [String: Int]
        var provenance: Provenance
    }

    private static let stressField = "stress"

    /// Writes a hyper-reduced model atomically.
    public static func write(_ model: HyperReducedModel, to url: URL, provenance: Provenance, compressed: Bool = false) throws {
        let points = model.points, loading = model.loading
        var arrays: [String: NPYArray] = [
            "strain_modes": NPYArray(points.strainModes),
            "weights": NPYArray(vector: points.weights),
            "point_indices": NPYArray(int64: points.pointIndices),
            "forces": NPYArray(loading.forces),
            "temperatures": NPYArray(loading.temperatures),
            "time_steps": NPYArray(vector: loading.timeSteps),
        ]
        let description = model.law.lawDescription
        for (name, values) in description.parameters { arrays["law/" + name] = NPYArray(vector: values) }
        if let modes = model.modes { arrays["modes"] = NPYArray(modes) }
        if let positions = points.positions { arrays["point_positions"] = NPYArray(Matrix(rows: 3, columns: points.count, storage: positions).transposed) }
        var gappy: [HyperReducedHeader.Gappy] = []
        var all = model.fieldReconstructions.keys.sorted().map { ($0, model.fieldReconstructions[$0]!) }
        if let stress = model.stressReconstruction { all.append((stressField, stress)) }
        for (field, g) in all {
            arrays["gappy/\(field)/basis"] = NPYArray(g.basis)
            arrays["gappy/\(field)/points"] = NPYArray(int64: g.points)
            gappy.append(.init(field: field, modes: g.size, points: g.points.count, added: g.addedPoints.count))
        }
        let header = HyperReducedHeader(
            format: formatName, version: formatVersion, method: hyperReducedMechanicsMethod, law: description.name,
            newtonTolerance: model.newtonOptions.tolerance, newtonMaximumIterations: model.newtonOptions.maximumIterations,
            maximumSteps: model.maximumSteps, gappy: gappy,
            sizes: ["K": points.count, "N": points.modeCount, "T": loading.stepCount, "M": model.meshPointCount,
                    "truth_dimension": model.modes?.rows ?? 0],
            provenance: provenance)
        try ModelArchive.write(arrays: arrays, header: header, to: url, compressed: compressed)
    }

    /// Reads a hyper-reduced model file.
    public static func readHyperReduced(_ url: URL) throws -> (model: HyperReducedModel, provenance: Provenance) {
        try readHyperReduced(try openArchive(url), file: url.lastPathComponent)
    }

    static func readHyperReduced(_ archive: NPZArchive, file: String) throws -> (model: HyperReducedModel, provenance: Provenance) {
        let arrays = ModelArrayReader(archive: archive, file: file)
        let header = try checkedHeader(HyperReducedHeader.self, in: archive, arrays: arrays, method: hyperReducedMechanicsMethod, describing: "a hyper-reduced model")
        func size(_ key: String, atLeast minimum: Int) throws -> Int { try arrays.size(key, in: header.sizes, atLeast: minimum) }
        let k = try size("K", atLeast: 1), n = try size("N", atLeast: 1), t = try size("T", atLeast: 1)
        let m = try size("M", atLeast: 0), dofs = try size("truth_dimension", atLeast: 0)
        try arrays.checkProducts([("6·K·N", [6, k, n]), ("N·T", [n, t]), ("K·T", [k, t])])
        if arrays.has("modes") { try arrays.checkProducts([("truth_dimension·N", [dofs, n])]) }
        guard header.newtonTolerance > 0, header.newtonTolerance < 1, header.newtonMaximumIterations >= 1,
              header.newtonMaximumIterations <= 10_000, header.maximumSteps >= 1, header.maximumSteps <= ModelArrayReader.largestSize else {
            throw arrays.invalid("model.json gives Newton tolerance \(header.newtonTolerance), \(header.newtonMaximumIterations) iterations, "
                                 + "\(header.maximumSteps) steps: expected a tolerance in (0, 1), 1...10000 iterations, at least 1 step")
        }
        let pointRange = 0..<(m > 0 ? m : ModelArrayReader.largestSize)
        let strainModes = Matrix(rows: 6 * k, columns: n, storage: try arrays.real("strain_modes", [6 * k, n]))
        let weights = try arrays.real("weights", [k])
        let pointIndices = try arrays.indices("point_indices", [k], in: pointRange)
        let positions = arrays.has("point_positions")
            ? Matrix(rows: k, columns: 3, storage: try arrays.real("point_positions", [k, 3])).transposed.storage : nil
        let forces = Matrix(rows: n, columns: t, storage: try arrays.real("forces", [n, t]))
        let temperatures = Matrix(rows: k, columns: t, storage: try arrays.real("temperatures", [k, t]))
        let timeSteps = try arrays.real("time_steps", [t])
        var parameters: [String: [Double]] = [:]
        for (name, array) in archive.arrays where name.hasPrefix("law/") {
            guard array.shape.count == 1 else { throw arrays.invalid("the array \(name) has shape \(array.shape), expected one dimension") }
            parameters[String(name.dropFirst(4))] = try arrays.real(name, array.shape)
        }
        let law: any ConstitutiveLaw
        do {
            law = try ConstitutiveLaws.law(from: ConstitutiveLawDescription(name: header.law, parameters: parameters))
        } catch {
            throw arrays.invalid("the constitutive law: \(error)")
        }
        let modes = arrays.has("modes") ? Matrix(rows: dofs, columns: n, storage: try arrays.real("modes", [dofs, n])) : nil
        var fields: [String: GappyPOD] = [:]
        var stress: GappyPOD?
        for g in header.gappy {
            let c = g.field == stressField ? 6 : 1
            guard m > 0 else { throw arrays.invalid("a Gappy-POD needs the mesh's point count M (model.json gives 0)") }
            guard g.modes >= 1, g.points >= 1, g.modes <= ModelArrayReader.largestSize, g.points <= ModelArrayReader.largestSize else {
                throw arrays.invalid("the Gappy-POD of '\(g.field)' has \(g.modes) modes and \(g.points) points, expected at least 1 of each")
            }
            try arrays.checkProducts([("\(c)·M·modes of '\(g.field)'", [c, m, g.modes])])
            let basis = Matrix(rows: c * m, columns: g.modes, storage: try arrays.real("gappy/\(g.field)/basis", [c * m, g.modes]))
            let sampled = try arrays.indices("gappy/\(g.field)/points", [g.points], in: 0..<m)
            do {
                let gappy = try GappyPOD(basis: basis, componentsPerPoint: c, sampledPoints: sampled, addedCount: g.added)
                if c == 6 { stress = gappy } else { fields[g.field] = gappy }
            } catch let error as ROMError {
                throw arrays.invalid("the Gappy-POD of '\(g.field)': \(error)")
            }
        }
        do {
            let model = try HyperReducedModel(
                points: try ReducedIntegrationPoints(strainModes: strainModes, weights: weights, pointIndices: pointIndices, positions: positions),
                law: law, loading: try ReducedLoading(forces: forces, temperatures: temperatures, timeSteps: timeSteps),
                modes: modes, fieldReconstructions: fields, stressReconstruction: stress, meshPointCount: m,
                maximumSteps: header.maximumSteps,
                newtonOptions: HyperReducedMechanics.Options(tolerance: header.newtonTolerance, maximumIterations: header.newtonMaximumIterations))
            return (model, header.provenance)
        } catch let error as ROMError {
            throw arrays.invalid("\(error)")
        }
    }
}
