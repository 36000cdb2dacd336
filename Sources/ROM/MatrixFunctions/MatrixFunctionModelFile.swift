import EIM
import Foundation
import LinearAlgebra

/// The model file of the matrix-power interpolation (method `matrix-power-interpolation`): the
/// `.npz` + `model.json` container of `OnlineModelFile` holding a
/// `PartitionedMatrixPowerInterpolation` (one subdomain for an unpartitioned model):
///
///     partition_nodes (nodes, 4)          the tree of `ParameterPartition` (`PartitionArchive`)
///     subdomain_<i>/model.json            the box, θ_q(μ) as expressions, the stability bound,
///                                         the scaling, the EIM formulation, the sizes n, Q, M, d,
///                                         degree, R, quadratic (0 or 1)
///     subdomain_<i>/scalars (3)           α, c (the offset of step 3), ‖b‖ (0 without b)
///     subdomain_<i>/monomials (M, Q)      the exponents x, in the order of the EIM's rows
///     subdomain_<i>/term_norms (Q)        ‖A_q‖_∞
///     subdomain_<i>/reference_coefficients (Q)   θ(μ̄) (the reference scaling only)
///     subdomain_<i>/eim_points (d), eim_basis (M, d)   the selected monomials, v(μ_j)^x
///     subdomain_<i>/selected_parameters (D, d), log_determinants (d)
///     subdomain_<i>/left_values (d), residual_r (R, 1 + Qd)   bᵀy_j and R of [c, A_q y_j]
///     subdomain_<i>/solutions (n, d)      y_j = A(μ_j)⁻¹c (optional: the vector A(μ)⁻¹c)
///
/// Everything the online stage needs and nothing of the matrices: the file is a few kilobytes
/// per subdomain without `solutions`. Loading checks every size against the arrays before it
/// slices them, every exponent and index against its range, the selected μ_j against the box,
/// and the stability bound as a certified RB file's.
extension OnlineModelFile {
    /// The `method` of a matrix-power interpolation model.
    public static let matrixFunctionsMethod = "matrix-power-interpolation"
    /// The `method` of one subdomain's member in it.
    static let matrixFunctionsSubdomainMethod = "matrix-power-interpolation-subdomain"

    struct MatrixFunctionsHeader: Codable, MethodModelHeader {
        var format: String
        var version: Int
        var method: String
        var parameterSpace: ParameterSpace
        var sizes: [String: Int]
        var provenance: Provenance
    }

    struct MatrixPowerHeader: Codable, MethodModelHeader {
        var format: String
        var version: Int
        var method: String
        var parameterSpace: ParameterSpace
        var operatorCoefficients: [ParameterFunction]
        var stability: CoercivityBound
        var scaling: String
        var formulation: String
        var sizes: [String: Int]
    }

    /// Writes a partitioned matrix-power interpolation atomically. Throws `ROMError.invalidOption`
    /// for θ(μ) that are not expressions (`[ParameterFunction]`) or a stability bound that is not a
    /// `CoercivityBound`: the file stores those as text.
    public static func write(_ model: PartitionedMatrixPowerInterpolation, to url: URL, provenance: Provenance,
                             compressed: Bool = false) throws {
        var archive = NPZArchive(arrays: ["partition_nodes": partitionNodesArray(model.partition)])
        for (i, local) in model.models.enumerated() {
            let (arrays, header) = try contents(of: local)
            archive.insertMember(arrays: arrays, header: try ModelArchive.encodedHeader(header), prefix: subdomainPrefix(i))
        }
        let header = MatrixFunctionsHeader(format: formatName, version: formatVersion, method: matrixFunctionsMethod,
                                           parameterSpace: model.parameterSpace,
                                           sizes: ["subdomains": model.partition.count, "nodes": model.partition.nodes.count,
                                                   "d": model.maxTerms, "truth_dimension": model.models[0].dimension],
                                           provenance: provenance)
        archive.otherEntries[ModelArchive.headerEntry] = try ModelArchive.encodedHeader(header)
        try AtomicFile.createParentFolder(of: url)
        try NPZ.write(archive, to: url, compressed: compressed)
    }

