import ComplexModule
import RealModule
import Foundation
import LinearAlgebra

/// An online reduced model as one `.npz` file: NumPy arrays plus a `model.json` entry with the
/// format version, parameter space, coefficient expressions, method and provenance. The file is all
/// the online stage needs; `numpy.load` opens it too.
///
/// Arrays (float64, Fortran order): `reduced_operators` (N, N, Q), `reduced_rhs` (N, P),
/// `reduced_outputs` (N, K), `output_dual_norms` (K), `residual_gram` (P+QN, P+QN),
/// `residual_coefficients` (R, P+QN), and `basis` (n, N) when the model keeps it. A model with
/// the residual-norm interpolation (`.empiricalInterpolation`) adds `residual_interpolation_points`
/// (int64, (S, 2): k_t, l_t), `residual_interpolation_matrix` (S, S), `residual_interpolation_norms`
/// (S: ‖r(μ_s)‖²) and `residual_interpolation_parameters` (d, S), and the size `S`.
///
/// Writing is atomic (temporary file in the same folder, then rename). Loading checks the format
/// name and version, every array's presence, type and shape, and the zip CRC of every entry, and
/// throws `ROMError.invalidModel` naming the file and what is wrong.
public enum OnlineModelFile {
    /// The format version written; loading accepts this one only.
    public static let formatVersion = 1
    /// The `format` field of `model.json`.
    public static let formatName = "romkit-online-model"
    /// The `method` of a certified reduced basis model.
    public static let reducedBasisMethod = "reduced-basis"
    /// The methods this ROMKit reads, each answered by its `OnlineModel`.
    public static let methods = [reducedBasisMethod, nonintrusiveMethod, localReducedBasesMethod, hyperReducedMechanicsMethod, hpNonintrusiveMethod,
                                  matrixFunctionsMethod]

    /// Provenance recorded in the model: who made it, from what, when.
    public typealias Provenance = FileProvenance

    /// The `model.json` entry.
    struct Header: Codable {
        var format: String
        var version: Int
        var method: String
        var parameterSpace: ParameterSpace
        var operatorCoefficients: [ParameterFunction]
        var rightHandSideCoefficients: [ParameterFunction]
        var coercivityBound: CoercivityBound
        var symmetric: Bool
        var residualNormMethod: ResidualNormMethod
        var sizes: [String: Int]
        var provenance: Provenance
    }

    /// Writes `model` to `url` atomically. Throws `ROMError.invalidOption` for a model whose
    /// coefficients are not expressions (`[ParameterFunction]`) or whose stability bound is not a
    /// `CoercivityBound`: the file stores those as text, and nothing else can be stored.
    public static func write(_ model: ReducedModel, to url: URL, provenance: Provenance, compressed: Bool = false) throws {
        let (arrays, header) = try contents(of: model, provenance: provenance)
        try ModelArchive.write(arrays: arrays, header: header, to: url, compressed: compressed)
    }

    /// The arrays and the `model.json` header of a certified RB model file (what `write` stores;
    /// a dictionary of local models stores one such pair per cluster).
    static func contents(of model: ReducedModel, provenance: Provenance) throws -> (arrays: [String: NPYArray], header: Header) {
        guard let operatorCoefficients = model.operatorCoefficients as? [ParameterFunction],
              let rightHandSideCoefficients = model.rightHandSideCoefficients as? [ParameterFunction] else {
            throw ROMError.invalidOption(name: "model file coefficients", detail: "a model file stores expressions (ParameterFunction); "
                                         + "coefficients of type \(type(of: model.operatorCoefficients)) and \(type(of: model.rightHandSideCoefficients)) cannot be stored")
        }
        guard let coercivityBound = model.coercivityBound as? CoercivityBound else {
            throw ROMError.invalidOption(name: "model file stability bound", detail: "a model file stores a CoercivityBound (constant or min-θ); "
                                         + "\(type(of: model.coercivityBound)) cannot be stored")
        }
        let n = model.size, q = model.operatorCoefficients.count
        var arrays: [String: NPYArray] = [
            "reduced_operators": NPYArray(shape: [n, n, q], fortranOrder: true,
                                          elements: .float64(model.reducedOperators.flatMap(\.storage))),
            "reduced_rhs": NPYArray(Matrix(rows: n, columns: model.reducedRightHandSides.count,
                                           storage: model.reducedRightHandSides.flatMap { $0 })),
            "reduced_outputs": NPYArray(Matrix(rows: n, columns: model.reducedOutputs.count, storage: model.reducedOutputs.flatMap { $0 })),
            "output_dual_norms": NPYArray(vector: model.outputDualNorms),
            "residual_gram": NPYArray(model.residualGram),
            "residual_coefficients": NPYArray(model.residualCoefficients),
        ]
        if let basis = model.basis { arrays["basis"] = NPYArray(basis) }
        var sizes = ["N": n, "Q": q, "P": model.reducedRightHandSides.count, "outputs": model.reducedOutputs.count,
                     "R": model.residualCoefficients.rows, "truth_dimension": model.basis?.rows ?? 0]
        if let interpolation = model.residualInterpolation {
            let s = interpolation.terms
            arrays["residual_interpolation_points"] = NPYArray(shape: [s, 2], fortranOrder: true,
                                                               elements: .int64(interpolation.rows + interpolation.columns))
            arrays["residual_interpolation_matrix"] = NPYArray(interpolation.interpolationMatrix)
            arrays["residual_interpolation_norms"] = NPYArray(vector: interpolation.squaredResidualNorms)
            arrays["residual_interpolation_parameters"] = NPYArray(interpolation.parameters)
            sizes["S"] = s
        }
        let header = Header(format: formatName, version: formatVersion, method: reducedBasisMethod,
                            parameterSpace: model.parameterSpace, operatorCoefficients: operatorCoefficients,
                            rightHandSideCoefficients: rightHandSideCoefficients, coercivityBound: coercivityBound,
                            symmetric: model.isSymmetric, residualNormMethod: model.residualNormMethod,
                            sizes: sizes,
                            provenance: provenance)
        return (arrays, header)
    }

