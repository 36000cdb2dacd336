import Foundation

/// A quadrature rule on the reference simplex of dimension 0 to 3: points (padded to three
/// components) and weights summing to the simplex's measure 1/d!.
///
/// Degrees 1 and 2 use the classical minimal rules (centroid; 3 points on triangles, 4 on
/// tetrahedra); higher degrees use collapsed (Duffy) tensor products of Gauss–Legendre rules,
/// exact for every polynomial of the requested degree.
public struct QuadratureRule: Sendable, Equatable {
    /// Reference points.
    public let points: [SIMD3<Double>]
    /// Weights (sum 1/d!).
    public let weights: [Double]
    /// Polynomial degree the rule integrates exactly.
    public let degree: Int

    /// Number of points.
    public var count: Int { points.count }

    /// A rule on the `dimension`-simplex exact to `degree` (≥ 0).
    public init(dimension: Int, degree: Int) {
        precondition((0...3).contains(dimension) && degree >= 0, "QuadratureRule: dimension \(dimension), degree \(degree)")
        self.degree = degree
        switch (dimension, degree) {
        case (0, _):
            points = [.zero]; weights = [1]
        case (_, 0...1):
            var centroid = SIMD3<Double>.zero
            for a in 0..<dimension { centroid[a] = 1 / Double(dimension + 1) }
            points = [centroid]
            weights = [dimension == 3 ? 1.0 / 6 : 1 / Double(dimension)]
        case (2, 2):
            points = [SIMD3(1.0 / 6, 1.0 / 6, 0), SIMD3(2.0 / 3, 1.0 / 6, 0), SIMD3(1.0 / 6, 2.0 / 3, 0)]
            weights = [1.0 / 6, 1.0 / 6, 1.0 / 6]
        case (3, 2):
            let a = (5 - sqrt(5.0)) / 20, b = (5 + 3 * sqrt(5.0)) / 20
            points = [SIMD3(a, a, a), SIMD3(b, a, a), SIMD3(a, b, a), SIMD3(a, a, b)]
            weights = [Double](repeating: 1.0 / 24, count: 4)
        default:
            (points, weights) = Self.collapsed(dimension: dimension, degree: degree)
        }
    }

    /// Gauss–Legendre nodes and weights on [0, 1] (`n` points, exact to degree 2n − 1).
    public static func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        precondition(n >= 1, "gaussLegendre: n = \(n)")
        var nodes = [Double](), weights = [Double]()
        for i in 1...n {
            var x = cos(Double.pi * (Double(i) - 0.25) / (Double(n) + 0.5))
            var derivative = 1.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                if n > 1 {
                    for k in 2...n {
                        let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                        p0 = p1; p1 = p2
                    }
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            nodes.append((1 - x) / 2)
            weights.append(1 / ((1 - x * x) * derivative * derivative))
        }
        return (nodes.reversed(), weights.reversed())
    }

    /// The Duffy-collapsed Gauss product rule (the collapse adds up to d − 1 to the degree).
    static func collapsed(dimension: Int, degree: Int) -> ([SIMD3<Double>], [Double]) {
        let n = (degree + dimension) / 2 + 1
        let (x, w) = gaussLegendre(n)
        var points = [SIMD3<Double>](), weights = [Double]()
        switch dimension {
        case 1:
            for i in 0..<n { points.append(SIMD3(x[i], 0, 0)); weights.append(w[i]) }
        case 2:
            for i in 0..<n {
                for j in 0..<n {
                    points.append(SIMD3(x[i], x[j] * (1 - x[i]), 0))
                    weights.append(w[i] * w[j] * (1 - x[i]))
                }
            }
        default:
            for i in 0..<n {
                for j in 0..<n {
                    for k in 0..<n {
                        let u = x[i], v = x[j], t = x[k]
                        points.append(SIMD3(u, v * (1 - u), t * (1 - u) * (1 - v)))
                        weights.append(w[i] * w[j] * w[k] * (1 - u) * (1 - u) * (1 - v))
                    }
                }
            }
        }
        return (points, weights)
    }
}
