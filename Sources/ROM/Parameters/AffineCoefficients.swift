/// The coefficient functions θ(μ) = (θ_1(μ), …, θ_Q(μ)) of an affine decomposition
/// A(μ) = Σ_q θ_q(μ) A_q, evaluated together: one call per query, so coefficients that come
/// from one computation (the coefficients of an empirical interpolation of A(μ), one small
/// solve for all q) cost that computation once.
///
/// Conforming: `[ParameterFunction]` (expressions: what a model file stores), and
/// `ClosureCoefficients` (Swift closures: for offline work and in-process models; not storable).
/// An interpolated decomposition (the nonintrusive RB) adds its own type.
public protocol AffineCoefficients: Sendable {
    /// Q.
    var count: Int { get }
    /// The largest parameter component read, or -1: checked against the parameter space.
    var largestComponent: Int { get }
    /// θ(μ) into `values` (`count` entries), for μ given as its components; no allocation.
    func evaluate(_ mu: UnsafeBufferPointer<Double>, into values: UnsafeMutableBufferPointer<Double>)
    /// Each θ_q as text (an expression, or what computes it): for `rom info` and reports.
    var descriptions: [String] { get }
}

extension AffineCoefficients {
    /// θ(μ) as a new array.
    public func callAsFunction(_ mu: Parameter) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        mu.values.withUnsafeBufferPointer { m in values.withUnsafeMutableBufferPointer { evaluate(m, into: $0) } }
        return values
    }
}

/// Expressions as affine coefficients: θ_q is the q-th expression.
extension Array: AffineCoefficients where Element == ParameterFunction {
    /// The largest component any expression reads.
    public var largestComponent: Int { map(\.largestComponent).max() ?? -1 }

    /// Each expression evaluated (compiled postfix programs, no allocation).
    public func evaluate(_ mu: UnsafeBufferPointer<Double>, into values: UnsafeMutableBufferPointer<Double>) {
        for q in indices { values[q] = self[q].evaluate(mu) }
    }

    /// The expressions.
    public var descriptions: [String] { map(\.expression) }
}

/// Affine coefficients computed by a Swift closure: any dependence on μ, without a parser
/// (tabulated or interpolated data, a call into other code). A model built on them answers in
/// process; `OnlineModelFile.write` refuses it, since a closure cannot be stored.
public struct ClosureCoefficients: AffineCoefficients {
    /// Q.
    public let count: Int
    /// The largest parameter component the closure reads.
    public let largestComponent: Int
    /// What the closure computes, one text per θ_q.
    public let descriptions: [String]
    private let body: @Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void

    /// Q coefficients computed by `body(μ, θ)`, which writes θ_1 … θ_Q and reads μ up to
    /// `largestComponent`.
    public init(count: Int, largestComponent: Int, descriptions: [String]? = nil,
                _ body: @escaping @Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) throws {
        guard count > 0 else { throw ROMError.invalidOption(name: "closure coefficients", detail: "need at least one coefficient, got \(count)") }
        let texts = descriptions ?? (0..<count).map { "closure coefficient \($0)" }
        guard texts.count == count else {
            throw ROMError.dimensionMismatch(what: "closure coefficient descriptions", expected: count, found: texts.count)
        }
        self.count = count
        self.largestComponent = largestComponent
        self.descriptions = texts
        self.body = body
    }

    /// θ(μ) by the closure.
    public func evaluate(_ mu: UnsafeBufferPointer<Double>, into values: UnsafeMutableBufferPointer<Double>) {
        body(mu, values)
    }
}