    static func contents(of model: MatrixPowerInterpolation) throws -> (arrays: [String: NPYArray], header: MatrixPowerHeader) {
        guard let coefficients = model.coefficients as? [ParameterFunction] else {
            throw ROMError.invalidOption(name: "model file coefficients", detail: "a model file stores expressions (ParameterFunction); "
                                         + "coefficients of type \(type(of: model.coefficients)) cannot be stored")
        }
        guard let stability = model.stability as? CoercivityBound else {
            throw ROMError.invalidOption(name: "model file stability bound", detail: "a model file stores a CoercivityBound (constant or min-θ); "
                                         + "\(type(of: model.stability)) cannot be stored")
        }
        let m = model.monomials.count, q = coefficients.count, d = model.terms
        let interpolation = model.interpolation
        var arrays: [String: NPYArray] = [
            "scalars": NPYArray(vector: [model.scaling, model.offset, model.vectors?.leftNorm ?? 0]),
            "monomials": NPYArray(shape: [m, q], fortranOrder: true,
                                  elements: .int64((0..<q).flatMap { k in model.monomials.map { $0[k] } })),
            "term_norms": NPYArray(vector: model.termNorms),
            "eim_points": NPYArray(shape: [d], fortranOrder: true, elements: .int64(interpolation.points)),
            "eim_basis": NPYArray(interpolation.basis),
            "selected_parameters": NPYArray(Matrix(columns: model.selectedParameters.map(\.values))),
            "log_determinants": NPYArray(vector: model.logDeterminants),
        ]
        if let reference = model.referenceCoefficients { arrays["reference_coefficients"] = NPYArray(vector: reference) }
        var sizes = ["n": model.dimension, "Q": q, "M": m, "d": d, "degree": model.degree, "R": 0, "quadratic": 0]
        if let vectors = model.vectors {
            arrays["left_values"] = NPYArray(vector: vectors.leftValues)
            arrays["residual_r"] = NPYArray(vectors.residualR)
            if let solutions = vectors.solutions { arrays["solutions"] = NPYArray(solutions) }
            sizes["R"] = vectors.residualR.rows
            sizes["quadratic"] = 1
        }
        let header = MatrixPowerHeader(format: formatName, version: formatVersion, method: matrixFunctionsSubdomainMethod,
                                       parameterSpace: model.parameterSpace, operatorCoefficients: coefficients, stability: stability,
                                       scaling: model.referenceCoefficients == nil ? "gershgorin" : "reference",
                                       formulation: interpolation.formulation.rawValue, sizes: sizes)
        return (arrays, header)
    }

    /// Reads a matrix-power interpolation model file.
    public static func readMatrixFunctions(_ url: URL) throws -> (model: PartitionedMatrixPowerInterpolation, provenance: Provenance) {
        try readMatrixFunctions(try openArchive(url), file: url.lastPathComponent)
    }

    static func readMatrixFunctions(_ archive: NPZArchive, file: String) throws -> (model: PartitionedMatrixPowerInterpolation, provenance: Provenance) {
        let arrays = ModelArrayReader(archive: archive, file: file)
        let header = try checkedHeader(MatrixFunctionsHeader.self, in: archive, arrays: arrays, method: matrixFunctionsMethod,
                                       describing: "a matrix-power interpolation model")
        let partition = try readPartition(arrays, space: header.parameterSpace, sizes: header.sizes)
        let models = try (0..<partition.count).map { i -> MatrixPowerInterpolation in
            let prefix = subdomainPrefix(i)
            guard let member = archive.member(prefix: prefix, file: file) else {
                throw arrays.invalid("the entry \(prefix)\(ModelArchive.headerEntry) of subdomain \(i) is missing")
            }
            let local = try readMatrixPower(member, file: "\(file) (subdomain \(i))")
            guard local.parameterSpace == partition.boxes[i] else {
                throw arrays.invalid("subdomain \(i)'s box is not the partition's (lower \(local.parameterSpace.lower), upper \(local.parameterSpace.upper))")
            }
            return local
        }
        return (PartitionedMatrixPowerInterpolation(partition: partition, models: models), header.provenance)
    }

