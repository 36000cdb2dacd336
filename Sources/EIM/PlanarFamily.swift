import Foundation
import LinearAlgebra

/// The function families of the `eim-functions` driver and the benchmarks: g(x; μ) for x on a
/// uniform G×G grid of [0, 1]² (edges included, x₁ fastest) and μ ∈ ℝ² from a list.
public struct PlanarFamily: ParametricFamily {
    /// The function of x and μ.
    public enum Kind: String, CaseIterable, Sendable {
        /// 1/‖x − μ‖: near-singular when μ approaches the unit square (pyMOR's EIM demo).
        case inverseDistance = "inverse-distance"
        /// exp(−‖x − μ‖² / 0.1): smooth.
        case gaussian
        /// 1 / (1 + (μ₁ x₁ + μ₂ x₂)/2): smooth, slowly decaying.
        case rational

        func callAsFunction(_ x1: Double, _ x2: Double, _ m1: Double, _ m2: Double) -> Double {
            switch self {
            case .inverseDistance: return 1 / ((x1 - m1) * (x1 - m1) + (x2 - m2) * (x2 - m2)).squareRoot()
            case .gaussian: return exp(-((x1 - m1) * (x1 - m1) + (x2 - m2) * (x2 - m2)) / 0.1)
            case .rational: return 1 / (1 + 0.5 * (m1 * x1 + m2 * x2))
            }
        }
    }

    public let kind: Kind
    /// Grid side G: pointCount = G².
    public let side: Int
    /// The parameters μ_j = (μ₁, μ₂).
    public let parameters: [(Double, Double)]

    public var pointCount: Int { side * side }
    public var parameterCount: Int { parameters.count }

    /// A family on a `side`×`side` grid with the given parameters.
    public init(kind: Kind, side: Int, parameters: [(Double, Double)]) {
        self.kind = kind
        self.side = side
        self.parameters = parameters
    }

    /// The coordinates of point i.
    public func point(_ i: Int) -> (Double, Double) {
        let h = side > 1 ? 1 / Double(side - 1) : 0
        return (Double(i % side) * h, Double(i / side) * h)
    }

    public func evaluate(parameter j: Int, into values: UnsafeMutableBufferPointer<Double>) {
        let (m1, m2) = parameters[j]
        let h = side > 1 ? 1 / Double(side - 1) : 0
        for b in 0..<side {
            let x2 = Double(b) * h
            for a in 0..<side { values[a + b * side] = kind(Double(a) * h, x2, m1, m2) }
        }
    }

    public func value(point i: Int, parameter j: Int) -> Double {
        let (x1, x2) = point(i)
        return kind(x1, x2, parameters[j].0, parameters[j].1)
    }

    /// g at every point for a parameter not in the list.
    public func field(at mu: (Double, Double)) -> [Double] {
        PlanarFamily(kind: kind, side: side, parameters: [mu]).snapshots().storage
    }

    /// A uniform P×P grid of [lower, upper]² (μ₁ fastest), edges included.
    public static func grid(_ p: Int, lower: Double = -1, upper: Double = -0.01) -> [(Double, Double)] {
        let t = (0..<p).map { p > 1 ? lower + (upper - lower) * Double($0) / Double(p - 1) : (lower + upper) / 2 }
        return t.flatMap { b in t.map { a in (a, b) } }
    }

    /// `count` uniform random parameters in [lower, upper)², reproducible from `seed`.
    public static func random(_ count: Int, seed: UInt64, lower: Double = -1, upper: Double = -0.01) -> [(Double, Double)] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (lower + (upper - lower) * rng.nextUniform(), lower + (upper - lower) * rng.nextUniform())
        }
    }
}
