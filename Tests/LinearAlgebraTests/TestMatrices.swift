import LinearAlgebra

/// Seeded random test data.
struct TestData {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Uniform in [-1, 1).
    mutating func value() -> Double { 2 * generator.nextUniform() - 1 }

    mutating func vector(_ n: Int) -> [Double] { (0..<n).map { _ in value() } }

    mutating func matrix(_ rows: Int, _ columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: vector(rows * columns))
    }

    /// A random SPD matrix BᵀB + n I.
    mutating func spd(_ n: Int) -> Matrix {
        let b = matrix(n, n)
        return b.gram + Matrix.diagonal([Double](repeating: Double(n), count: n))
    }

    /// A random sparse nonsymmetric matrix with a dominant diagonal (nonsingular), ~`perRow` entries a row.
    mutating func sparse(_ n: Int, perRow: Int) -> SparseMatrix {
        var builder = SparseBuilder<Double>(rows: n, columns: n)
        for i in 0..<n {
            builder.add(i, i, Double(perRow) + 1)
            for _ in 0..<perRow { builder.add(i, Int(generator.next() % UInt64(n)), value()) }
        }
        return builder.build()
    }
}

/// max |a − b| / max |b|.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    let scale = b.reduce(0) { max($0, abs($1)) }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / max(scale, .leastNormalMagnitude)
}

/// ‖A x − b‖ / ‖b‖.
func relativeResidual<A: LinearOperator>(_ a: A, _ x: [Double], _ b: [Double]) -> Double where A.Element == Double {
    let ax = a.apply(x)
    return BLAS.nrm2(zip(ax, b).map { $0 - $1 }) / BLAS.nrm2(b)
}
