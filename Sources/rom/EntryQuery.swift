import Foundation
import LinearAlgebra
import ROM

/// A nonintrusive model answering with magic entries supplied by the external code (`rom online
/// --matrix A.mtx [--rhs f]` or `--entries E.npy`): its `solve` uses the fixed entries, so the
/// query machinery (text, JSON, timing) works unchanged. A missing right-hand side is
/// interpolated at μ.
final class EntryQuery: OnlineModel {
    let evaluator: NonintrusiveModelEvaluator<Double>
    let operatorEntries: [Double]
    let rightHandSideEntries: [Double]?
    let mu: Parameter

    init(evaluator: NonintrusiveModelEvaluator<Double>, operatorEntries: [Double], rightHandSideEntries: [Double]?, mu: Parameter) {
        self.evaluator = evaluator
        self.operatorEntries = operatorEntries
        self.rightHandSideEntries = rightHandSideEntries
        self.mu = mu
    }

    /// Reads the entries from `--matrix`/`--rhs` or `--entries` for `evaluator`'s model.
    static func entries(for model: NonintrusiveReducedModel<Double>, matrix: String?, rhs: String?, entries: String?) throws
        -> (operator: [Double], rightHandSide: [Double]?) {
        let d = model.operatorPositions.count, l = model.rightHandSideIndices.count
        if let entries {
            let values = try NPY.read(URL(fileURLWithPath: entries)).doubles()
            guard values.count == d || values.count == d + l else {
                throw ToolError("--entries \(entries): \(values.count) values; the model reads \(d) operator entries, then optionally \(l) right-hand side entries ('rom info' lists them)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) { throw ToolError("--entries \(entries): value \(bad) is NaN or infinite") }
            return (Array(values[0..<d]), values.count == d + l ? Array(values[d...]) : nil)
        }
        guard let matrix else { throw ToolError("give --matrix or --entries") }
        let a = try MatrixMarket.readSparse(URL(fileURLWithPath: matrix))
        guard a.rows == model.order, a.columns == model.order else {
            throw ToolError("--matrix \(matrix): a \(a.rows)×\(a.columns) matrix; the model's truth order is \(model.order)")
        }
        // The model's positions lie inside its order (checked when it was loaded), as does a's.
        let operatorEntries = a.entries(at: model.operatorPositions.map { (row: $0.row, column: $0.column) })
        guard let rhs else { return (operatorEntries, nil) }
        let url = URL(fileURLWithPath: rhs)
        let f: [Double]
        if rhs.hasSuffix(".mtx") {
            let m = try MatrixMarket.readDense(url)
            guard m.columns == 1 || m.rows == 1 else { throw ToolError("--rhs \(rhs): a \(m.rows)×\(m.columns) matrix, expected a vector") }
            f = m.storage
        } else {
            f = try Double.readVector(url)
        }
        guard f.count == model.order else { throw ToolError("--rhs \(rhs): \(f.count) entries; the model's truth order is \(model.order)") }
        return (operatorEntries, model.rightHandSideIndices.map { f[$0] })
    }

    var method: String { evaluator.method }
    var methodDescription: String { evaluator.methodDescription + ", magic entries given" }
    var parameterSpace: ParameterSpace { evaluator.parameterSpace }
    var reducedDimension: Int { evaluator.reducedDimension }
    var outputCount: Int { 0 }
    var errorEstimateKind: ErrorEstimateKind { evaluator.errorEstimateKind }
    var canReconstruct: Bool { evaluator.canReconstruct }
    func solve(_ mu: Parameter) throws {
        try evaluator.solve(operatorEntries: operatorEntries, rightHandSideEntries: rightHandSideEntries, interpolatingAt: mu)
    }
    func solve(components mu: UnsafeBufferPointer<Double>) throws { try solve(self.mu) }
    var coefficients: [Double] { evaluator.coefficients }
    var outputs: [Double] { [] }
    var errorEstimate: Double { evaluator.errorEstimate }
    func outputErrorEstimate(_ k: Int) -> Double? { nil }
    var estimateDetails: [(name: String, value: Double)] { evaluator.estimateDetails }
    func reconstruct(_ coefficients: [Double]) throws -> [Double] { try evaluator.reconstruct(coefficients) }
    var sizes: [ModelSize] { evaluator.sizes }
    var facts: [ModelFact] { evaluator.facts }
}
