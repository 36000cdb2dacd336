import Foundation
import LinearAlgebra

/// The model file of the nonintrusive RB (method `nonintrusive-reduced-basis`): the `.npz` +
/// `model.json` container of `OnlineModelFile`, arrays in column-major order (float64, or
/// complex128 for a complex family):
///
///     reduced_operators (N, N, d+1)     Vᴴ Q_m V          reduced_rhs (N, d_f+1)      Vᴴ F_l
///     sketched_operators (k, N, d+1)    Θ Q_m V           sketched_rhs (k, d_f+1)     Θ F_l
///     operator_entries (d+1, 3)         row, column, part (0 real, 1 imaginary) of each magic entry
///     operator_interpolation (d+1, d+1) unit lower triangular B of the operator
///     rhs_entries (d_f+1, 2)            index, part;   rhs_interpolation (d_f+1, d_f+1)
///     coefficient_centres (p, D), coefficient_weights (p+D+1, d+d_f+2)   (the μ ↦ β, γ fit)
///     basis (n, N)                      optional
///
/// Loading checks every shape against the sizes of `model.json`, every index against the truth
/// order, the interpolation matrices' unit diagonal, and finiteness.
extension OnlineModelFile {
    /// The `method` of a nonintrusive reduced basis model.
    public static let nonintrusiveMethod = "nonintrusive-reduced-basis"

    struct NonintrusiveHeader: Codable, MethodModelHeader {
        var format: String
        var version: Int
        var method: String
        var scalar: String
        var parameterSpace: ParameterSpace
        var stabilityConstant: Double
        var sizes: [String: Int]
        var provenance: Provenance
    }

    /// Writes a nonintrusive model atomically.
    public static func write<Element: Scalar>(_ model: NonintrusiveReducedModel<Element>, to url: URL, provenance: Provenance,
                                              compressed: Bool = false) throws {
        let (arrays, header) = contents(of: model, provenance: provenance)
        try ModelArchive.write(arrays: arrays, header: header, to: url, compressed: compressed)
    }

    /// The arrays and the `model.json` header of a nonintrusive model file (what `write` stores;
    /// an hp model stores one such pair per subdomain).
    static func contents<Element: Scalar>(of model: NonintrusiveReducedModel<Element>, provenance: Provenance)
        -> (arrays: [String: NPYArray], header: NonintrusiveHeader) {
        let n = model.size, d = model.operatorPositions.count, l = model.rightHandSideIndices.count, k = model.sketchSize
        var arrays: [String: NPYArray] = [
            "reduced_operators": .scalars(model.reducedOperators.flatMap(\.storage), shape: [n, n, d]),
            "reduced_rhs": .scalars(model.reducedRightHandSides.flatMap { $0 }, shape: [n, l]),
            "sketched_operators": .scalars(model.sketchedOperators.flatMap(\.storage), shape: [k, n, d]),
            "sketched_rhs": .scalars(model.sketchedRightHandSides.flatMap { $0 }, shape: [k, l]),
            "operator_entries": NPYArray(Matrix(columns: [model.operatorPositions.map { Double($0.row) },
                                                          model.operatorPositions.map { Double($0.column) },
                                                          model.operatorParts.map { Double($0.rawValue) }])),
            "operator_interpolation": NPYArray(model.operatorInterpolationMatrix),
            "rhs_entries": NPYArray(Matrix(columns: [model.rightHandSideIndices.map(Double.init), model.rightHandSideParts.map { Double($0.rawValue) }])),
            "rhs_interpolation": NPYArray(model.rightHandSideInterpolationMatrix),
        ]
        var sizes = ["N": n, "d": d - 1, "d_f": l - 1, "k": k, "truth_dimension": model.order, "training": 0]
        if let c = model.coefficientInterpolation {
            arrays["coefficient_centres"] = NPYArray(c.centres)
            arrays["coefficient_weights"] = NPYArray(c.weights)
            sizes["training"] = c.centres.rows
        }
        if let basis = model.basis { arrays["basis"] = .scalars(basis.storage, shape: [basis.rows, n]) }
        let header = NonintrusiveHeader(format: formatName, version: formatVersion, method: nonintrusiveMethod,
                                        scalar: Element.isComplex ? "complex128" : "float64", parameterSpace: model.parameterSpace,
                                        stabilityConstant: model.stabilityConstant, sizes: sizes, provenance: provenance)
        return (arrays, header)
    }

    /// Reads a nonintrusive model file of scalar `Element`.
    public static func readNonintrusive<Element: Scalar>(_ url: URL, as type: Element.Type = Double.self) throws
        -> (model: NonintrusiveReducedModel<Element>, provenance: Provenance) {
        let file = url.lastPathComponent
        return try readNonintrusive(try NPZ.read(url), file: file, as: type)
    }

