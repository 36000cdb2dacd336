/// LU with partial pivoting of a small square matrix, solved in place into caller storage (the
/// online solve of the symmetric formulation: no allocation per call).
struct SmallLU: Sendable {
    let order: Int
    /// L (unit, below the diagonal) and U, column-major.
    let factors: [Double]
    /// Row k was swapped with row pivots[k] at step k.
    let pivots: [Int]

    init(_ a: [Double], order n: Int) throws {
        var f = a
        var piv = [Int](repeating: 0, count: n)
        for k in 0..<n {
            var p = k, largest = abs(f[k + k * n])
            for i in (k + 1)..<max(n, k + 1) where abs(f[i + k * n]) > largest { largest = abs(f[i + k * n]); p = i }
            if largest == 0 { throw EIMError.singularInterpolationMatrix(pivot: k) }
            piv[k] = p
            if p != k { for j in 0..<n { f.swapAt(k + j * n, p + j * n) } }
            let d = f[k + k * n]
            for i in (k + 1)..<max(n, k + 1) { f[i + k * n] /= d }
            for j in (k + 1)..<max(n, k + 1) {
                let u = f[k + j * n]
                if u == 0 { continue }
                for i in (k + 1)..<n { f[i + j * n] -= f[i + k * n] * u }
            }
        }
        order = n
        factors = f
        pivots = piv
    }

    /// Solves A x = b in place (b in, x out).
    func solve(_ x: UnsafeMutableBufferPointer<Double>) {
        let n = order
        factors.withUnsafeBufferPointer { f in
            for k in 0..<n where pivots[k] != k { x.swapAt(k, pivots[k]) }
            for i in 0..<n {
                var s = x[i]
                for k in 0..<i { s -= f[i + k * n] * x[k] }
                x[i] = s
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i]
                for k in (i + 1)..<n { s -= f[i + k * n] * x[k] }
                x[i] = s / f[i + i * n]
            }
        }
    }
}
