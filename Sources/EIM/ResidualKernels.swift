import CSmallKernels
import LinearAlgebra

/// r[range] −= Σ_{k ∈ terms} c_k q_k[range], and returns (min r, max r) over the range: the lazy
/// rank-one corrections of one tile of one column (`romkit_residual_updates`, which also takes
/// several columns at once). The terms are subtracted one by one in their order, as the eager
/// update would: the result does not depend on when the tile is brought up to date (nor on the
/// threads). No allocation.
@inline(__always)
func applyPendingUpdates(_ r: UnsafeMutablePointer<Double>, range: Range<Int>, basis q: UnsafePointer<Double>, pointCount n: Int,
                         coefficients c: UnsafePointer<Double>, terms: Range<Int>) -> (low: Double, high: Double) {
    var column: UnsafeMutablePointer<Double>? = r + range.lowerBound
    var coefficients: UnsafePointer<Double>? = c
    var start = Int32(terms.lowerBound)
    var low = 0.0, high = 0.0
    romkit_residual_updates(1, &column, &start, &coefficients, Int32(terms.upperBound), q + range.lowerBound, n,
                            Int32(range.count), &low, &high)
    return (low, high)
}

/// (min v, max v) over `range`, four lanes at a time (compare-and-select, which vectorizes);
/// (+∞, −∞) for an empty range.
@inline(__always)
func extremes(_ v: UnsafePointer<Double>, _ range: Range<Int>) -> (low: Double, high: Double) {
    typealias V = SIMD4<Double>
    var high = V(repeating: -.infinity), low = V(repeating: .infinity)
    var i = range.lowerBound
    let raw = UnsafeRawPointer(v)
    while i + 4 <= range.upperBound {
        let x = raw.loadUnaligned(fromByteOffset: i &* 8, as: V.self)
        high = high.replacing(with: x, where: x .> high)
        low = low.replacing(with: x, where: x .< low)
        i &+= 4
    }
    var hi = max(max(high[0], high[1]), max(high[2], high[3])), lo = min(min(low[0], low[1]), min(low[2], low[3]))
    while i < range.upperBound { hi = max(hi, v[i]); lo = min(lo, v[i]); i += 1 }
    return (lo, hi)
}

/// The size max(high, −low) of a tile from its extremes.
@inline(__always)
func tileSize(_ e: (low: Double, high: Double)) -> Double { max(e.high, -e.low, 0) }

/// The index of the first NaN or infinity in `values`, scanned in parallel chunks.
func firstNonFinite(_ values: [Double]) -> Int? {
    let chunks = max(1, min(Parallelism.threadCount, values.count / 65536))
    var found = [Int](repeating: Int.max, count: chunks)
    values.withUnsafeBufferPointer { v in
        found.withUnsafeMutableBufferPointer { f in
            let box = UncheckedSendable((v, f))
            Parallelism.forEachChunk(of: chunks, chunks: chunks) { parts in
                for part in parts {
                    let (v, f) = box.value
                    let lower = v.count * part / chunks, upper = v.count * (part + 1) / chunks
                    var i = lower
                    while i < upper {
                        // x − x is 0 for finite x and NaN otherwise: one branch-free test per entry.
                        var acc = 0.0
                        let end = min(upper, i + 1024)
                        for k in i..<end { acc += v[k] - v[k] }
                        if acc != 0 || acc.isNaN {
                            if let k = (i..<end).first(where: { !v[$0].isFinite }) { f[part] = k; break }
                        }
                        i = end
                    }
                }
            }
        }
    }
    let first = found.min()!
    return first == Int.max ? nil : first
}

/// (min v, max v) over `range`, or nil when the range holds a NaN or an infinity (x − x is 0 for a
/// finite x, NaN otherwise: one branch-free sum per lane).
@inline(__always)
func finiteExtremes(_ v: UnsafePointer<Double>, _ range: Range<Int>) -> (low: Double, high: Double)? {
    typealias V = SIMD4<Double>
    var high = V(repeating: -.infinity), low = V(repeating: .infinity), check = V(repeating: 0)
    var i = range.lowerBound
    let raw = UnsafeRawPointer(v)
    while i + 4 <= range.upperBound {
        let x = raw.loadUnaligned(fromByteOffset: i &* 8, as: V.self)
        check += x - x
        high = high.replacing(with: x, where: x .> high)
        low = low.replacing(with: x, where: x .< low)
        i &+= 4
    }
    var hi = max(max(high[0], high[1]), max(high[2], high[3])), lo = min(min(low[0], low[1]), min(low[2], low[3]))
    var sum = check.sum()
    while i < range.upperBound { sum += v[i] - v[i]; hi = max(hi, v[i]); lo = min(lo, v[i]); i += 1 }
    return sum == 0 ? (lo, hi) : nil
}
