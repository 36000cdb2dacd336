import LinearAlgebra

/// r[range] −= Σ_{k ∈ terms} c_k q_k[range], and returns (min r, max r) over the range: the lazy
/// rank-one corrections of one tile, up to four terms per pass over it, the last pass also taking
/// the extremes. The terms are subtracted one by one in their order, as the eager update would:
/// the result does not depend on when the tile is brought up to date (nor on the threads). No
/// allocation.
@inline(__always)
func applyPendingUpdates(_ r: UnsafeMutablePointer<Double>, range: Range<Int>, basis q: UnsafePointer<Double>, pointCount n: Int,
                         coefficients c: UnsafePointer<Double>, terms: Range<Int>) -> (low: Double, high: Double) {
    var k = terms.lowerBound
    while terms.upperBound - k > 4 {
        let c0 = c[k], c1 = c[k + 1], c2 = c[k + 2], c3 = c[k + 3]
        let q0 = q + k * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n
        for i in range { r[i] = (((r[i] - c0 * q0[i]) - c1 * q1[i]) - c2 * q2[i]) - c3 * q3[i] }
        k += 4
    }
    let left = terms.upperBound - k
    if left == 0 { return extremes(UnsafePointer(r), range) }
    // The last one to four terms, fused with the extremes; a missing term subtracts 0 · q0 (exact).
    let q0 = q + k * n
    let q1 = left > 1 ? q0 + n : q0, q2 = left > 2 ? q0 + 2 * n : q0, q3 = left > 3 ? q0 + 3 * n : q0
    let c0 = c[k], c1 = left > 1 ? c[k + 1] : 0, c2 = left > 2 ? c[k + 2] : 0, c3 = left > 3 ? c[k + 3] : 0
    return updateFourAndExtremes(r, range, q0, q1, q2, q3, c0, c1, c2, c3)
}

/// r ← (((r − c0 q0) − c1 q1) − c2 q2) − c3 q3 over `range` and (min r, max r), four lanes at a
/// time: one pass.
@inline(__always)
func updateFourAndExtremes(_ r: UnsafeMutablePointer<Double>, _ range: Range<Int>,
                         _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>, _ q2: UnsafePointer<Double>, _ q3: UnsafePointer<Double>,
                         _ c0: Double, _ c1: Double, _ c2: Double, _ c3: Double) -> (low: Double, high: Double) {
    typealias V = SIMD4<Double>
    let rr = UnsafeMutableRawPointer(r)
    let r0 = UnsafeRawPointer(q0), r1 = UnsafeRawPointer(q1), r2 = UnsafeRawPointer(q2), r3 = UnsafeRawPointer(q3)
    var high = V(repeating: -.infinity), low = V(repeating: .infinity)
    var i = range.lowerBound
    while i + 4 <= range.upperBound {
        let o = i &* 8
        var x = rr.loadUnaligned(fromByteOffset: o, as: V.self)
        x -= c0 * r0.loadUnaligned(fromByteOffset: o, as: V.self)
        x -= c1 * r1.loadUnaligned(fromByteOffset: o, as: V.self)
        x -= c2 * r2.loadUnaligned(fromByteOffset: o, as: V.self)
        x -= c3 * r3.loadUnaligned(fromByteOffset: o, as: V.self)
        rr.storeBytes(of: x, toByteOffset: o, as: V.self)
        high = high.replacing(with: x, where: x .> high)
        low = low.replacing(with: x, where: x .< low)
        i &+= 4
    }
    var hi = max(max(high[0], high[1]), max(high[2], high[3])), lo = min(min(low[0], low[1]), min(low[2], low[3]))
    while i < range.upperBound {
        let x = (((r[i] - c0 * q0[i]) - c1 * q1[i]) - c2 * q2[i]) - c3 * q3[i]
        r[i] = x
        hi = max(hi, x)
        lo = min(lo, x)
        i += 1
    }
    return (lo, hi)
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
