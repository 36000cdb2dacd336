import LinearAlgebra

/// What the error number of an online query is.
public enum ErrorEstimateKind: String, Sendable, Codable {
    /// A certified upper bound of ‖u(μ) − V u_N(μ)‖_X (residual dual norm over a stability bound).
    case certifiedBound = "certified-bound"
    /// An indicator that tracks the error without bounding it (a residual norm, a comparison).
    case indicator
    /// The model estimates no error.
    case none
}

/// The online stage of any reduced model, as `rom online`, `rom info` and the drivers see it:
/// a query μ ↦ reduced coefficients, outputs, an error estimate or indicator, and the field.
/// The certified RB model (`ReducedModelEvaluator`) and the Galerkin model of a problem without
/// an affine split (`GalerkinProjectionModel`) conform; nonintrusive, localized and hyper-reduced
/// models are further kinds (docs/architecture.md). `OnlineModelFile.load` reads a model file
/// back as one of these by its `method` key.
///
/// A model owns its workspace and keeps the answers of the last query: one instance per thread.
public protocol OnlineModel: AnyObject {
    /// The `method` key of the model file ("reduced-basis").
    var method: String { get }
    /// A short human-readable name of the method ("reduced basis, Galerkin").
    var methodDescription: String { get }
    /// The parameter box the model answers on.
    var parameterSpace: ParameterSpace { get }
    /// The reduced dimension N: the length of `coefficients` (2N for a complex model, `isComplex`).
    var reducedDimension: Int { get }
    /// Whether the model is complex: then `coefficients` holds the N complex coefficients as 2N
    /// real numbers, real and imaginary parts interleaved (re₀, im₀, re₁, im₁, …: numpy's
    /// `view(complex)` of them), and `reconstruct` takes and returns fields the same way.
    /// Default: false.
    var isComplex: Bool { get }
    /// Number of outputs s_k(μ).
    var outputCount: Int { get }
    /// The outputs' names (`rom online --output NAME`). Default: `output_0`, `output_1`, ….
    var outputNames: [String] { get }
    /// What `errorEstimate` is.
    var errorEstimateKind: ErrorEstimateKind { get }
    /// Whether `reconstruct` can form fields (the basis is kept).
    var canReconstruct: Bool { get }

    /// Answers the query μ (validated against the parameter space).
    func solve(_ mu: Parameter) throws
    /// Answers the query with μ given as its components, not validated: the allocation-free path
    /// of timing loops.
    func solve(components mu: UnsafeBufferPointer<Double>) throws
    /// The reduced coefficients u_N(μ) of the last query.
    var coefficients: [Double] { get }
    /// The outputs of the last query.
    var outputs: [Double] { get }
    /// The error estimate (or indicator) of the last query, in the X norm.
    var errorEstimate: Double { get }
    /// The bound or indicator of output k's error for the last query, if the model has one.
    func outputErrorEstimate(_ k: Int) -> Double?
    /// Named parts of the last estimate, in display order (the residual norm and the stability
    /// bound of a certified RB model).
    var estimateDetails: [(name: String, value: Double)] { get }
    /// The field V u_N of reduced coefficients.
    func reconstruct(_ coefficients: [Double]) throws -> [Double]
    /// The answers at the columns of `parameters` (d × M, validated): the same as one `solve`
    /// per μ, to round-off. Default: one `solve(components:)` per column; the certified RB model
    /// evaluates the block batched (`ReducedModelBatchEvaluator`). What the single-query accessors
    /// (`coefficients`, `errorEstimate`, …) hold afterwards is unspecified.
    func solve(block parameters: Matrix) throws -> OnlineAnswers

    /// The sizes of the model, in display order, with their meaning (what `rom info` lists).
    var sizes: [ModelSize] { get }
    /// What else describes the model (coefficients, estimator, solver), in display order.
    var facts: [ModelFact] { get }
}

/// One size of an online model: `N = 12 (reduced basis size)`.
public struct ModelSize: Sendable {
    /// The key in `model.json` and in `rom info --json`.
    public let key: String
    /// The value.
    public let value: Int
    /// What it counts.
    public let meaning: String

    /// A size.
    public init(key: String, value: Int, meaning: String) {
        self.key = key
        self.value = value
        self.meaning = meaning
    }
}

/// One fact about an online model, as text (a label and its lines) and as JSON (a key and a value).
public struct ModelFact: Sendable {
    /// The JSON key.
    public let key: String
    /// The text label.
    public let label: String
    /// The text: one line follows the label, unless `isList` (then each is listed under it).
    public let lines: [String]
    /// Whether the lines are a list (printed under the label, one per line).
    public let isList: Bool
    /// The JSON value.
    public let json: JSONValue

    /// A fact.
    public init(key: String, label: String, lines: [String], isList: Bool = false, json: JSONValue) {
        self.key = key
        self.label = label
        self.lines = lines
        self.isList = isList
        self.json = json
    }
}

extension OnlineModel {
    /// Real.
    public var isComplex: Bool { false }

    /// `output_0`, `output_1`, ….
    public var outputNames: [String] { (0..<outputCount).map { "output_\($0)" } }

    /// The fields of every answer: the columns of V U.
    public func reconstruct(columns coefficients: [[Double]]) throws -> Matrix {
        Matrix(columns: try coefficients.map { try reconstruct($0) })
    }
}

extension ReducedModelEvaluator: OnlineModel {
    /// "reduced-basis".
    public var method: String { OnlineModelFile.reducedBasisMethod }
    /// "reduced basis, Galerkin".
    public var methodDescription: String { "reduced basis, Galerkin" }
    /// The model's parameter box.
    public var parameterSpace: ParameterSpace { model.parameterSpace }
    /// N.
    public var reducedDimension: Int { model.size }
    /// Number of outputs.
    public var outputCount: Int { model.reducedOutputs.count }
    /// A certified bound.
    public var errorEstimateKind: ErrorEstimateKind { .certifiedBound }
    /// Whether the basis is kept.
    public var canReconstruct: Bool { model.basis != nil }
    /// `solve(_: UnsafeBufferPointer<Double>)`.
    public func solve(components mu: UnsafeBufferPointer<Double>) throws { try solve(mu) }
    /// ‖l_k‖_{X'} Δ(μ).
    public func outputErrorEstimate(_ k: Int) -> Double? { outputBound(k) }
    /// The residual dual norm and the coercivity lower bound of the last query.
    public var estimateDetails: [(name: String, value: Double)] {
        [("residual_norm", residualNorm), ("coercivity_lower_bound", coercivityLowerBound)]
    }
    /// V u_N (needs the basis).
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] { try model.reconstruct(coefficients) }
    /// The block by `ReducedModelBatchEvaluator` (made at the first call, then kept).
    public func solve(block parameters: Matrix) throws -> OnlineAnswers { try batchEvaluator.solve(parameters).online }
    /// N, Q, P, R, outputs, truth dimension.
    public var sizes: [ModelSize] { model.sizes }
    /// Coefficients, coercivity bound, estimator, reduced solver, basis.
    public var facts: [ModelFact] { model.facts }
}