    /// What `read` returns: the model and its provenance.
    public struct Contents: Sendable {
        /// The online model.
        public let model: ReducedModel
        /// Who made it and how.
        public let provenance: Provenance
        /// The sizes recorded in the file (N, Q, P, R, outputs, truth_dimension; S with the residual interpolation).
        public let sizes: [String: Int]
    }

    /// What `load` returns: the online model of whatever method the file holds, and its provenance.
    public struct Loaded {
        /// The model, ready for queries.
        public let model: any OnlineModel
        /// The `method` key of the file.
        public let method: String
        /// Who made it and how.
        public let provenance: Provenance
    }

    /// The `method` key of a model file, read without its arrays.
    struct MethodHeader: Codable {
        var format: String
        var version: Int
        var method: String
    }

    /// The `scalar` key of a model file ("float64" or "complex128"; absent: real).
    struct ScalarHeader: Codable {
        var scalar: String?
    }

    /// Reads a model file of any method this ROMKit knows (`methods`) and returns its online
    /// model: what `rom online` and `rom info` use. Throws `ROMError.invalidModel` for a file that
    /// is not a model, a version or a method it does not read, and whatever the method's reader finds.
    public static func load(_ url: URL) throws -> Loaded {
        let file = url.lastPathComponent
        let archive = try openArchive(url)
        let header: MethodHeader
        do {
            guard let decoded = try ModelArchive.header(MethodHeader.self, in: archive) else {
                throw ROMError.invalidModel(file: file, detail: "the entry model.json is missing")
            }
            header = decoded
        } catch let error as ROMError {
            throw error
        } catch {
            throw ROMError.invalidModel(file: file, detail: "model.json is not a model description (\(error))")
        }
        try checkFormat(header.format, header.version, file: file)
        switch header.method {
        case reducedBasisMethod:
            let contents = try read(archive, file: file)
            return Loaded(model: ReducedModelEvaluator(model: contents.model), method: header.method, provenance: contents.provenance)
        case nonintrusiveMethod:
            // An unreadable scalar key is left to the real reader, which names the problem.
            if (try? ModelArchive.header(ScalarHeader.self, in: archive))??.scalar == "complex128" {
                let (model, provenance) = try readNonintrusive(archive, file: file, as: Complex<Double>.self)
                return Loaded(model: ComplexNonintrusiveModel(NonintrusiveModelEvaluator(model: model)), method: header.method,
                              provenance: provenance)
            }
            let (model, provenance) = try readNonintrusive(archive, file: file, as: Double.self)
            return Loaded(model: NonintrusiveModelEvaluator(model: model), method: header.method, provenance: provenance)
        case localReducedBasesMethod:
            let (model, provenance) = try readLocal(archive, file: file)
            return Loaded(model: LocalReducedModelEvaluator(model: model), method: header.method, provenance: provenance)
        case hyperReducedMechanicsMethod:
            let (model, provenance) = try readHyperReduced(archive, file: file)
            return Loaded(model: try HyperReducedModelEvaluator(model: model), method: header.method, provenance: provenance)
        case hpNonintrusiveMethod:
            let (model, provenance) = try readPartitionedNonintrusive(archive, file: file, as: Double.self)
            return Loaded(model: PartitionedNonintrusiveEvaluator(model: model), method: header.method, provenance: provenance)
        case matrixFunctionsMethod:
            let (model, provenance) = try readMatrixFunctions(archive, file: file)
            return Loaded(model: MatrixFunctionEvaluator(model: model), method: header.method, provenance: provenance)
        default:
            throw ROMError.invalidModel(file: file, detail: "method '\(header.method)' is not one this ROMKit reads ("
                                        + methods.joined(separator: ", ") + ")")
        }
    }

