import LinearAlgebra

/// A sparse sign embedding Ψ (s × n; Clarkson–Woodruff 2013, Meng–Mahoney 2013, with ζ nonzeros
/// per column as Tropp, Yurtsever, Udell and Cevher 2019 recommend): every column of Ψ has ζ = 4
/// entries ±1 at distinct random rows. Z = Ψ S (s × k) sketches the row space of a tall matrix S
/// (n × k) in one pass: each entry of S is added to ζ entries of Z, with no multiplication.
///
/// The same pass sums the squares of S, which gives ‖S‖²_F and the finite check of the snapshots.
/// The sketch is seeded: the same seed gives the same Ψ.
struct SparseSignEmbedding {
    /// ζ, the nonzeros per column of Ψ.
    static let nonzerosPerColumn = 4
    /// The largest s: a code holds the row in its low 7 bits and the sign in the eighth.
    static let maximumRows = 128

    /// s, the rows of Ψ (the sketch size).
    let rows: Int
    /// n, the columns of Ψ (the rows of the sketched matrices).
    let columns: Int
    /// For column i of Ψ, the four codes (row | sign << 7) of its nonzeros, one byte each.
    private let codes: [UInt32]

    /// Ψ (s × n) drawn from `seed`.
    init(rows s: Int, columns n: Int, seed: UInt64) {
        precondition(s >= Self.nonzerosPerColumn && s <= Self.maximumRows, "SparseSignEmbedding: \(s) rows")
        rows = s
        columns = n
        var generator = SplitMix64(seed: seed)
        var codes = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
            var packed: UInt32 = 0
            var used: (UInt64, UInt64) = (0, 0)
            var drawn = 0
            while drawn < Self.nonzerosPerColumn {
                let bits = generator.next()
                let row = Int(bits.multipliedFullWidth(by: UInt64(s)).high)
                let bit = UInt64(1) << UInt64(row & 63)
                if row < 64 ? used.0 & bit != 0 : used.1 & bit != 0 { continue }
                if row < 64 { used.0 |= bit } else { used.1 |= bit }
                packed |= (UInt32(row) | UInt32(bits & 1) << 7) << UInt32(8 * drawn)
                drawn += 1
            }
            codes[i] = packed
        }
        self.codes = codes
    }

    /// Z = Ψ S and Σᵢⱼ Sᵢⱼ² (not finite when S holds a NaN or an infinity). Two columns of S
    /// at a time, in scalar code: every entry is added into four entries of its column's
    /// accumulator, which has separate halves for the two signs (no branch, no multiplication);
    /// the pairs of columns are split over `Parallelism.threadCount` threads. (Measured on
    /// 200,000 × 400: SIMD4 rows of four columns, and gathers by sketch row from blocks in L1,
    /// were both about twice as slow.)
    func sketch(_ s: Matrix) -> (z: Matrix, sumOfSquares: Double) {
        precondition(s.rows == columns, "SparseSignEmbedding.sketch: \(s.rows) rows for \(columns) columns of Ψ")
        let n = s.rows, k = s.columns, sketchRows = rows
        let pairs = (k + 1) / 2
        var z = Matrix(rows: sketchRows, columns: k)
        var squares = [Double](repeating: 0, count: pairs)
        // The second column of an odd last pair reads zeros.
        let zeros = [Double](repeating: 0, count: k % 2 == 0 ? 0 : n)
        s.storage.withUnsafeBufferPointer { source in
            codes.withUnsafeBufferPointer { codes in
                zeros.withUnsafeBufferPointer { zeros in
                    z.storage.withUnsafeMutableBufferPointer { zStorage in
                        squares.withUnsafeMutableBufferPointer { squares in
                            Parallelism.forEachChunk(of: pairs) { range in
                                let accumulator = UnsafeMutablePointer<Double>.allocate(capacity: 512)
                                defer { accumulator.deallocate() }
                                for pair in range {
                                    let first = 2 * pair
                                    let second = first + 1 < k ? source.baseAddress! + (first + 1) * n : zeros.baseAddress!
                                    squares[pair] = Self.accumulate(source.baseAddress! + first * n, second, count: n,
                                                                    codes: codes.baseAddress!, into: accumulator)
                                    for c in 0..<Swift.min(2, k - first) {
                                        let out = zStorage.baseAddress! + (first + c) * sketchRows
                                        let half = accumulator + 256 * c
                                        for r in 0..<sketchRows { out[r] = half[r] - half[128 + r] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (z, squares.reduce(0, +))
    }

    /// The hot loop: a[code] += x[i] and b[code] += y[i] (b = a + 256) for the four codes of
    /// every row i; returns Σ x² + y².
    @inline(__always)
    private static func accumulate(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count n: Int,
                                   codes: UnsafePointer<UInt32>, into a: UnsafeMutablePointer<Double>) -> Double {
        a.initialize(repeating: 0, count: 512)
        let b = a + 256
        var xx = 0.0, yy = 0.0
        for i in 0..<n {
            let u = x[i], v = y[i]
            xx += u * u
            yy += v * v
            let code = codes[i]
            let c0 = Int(code & 0xFF), c1 = Int((code >> 8) & 0xFF), c2 = Int((code >> 16) & 0xFF), c3 = Int(code >> 24)
            a[c0] += u; b[c0] += v
            a[c1] += u; b[c1] += v
            a[c2] += u; b[c2] += v
            a[c3] += u; b[c3] += v
        }
        return xx + yy
    }
}
