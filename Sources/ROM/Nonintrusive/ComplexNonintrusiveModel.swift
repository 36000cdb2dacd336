import ComplexModule
import RealModule
import LinearAlgebra

/// A complex nonintrusive reduced model (a Helmholtz family: `NonintrusiveModelEvaluator` over
/// `Complex<Double>`) as an `OnlineModel`, so that `rom online`, `rom info` and the drivers see it
/// through the protocol. The protocol's numbers are real: the N complex coefficients u_N(μ) are
/// handed out as 2N reals, real and imaginary parts interleaved (what numpy's `view(complex)`
/// turns back into N complex numbers), and fields likewise (2n reals). β and γ are real (the
/// matrix EIM interpolates over the reals), the reduced solve is LAPACK `zgesv`.
public final class ComplexNonintrusiveModel: OnlineModel {
    /// The complex evaluator.
    public let evaluator: NonintrusiveModelEvaluator<Complex<Double>>

    /// Adopts `evaluator`.
    public init(_ evaluator: NonintrusiveModelEvaluator<Complex<Double>>) { self.evaluator = evaluator }

    /// "nonintrusive-reduced-basis".
    public var method: String { evaluator.method }
    /// "nonintrusive reduced basis (matrix EIM), Hermitian Galerkin, complex".
    public var methodDescription: String { evaluator.methodDescription }
    /// The model's parameter box.
    public var parameterSpace: ParameterSpace { evaluator.parameterSpace }
    /// 2N: the reals of `coefficients`.
    public var reducedDimension: Int { 2 * evaluator.model.size }
    /// True.
    public var isComplex: Bool { true }
    /// No outputs.
    public var outputCount: Int { 0 }
    /// An indicator.
    public var errorEstimateKind: ErrorEstimateKind { evaluator.errorEstimateKind }
    /// Whether the basis is kept.
    public var canReconstruct: Bool { evaluator.canReconstruct }

    /// Answers μ: entries from the evaluator's entry source, else β and γ interpolated in μ.
    public func solve(_ mu: Parameter) throws { try evaluator.solve(mu) }
    /// The same with μ's components (not validated).
    public func solve(components mu: UnsafeBufferPointer<Double>) throws {
        if evaluator.entrySource != nil { try evaluator.solve(Parameter(Array(mu))) } else { try evaluator.solve(interpolating: mu) }
    }
    /// u_N(μ), interleaved (re, im).
    public var coefficients: [Double] { Self.interleaved(evaluator.coefficients) }
    /// No outputs.
    public var outputs: [Double] { [] }
    /// The indicator of the last query.
    public var errorEstimate: Double { evaluator.errorEstimate }
    /// No outputs.
    public func outputErrorEstimate(_ k: Int) -> Double? { nil }
    /// The sketched residual and interpolation error.
    public var estimateDetails: [(name: String, value: Double)] { evaluator.estimateDetails }
    /// V u_N from interleaved coefficients (2N), as an interleaved field (2n).
    public func reconstruct(_ coefficients: [Double]) throws -> [Double] {
        guard coefficients.count == reducedDimension else {
            throw ROMError.dimensionMismatch(what: "reduced coefficients (interleaved real and imaginary parts)", expected: reducedDimension,
                                             found: coefficients.count)
        }
        return Self.interleaved(try evaluator.reconstruct(Self.complex(coefficients)))
    }
    /// N, d, d_f, k, n.
    public var sizes: [ModelSize] { evaluator.sizes }
    /// The magic entries, the estimator, the coefficient paths.
    public var facts: [ModelFact] { evaluator.facts }

    /// (re₀, im₀, re₁, im₁, …).
    public static func interleaved(_ z: [Complex<Double>]) -> [Double] {
        var out = [Double](repeating: 0, count: 2 * z.count)
        for (i, v) in z.enumerated() { out[2 * i] = v.real; out[2 * i + 1] = v.imaginary }
        return out
    }

    /// The complex numbers of interleaved parts (an even count).
    public static func complex(_ parts: [Double]) -> [Complex<Double>] {
        (0..<(parts.count / 2)).map { Complex(parts[2 * $0], parts[2 * $0 + 1]) }
    }
}