    static func openArchive(_ url: URL) throws -> NPZArchive {
        do {
            return try NPZ.read(url)
        } catch let error as FileFormatError {
            throw ROMError.invalidModel(file: url.lastPathComponent, detail: "not a readable model archive: \(error)")
        }
    }

    static func checkFormat(_ format: String, _ version: Int, file: String) throws {
        guard format == formatName else { throw ROMError.invalidModel(file: file, detail: "format is '\(format)', expected '\(formatName)'") }
        guard version == formatVersion else {
            throw ROMError.invalidModel(file: file, detail: "format version \(version); this ROMKit reads version \(formatVersion)")
        }
    }

    /// Throws unless the stability bound can be evaluated at every μ of the space: a constant
    /// (or α(μ̄)) positive and finite, a reference μ̄ with one finite component per parameter and
    /// θ_q(μ̄) positive and finite for every q (the min-θ ratio divides by them). The coefficients
    /// are checked to read components of the space before this is called.
    private static func checkCoercivityBound(_ header: Header, file: String) throws {
        try checkCoercivityBound(header.coercivityBound, space: header.parameterSpace, coefficients: header.operatorCoefficients, file: file)
    }

    /// The checks of `checkCoercivityBound(_:file:)` for a bound over `space` with the operator
    /// coefficients `coefficients` (already checked to read components of the space).
    static func checkCoercivityBound(_ bound: CoercivityBound, space: ParameterSpace, coefficients: [ParameterFunction], file: String) throws {
        func invalid(_ detail: String) -> ROMError { .invalidModel(file: file, detail: "the coercivity bound: " + detail) }
        switch bound {
        case .constant(let c):
            guard c > 0, c.isFinite else { throw invalid("the constant is \(c), expected a positive finite number") }
        case let .minTheta(reference, alpha):
            guard alpha > 0, alpha.isFinite else { throw invalid("the reference constant α(μ̄) is \(alpha), expected a positive finite number") }
            let dimension = space.dimension
            guard reference.count == dimension else {
                throw invalid("the reference parameter has \(reference.count) components, the parameter space has \(dimension)")
            }
            if let bad = reference.firstIndex(where: { !$0.isFinite }) { throw invalid("component \(bad) of the reference parameter is \(reference[bad])") }
            let thetas = coefficients(Parameter(reference))
            if let bad = thetas.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
                throw invalid("θ_\(bad)(μ̄) = \(thetas[bad]) for '\(coefficients[bad])', expected positive and finite (min-θ divides by it)")
            }
        }
    }

    /// Throws unless every expression reads only components of `space`.
    static func checkComponents(_ list: [ParameterFunction], kind: String, space: ParameterSpace, file: String) throws {
        if let (index, theta) = list.enumerated().first(where: { $0.element.largestComponent >= space.dimension }) {
            throw ROMError.invalidModel(file: file, detail: "\(kind) coefficient \(index) '\(theta)' reads mu[\(theta.largestComponent)] of a "
                                        + "\(space.dimension)-component parameter space (\(space.names.joined(separator: ", ")))")
        }
    }

    /// Reads and checks a certified reduced basis model file.
    public static func read(_ url: URL) throws -> Contents {
        try read(try openArchive(url), file: url.lastPathComponent)
    }

    static func read(_ archive: NPZArchive, file: String) throws -> Contents {
        func invalid(_ detail: String) -> ROMError { .invalidModel(file: file, detail: detail) }
        let decoded: Header?
        do {
            decoded = try ModelArchive.header(Header.self, in: archive)
        } catch {
            throw invalid("model.json is not a model description (\(error))")
        }
        guard let header = decoded else { throw invalid("the entry model.json is missing") }
        try checkFormat(header.format, header.version, file: file)
        guard header.method == reducedBasisMethod else {
            throw invalid("method is '\(header.method)', expected '\(reducedBasisMethod)' (OnlineModelFile.load reads every method)")
        }
        let arrays = ModelArrayReader(archive: archive, file: file)
        func size(_ key: String, atLeast minimum: Int = 0) throws -> Int {
            guard let value = header.sizes[key] else { throw invalid("model.json lacks the size '\(key)'") }
            guard value >= minimum, value <= ModelArrayReader.largestSize else {
                throw invalid("model.json gives the size \(key) = \(value), expected a whole number in \(minimum)...\(ModelArrayReader.largestSize)")
            }
            return value
        }
        let n = try size("N", atLeast: 1), q = try size("Q", atLeast: 1), p = try size("P", atLeast: 1)
        let outputs = try size("outputs"), r = try size("R")
        guard q == header.operatorCoefficients.count, p == header.rightHandSideCoefficients.count else {
            throw invalid("model.json lists \(header.operatorCoefficients.count) operator and \(header.rightHandSideCoefficients.count) right-hand side coefficients for Q = \(q), P = \(p)")
        }
        // Every product of sizes is checked before it is computed: none may overflow or exceed the file.
        try arrays.checkProducts([("N·N·Q", [n, n, q]), ("Q·N", [q, n]), ("N·P", [n, p]), ("N·outputs", [n, outputs])])
        let k = p + q * n
        try arrays.checkProducts([("(P+QN)·(P+QN)", [k, k]), ("R·(P+QN)", [r, k])])
        for (kind, list) in [("operator", header.operatorCoefficients), ("right-hand side", header.rightHandSideCoefficients)] {
            try checkComponents(list, kind: kind, space: header.parameterSpace, file: file)
        }
        try checkCoercivityBound(header, file: file)
        func array(_ name: String, _ shape: [Int]) throws -> [Double] { try arrays.real(name, shape) }
        let operators = try array("reduced_operators", [n, n, q])
        let rhs = try array("reduced_rhs", [n, p])
        let outs = try array("reduced_outputs", [n, outputs])
        let dualNorms = try array("output_dual_norms", [outputs])
        let gram = try array("residual_gram", [k, k])
        let coefficients = try array("residual_coefficients", [r, k])
        var basis: Matrix?
        if arrays.has("basis") {
            let rows = try size("truth_dimension", atLeast: 1)
            try arrays.checkProducts([("truth_dimension·N", [rows, n])])
            basis = Matrix(rows: rows, columns: n, storage: try array("basis", [rows, n]))
        }
        var interpolation: ResidualNormInterpolation?
        if header.sizes["S"] != nil || header.residualNormMethod == .empiricalInterpolation {
            let s = try size("S", atLeast: 1)
            try arrays.checkProducts([("S·S", [s, s]), ("dimension·S", [header.parameterSpace.dimension, s])])
            let points = try arrays.indices("residual_interpolation_points", [s, 2], in: 0..<Swift.max(k, 1))
            let f = try array("residual_interpolation_matrix", [s, s])
            let norms = try array("residual_interpolation_norms", [s])
            let d = header.parameterSpace.dimension
            let parameters = try array("residual_interpolation_parameters", [d, s])
            do {
                interpolation = try ResidualNormInterpolation(
                    rows: Array(points[0..<s]), columns: Array(points[s..<(2 * s)]), interpolationMatrix: Matrix(rows: s, columns: s, storage: f),
                    squaredResidualNorms: norms, parameters: Matrix(rows: d, columns: s, storage: parameters), coefficientCount: k)
            } catch let error as ROMError {
                throw invalid("the residual interpolation: \(error)")
            }
        }
        do {
            let model = try ReducedModel(
                parameterSpace: header.parameterSpace, operatorCoefficients: header.operatorCoefficients,
                rightHandSideCoefficients: header.rightHandSideCoefficients,
                reducedOperators: (0..<q).map { Matrix(rows: n, columns: n, storage: Array(operators[($0 * n * n)..<(($0 + 1) * n * n)])) },
                reducedRightHandSides: (0..<p).map { Array(rhs[($0 * n)..<(($0 + 1) * n)]) },
                reducedOutputs: (0..<outputs).map { Array(outs[($0 * n)..<(($0 + 1) * n)]) },
                outputDualNorms: dualNorms, residualGram: Matrix(rows: k, columns: k, storage: gram),
                residualCoefficients: Matrix(rows: r, columns: k, storage: coefficients),
                coercivityBound: header.coercivityBound, isSymmetric: header.symmetric, basis: basis,
                residualNormMethod: header.residualNormMethod, residualInterpolation: interpolation)
            return Contents(model: model, provenance: header.provenance, sizes: header.sizes)
        } catch let error as ROMError {
            throw invalid("\(error)")
        }
    }
}

