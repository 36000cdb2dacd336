import Foundation
import LinearAlgebra
import ROM

/// A nonintrusive model answering with magic entries supplied by the external code (`rom online
/// --matrix A.mtx [--rhs f]` or `--entries E.npy`): its `solve` uses the fixed entries, so the
/// query machinery (text, JSON, timing) works unchanged. A missing right-hand side is
/// interpolated at μ. Real and complex models alike (a complex model reads a complex
/// MatrixMarket file and complex128 `.npy` entries).
final class EntryQuery: OnlineModel {
    let base: any OnlineModel
    let mu: Parameter
    private let answer: (Parameter) throws -> Void

    /// The query of `model` (a real or complex nonintrusive model, or the local model of μ's
    /// subdomain in an hp model) with the entries of
    /// `--matrix`/`--rhs` or `--entries`; throws for any other model.
    init(_ model: any OnlineModel, mu: Parameter, matrix: String?, rhs: String?, entries: String?, file: String) throws {
        var base = model
        if let hp = model as? PartitionedNonintrusiveEvaluator<Double> {
            // An hp model: the entries are those of the local model of μ's subdomain.
            base = mu.values.withUnsafeBufferPointer { hp.select($0) }
        }
        self.base = base
        self.mu = mu
        if let real = base as? NonintrusiveModelEvaluator<Double> {
            let given = try Self.entries(for: real.model, matrix: matrix, rhs: rhs, entries: entries)
            answer = { try real.solve(operatorEntries: given.operator, rightHandSideEntries: given.rightHandSide, interpolatingAt: $0) }
        } else if let complex = base as? ComplexNonintrusiveModel {
            let given = try Self.entries(for: complex.evaluator.model, matrix: matrix, rhs: rhs, entries: entries)
            answer = { try complex.evaluator.solve(operatorEntries: given.operator, rightHandSideEntries: given.rightHandSide, interpolatingAt: $0) }
        } else {
            throw ToolError("--matrix and --entries need a nonintrusive model; \(file) is a '\(base.method)' model")
        }
    }

    /// Reads the entries from `--matrix`/`--rhs` or `--entries` for `model`.
    static func entries<Element: MatrixMarketScalar>(for model: NonintrusiveReducedModel<Element>, matrix: String?, rhs: String?,
                                                     entries: String?) throws -> (operator: [Element], rightHandSide: [Element]?) {
        let d = model.operatorPositions.count, l = model.rightHandSideIndices.count
        if let entries {
            let values = try Element.readVector(URL(fileURLWithPath: entries))
            guard values.count == d || values.count == d + l else {
                throw ToolError("--entries \(entries): \(values.count) values; the model reads \(d) operator entries, then optionally \(l) right-hand side entries ('rom info' lists them)")
            }
            return (Array(values[0..<d]), values.count == d + l ? Array(values[d...]) : nil)
        }
        guard let matrix else { throw ToolError("give --matrix or --entries") }
        let a = try Element.readMatrixMarket(URL(fileURLWithPath: matrix))
        guard a.rows == model.order, a.columns == model.order else {
            throw ToolError("--matrix \(matrix): a \(a.rows)×\(a.columns) matrix; the model's truth order is \(model.order)")
        }
        // The model's positions lie inside its order (checked when it was loaded), as does a's.
        let operatorEntries = a.entries(at: model.operatorPositions.map { (row: $0.row, column: $0.column) })
        guard let rhs else { return (operatorEntries, nil) }
        let url = URL(fileURLWithPath: rhs)
        let f: [Element]
        if rhs.hasSuffix(".mtx") {
            guard !Element.isComplex else { throw ToolError("--rhs \(rhs): a complex model reads f(μ) from a .npy file (complex128)") }
            let m = try MatrixMarket.readDense(url)
            guard m.columns == 1 || m.rows == 1 else { throw ToolError("--rhs \(rhs): a \(m.rows)×\(m.columns) matrix, expected a vector") }
            f = m.storage.map { Element(real: $0) }
        } else {
            f = try Element.readVector(url)
        }
        guard f.count == model.order else { throw ToolError("--rhs \(rhs): \(f.count) entries; the model's truth order is \(model.order)") }
        return (operatorEntries, model.rightHandSideIndices.map { f[$0] })
    }

    var method: String { base.method }
    var methodDescription: String { base.methodDescription + ", magic entries given" }
    var parameterSpace: ParameterSpace { base.parameterSpace }
    var reducedDimension: Int { base.reducedDimension }
    var isComplex: Bool { base.isComplex }
    var outputCount: Int { 0 }
    var errorEstimateKind: ErrorEstimateKind { base.errorEstimateKind }
    var canReconstruct: Bool { base.canReconstruct }
    func solve(_ mu: Parameter) throws { try answer(mu) }
    func solve(components mu: UnsafeBufferPointer<Double>) throws { try solve(self.mu) }
    var coefficients: [Double] { base.coefficients }
    var outputs: [Double] { [] }
    var errorEstimate: Double { base.errorEstimate }
    func outputErrorEstimate(_ k: Int) -> Double? { nil }
    var estimateDetails: [(name: String, value: Double)] { base.estimateDetails }
    func reconstruct(_ coefficients: [Double]) throws -> [Double] { try base.reconstruct(coefficients) }
    var sizes: [ModelSize] { base.sizes }
    var facts: [ModelFact] { base.facts }
}
