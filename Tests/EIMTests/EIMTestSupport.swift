import EIM
import LinearAlgebra

/// Small families for the EIM tests: a smooth Gaussian and the near-singular inverse distance.
enum Fixtures {
    static func gaussian(side: Int = 20, params: Int = 8) -> Matrix {
        PlanarFamily(kind: .gaussian, side: side, parameters: PlanarFamily.grid(params)).snapshots()
    }

    static func inverseDistance(side: Int = 20, params: Int = 8) -> Matrix {
        PlanarFamily(kind: .inverseDistance, side: side, parameters: PlanarFamily.grid(params)).snapshots()
    }

    /// A family of rank r: g(x; μ) = Σ_k a_k(μ) b_k(x) with smooth, independent a and b.
    static func rank(_ r: Int, points n: Int = 200, parameters p: Int = 50) -> Matrix {
        var g = Matrix(rows: n, columns: p)
        for j in 0..<p {
            let mu = Double(j) / Double(p - 1)
            for i in 0..<n {
                let x = Double(i) / Double(n - 1)
                var v = 0.0
                for k in 0..<r { v += (1 + mu).power(k) * (x + 0.5).power(2 * k) / Double(k + 1) }
                g[i, j] = v
            }
        }
        return g
    }
}

extension Double {
    func power(_ k: Int) -> Double { (0..<k).reduce(1) { acc, _ in acc * self } }
}
