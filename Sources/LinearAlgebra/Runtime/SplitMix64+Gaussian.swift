import Foundation

extension SplitMix64 {
    /// Fills `x` with independent standard normal samples: Box–Muller, each pair of uniforms
    /// u₁ ∈ (0, 1], u₂ ∈ [0, 1) giving √(−2 log u₁) (cos 2πu₂, sin 2πu₂). The same seed gives the
    /// same samples on every platform.
    public mutating func fillStandardNormal(_ x: UnsafeMutableBufferPointer<Double>) {
        var i = 0
        while i < x.count {
            let radius = (-2 * Foundation.log(1 - nextUniform())).squareRoot()
            let angle = 2 * Double.pi * nextUniform()
            x[i] = radius * Foundation.cos(angle)
            if i + 1 < x.count { x[i + 1] = radius * Foundation.sin(angle) }
            i += 2
        }
    }

    /// A `rows`×`columns` matrix of independent standard normal entries (a Gaussian test matrix),
    /// filled column after column.
    public mutating func standardNormalMatrix(rows: Int, columns: Int) -> Matrix {
        var g = Matrix(rows: rows, columns: columns)
        g.storage.withUnsafeMutableBufferPointer { fillStandardNormal($0) }
        return g
    }
}