    static func readNonintrusive<Element: Scalar>(_ archive: NPZArchive, file: String, as type: Element.Type) throws
        -> (model: NonintrusiveReducedModel<Element>, provenance: Provenance) {
        let arrays = ModelArrayReader(archive: archive, file: file)
        let header = try checkedHeader(NonintrusiveHeader.self, in: archive, arrays: arrays, method: nonintrusiveMethod, describing: "a nonintrusive model")
        let scalar = Element.isComplex ? "complex128" : "float64"
        guard header.scalar == scalar else { throw arrays.invalid("the model's scalar is \(header.scalar), read as \(scalar)") }
        // Sizes: nonnegative, and no product of them overflows or exceeds what the file holds.
        func size(_ key: String) throws -> Int { try arrays.size(key, in: header.sizes) }
        let n = try size("N"), d = try size("d") + 1, l = try size("d_f") + 1, k = try size("k")
        let order = try size("truth_dimension"), training = try size("training")
        let dim = header.parameterSpace.dimension
        try arrays.checkProducts([("N·N·(d+1)", [n, n, d]), ("k·N·(d+1)", [k, n, d]), ("N·(d_f+1)", [n, l]), ("k·(d_f+1)", [k, l]),
                                  ("(d+1)·(d+1)", [d, d]), ("(d_f+1)·(d_f+1)", [l, l])])
        if arrays.has("coefficient_centres") {
            try arrays.checkProducts([("training·dimension", [training, dim]), ("(training+dimension+1)·(d+d_f+2)", [training + dim + 1, d + l])])
        }
        if arrays.has("basis") { try arrays.checkProducts([("n·N", [order, n])]) }
        let operators = try arrays.scalars("reduced_operators", [n, n, d], as: type)
        let loads = try arrays.scalars("reduced_rhs", [n, l], as: type)
        let sketched = try arrays.scalars("sketched_operators", [k, n, d], as: type)
        let sketchedLoads = try arrays.scalars("sketched_rhs", [k, l], as: type)
        let entries = try arrays.indices("operator_entries", [d, 3], in: 0..<Swift.max(order, 2))
        let rhsEntries = try arrays.indices("rhs_entries", [l, 2], in: 0..<Swift.max(order, 2))
        func parts(_ values: ArraySlice<Int>, _ what: String) throws -> [EntryPart] {
            try values.map { guard let p = EntryPart(rawValue: $0) else { throw arrays.invalid("\(what): part \($0) is not 0 or 1") }; return p }
        }
        var interpolation: ScatteredInterpolation?
        if arrays.has("coefficient_centres") {
            let centres = Matrix(rows: training, columns: dim, storage: try arrays.real("coefficient_centres", [training, dim]))
            let weights = Matrix(rows: training + dim + 1, columns: d + l, storage: try arrays.real("coefficient_weights", [training + dim + 1, d + l]))
            interpolation = ScatteredInterpolation(centres: centres, space: header.parameterSpace, weights: weights)
        }
        var basis: DenseMatrix<Element>?
        if arrays.has("basis") { basis = DenseMatrix(rows: order, columns: n, storage: try arrays.scalars("basis", [order, n], as: type)) }
        do {
            let model = try NonintrusiveReducedModel<Element>(
                parameterSpace: header.parameterSpace, order: order,
                operatorPositions: (0..<d).map { MatrixPosition(row: entries[$0], column: entries[d + $0]) },
                operatorParts: try parts(entries[(2 * d)..<(3 * d)], "operator_entries"),
                operatorInterpolationMatrix: Matrix(rows: d, columns: d, storage: try arrays.real("operator_interpolation", [d, d])),
                rightHandSideIndices: Array(rhsEntries[0..<l]), rightHandSideParts: try parts(rhsEntries[l..<(2 * l)], "rhs_entries"),
                rightHandSideInterpolationMatrix: Matrix(rows: l, columns: l, storage: try arrays.real("rhs_interpolation", [l, l])),
                reducedOperators: (0..<d).map { DenseMatrix(rows: n, columns: n, storage: Array(operators[($0 * n * n)..<(($0 + 1) * n * n)])) },
                reducedRightHandSides: (0..<l).map { Array(loads[($0 * n)..<(($0 + 1) * n)]) },
                sketchedOperators: (0..<d).map { DenseMatrix(rows: k, columns: n, storage: Array(sketched[($0 * k * n)..<(($0 + 1) * k * n)])) },
                sketchedRightHandSides: (0..<l).map { Array(sketchedLoads[($0 * k)..<(($0 + 1) * k)]) },
                stabilityConstant: header.stabilityConstant, coefficientInterpolation: interpolation, basis: basis)
            return (model, header.provenance)
        } catch let error as ROMError {
            throw arrays.invalid("\(error)")
        }
    }
}