    /// One subdomain's interpolation, every array checked.
    static func readMatrixPower(_ archive: NPZArchive, file: String) throws -> MatrixPowerInterpolation {
        let arrays = ModelArrayReader(archive: archive, file: file)
        let header = try checkedHeader(MatrixPowerHeader.self, in: archive, arrays: arrays, method: matrixFunctionsSubdomainMethod,
                                       describing: "a matrix-power interpolation")
        func size(_ key: String, atLeast minimum: Int = 0) throws -> Int { try arrays.size(key, in: header.sizes, atLeast: minimum) }
        let n = try size("n", atLeast: 1), q = try size("Q", atLeast: 1), m = try size("M", atLeast: 1), d = try size("d", atLeast: 1)
        let degree = try size("degree", atLeast: 1), r = try size("R"), quadratic = try size("quadratic")
        let space = header.parameterSpace, dim = space.dimension
        guard q == header.operatorCoefficients.count else {
            throw arrays.invalid("model.json lists \(header.operatorCoefficients.count) operator coefficients for Q = \(q)")
        }
        guard d <= m, degree <= 10_000, quadratic <= 1 else {
            throw arrays.invalid("model.json gives d = \(d) for M = \(m) monomials, degree \(degree), quadratic \(quadratic) (d ≤ M, degree ≤ 10000, quadratic 0 or 1)")
        }
        guard let formulation = EmpiricalInterpolation.Formulation(rawValue: header.formulation) else {
            throw arrays.invalid("the EIM formulation '\(header.formulation)' is not one of classical, symmetric, rectangular, deim")
        }
        guard ["reference", "gershgorin"].contains(header.scaling) else {
            throw arrays.invalid("the scaling '\(header.scaling)' is not reference or gershgorin")
        }
        try checkComponents(header.operatorCoefficients, kind: "operator", space: space, file: file)
        try checkCoercivityBound(header.stability, space: space, coefficients: header.operatorCoefficients, file: file)
        try arrays.checkProducts([("M·Q", [m, q]), ("M·d", [m, d]), ("dimension·d", [dim, d])])
        if quadratic == 1 { try arrays.checkProducts([("R·(1+Qd)", [r, 1 + q * d])]) }
        if arrays.has("solutions") { try arrays.checkProducts([("n·d", [n, d])]) }

        let scalars = try arrays.real("scalars", [3])
        guard scalars[0] > 0, scalars[2] >= 0 else {
            throw arrays.invalid("the array scalars gives α = \(scalars[0]) and ‖b‖ = \(scalars[2]), expected α > 0 and ‖b‖ ≥ 0")
        }
        let exponents = try arrays.indices("monomials", [m, q], in: 0..<(degree + 1))
        let monomials = (0..<m).map { i in (0..<q).map { exponents[$0 * m + i] } }
        if let bad = monomials.firstIndex(where: { $0.reduce(0, +) > degree }) {
            throw arrays.invalid("the array monomials: row \(bad), \(monomials[bad]), has a degree above \(degree)")
        }
        let norms = try arrays.real("term_norms", [q])
        if let bad = norms.firstIndex(where: { $0 < 0 }) { throw arrays.invalid("the array term_norms holds \(norms[bad]) < 0 at index \(bad)") }
        var reference: [Double]?
        if header.scaling == "reference" {
            let values = try arrays.real("reference_coefficients", [q])
            if let bad = values.firstIndex(where: { !($0 > 0) }) {
                throw arrays.invalid("the array reference_coefficients holds θ_\(bad)(μ̄) = \(values[bad]), expected positive")
            }
            reference = values
        }
        let points = try arrays.indices("eim_points", [d], in: 0..<m)
        let basis = Matrix(rows: m, columns: d, storage: try arrays.real("eim_basis", [m, d]))
        let selected = try arrays.real("selected_parameters", [dim, d])
        let parameters = (0..<d).map { Parameter(Array(selected[($0 * dim)..<(($0 + 1) * dim)])) }
        for (j, mu) in parameters.enumerated() {
            do { try space.validate(mu) } catch { throw arrays.invalid("the array selected_parameters: column \(j): \(error)") }
        }
        let logDets = try arrays.real("log_determinants", [d])
        var vectors: MatrixPowerInterpolation.Vectors?
        if quadratic == 1 {
            let leftValues = try arrays.real("left_values", [d])
            let residualR = Matrix(rows: r, columns: 1 + q * d, storage: try arrays.real("residual_r", [r, 1 + q * d]))
            let solutions = arrays.has("solutions") ? Matrix(rows: n, columns: d, storage: try arrays.real("solutions", [n, d])) : nil
            vectors = .init(leftNorm: scalars[2], solutions: solutions, leftValues: leftValues, residualR: residualR)
        }
        let interpolation: EmpiricalInterpolation
        do {
            interpolation = try EmpiricalInterpolation(basis: basis, points: points, formulation: formulation)
        } catch {
            throw arrays.invalid("the interpolation (eim_basis at eim_points): \(error)")
        }
        return MatrixPowerInterpolation(
            parameterSpace: space, coefficients: header.operatorCoefficients, dimension: n, scaling: scalars[0],
            referenceCoefficients: reference, offset: scalars[1], termNorms: norms, degree: degree, monomials: monomials,
            selectedParameters: parameters, logDeterminants: logDets, stability: header.stability, interpolation: interpolation,
            vectors: vectors)
    }
}
