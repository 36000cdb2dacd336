/// A family of functions g(x; μ) sampled at a fixed set of points, evaluated on demand: what the
/// greedy needs when the training set is too large to keep as one snapshot matrix.
public protocol ParametricFamily: Sendable {
    /// Number of points x_i.
    var pointCount: Int { get }
    /// Number of training parameters μ_j.
    var parameterCount: Int { get }
    /// g(x_i; μ_j) for every point i, into `values` (`pointCount` entries).
    func evaluate(parameter j: Int, into values: UnsafeMutableBufferPointer<Double>)
    /// g(x_i; μ_j) at one point.
    func value(point i: Int, parameter j: Int) -> Double
}

/// A family given by a closure over point and parameter indices.
public struct ClosureFamily: ParametricFamily {
    public let pointCount: Int
    public let parameterCount: Int
    private let g: @Sendable (Int, Int) -> Double

    /// `g(i, j)` is the value at point i for parameter j.
    public init(points: Int, parameters: Int, _ g: @escaping @Sendable (Int, Int) -> Double) {
        pointCount = points
        parameterCount = parameters
        self.g = g
    }

    public func evaluate(parameter j: Int, into values: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<pointCount { values[i] = g(i, j) }
    }

    public func value(point i: Int, parameter j: Int) -> Double { g(i, j) }
}
