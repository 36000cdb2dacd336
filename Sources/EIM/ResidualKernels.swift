import LinearAlgebra

/// r[range] −= Σ_{k ∈ terms} c_k q_k[range], and returns max |r| over the range: the lazy rank-one
/// corrections of one tile. Four terms per sweep; the last sweep also takes the maximum, so a tile
/// with at most four pending terms is read and written once. No allocation.
@inline(__always)
func applyPendingUpdates(_ r: UnsafeMutablePointer<Double>, range: Range<Int>, basis q: UnsafePointer<Double>, pointCount n: Int,
                         coefficients c: UnsafePointer<Double>, terms: Range<Int>) -> Double {
    var k = terms.lowerBound
    while terms.upperBound - k > 4 {
        let c0 = c[k], c1 = c[k + 1], c2 = c[k + 2], c3 = c[k + 3]
        let q0 = q + k * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n
        for i in range { r[i] -= (c0 * q0[i] + c1 * q1[i]) + (c2 * q2[i] + c3 * q3[i]) }
        k += 4
    }
    let left = terms.upperBound - k
    if left == 0 { return maxAbs(UnsafePointer(r), range) }
    // The last one to four terms, fused with the maximum; missing terms get a zero coefficient.
    let q0 = q + k * n
    let q1 = left > 1 ? q0 + n : q0, q2 = left > 2 ? q0 + 2 * n : q0, q3 = left > 3 ? q0 + 3 * n : q0
    let c0 = c[k], c1 = left > 1 ? c[k + 1] : 0, c2 = left > 2 ? c[k + 2] : 0, c3 = left > 3 ? c[k + 3] : 0
    return updateFourAndMaxAbs(r, range, q0, q1, q2, q3, c0, c1, c2, c3)
}

/// r −= c0 q0 + c1 q1 + c2 q2 + c3 q3 over `range` and max |r|, four lanes at a time: one pass.
@inline(__always)
func updateFourAndMaxAbs(_ r: UnsafeMutablePointer<Double>, _ range: Range<Int>,
                         _ q0: UnsafePointer<Double>, _ q1: UnsafePointer<Double>, _ q2: UnsafePointer<Double>, _ q3: UnsafePointer<Double>,
                         _ c0: Double, _ c1: Double, _ c2: Double, _ c3: Double) -> Double {
    typealias V = SIMD4<Double>
    let rr = UnsafeMutableRawPointer(r)
    let r0 = UnsafeRawPointer(q0), r1 = UnsafeRawPointer(q1), r2 = UnsafeRawPointer(q2), r3 = UnsafeRawPointer(q3)
    var lanes = V(repeating: 0)
    var i = range.lowerBound
    while i + 4 <= range.upperBound {
        let o = i &* 8
        let update = (c0 * r0.loadUnaligned(fromByteOffset: o, as: V.self) + c1 * r1.loadUnaligned(fromByteOffset: o, as: V.self))
            + (c2 * r2.loadUnaligned(fromByteOffset: o, as: V.self) + c3 * r3.loadUnaligned(fromByteOffset: o, as: V.self))
        let x = rr.loadUnaligned(fromByteOffset: o, as: V.self) - update
        rr.storeBytes(of: x, toByteOffset: o, as: V.self)
        let a = x.replacing(with: -x, where: x .< 0)
        lanes = lanes.replacing(with: a, where: a .> lanes)
        i &+= 4
    }
    var largest = max(max(lanes[0], lanes[1]), max(lanes[2], lanes[3]))
    while i < range.upperBound {
        let x = r[i] - ((c0 * q0[i] + c1 * q1[i]) + (c2 * q2[i] + c3 * q3[i]))
        r[i] = x
        largest = max(largest, abs(x))
        i += 1
    }
    return largest
}

/// max |v[i]| over `range`, four lanes at a time (compare-and-select, which vectorizes).
@inline(__always)
func maxAbs(_ v: UnsafePointer<Double>, _ range: Range<Int>) -> Double {
    typealias V = SIMD4<Double>
    var lanes = V(repeating: 0)
    var i = range.lowerBound
    let raw = UnsafeRawPointer(v)
    while i + 4 <= range.upperBound {
        let x = raw.loadUnaligned(fromByteOffset: i &* 8, as: V.self)
        let a = x.replacing(with: -x, where: x .< 0)
        lanes = lanes.replacing(with: a, where: a .> lanes)
        i &+= 4
    }
    var largest = max(max(lanes[0], lanes[1]), max(lanes[2], lanes[3]))
    while i < range.upperBound { largest = max(largest, abs(v[i])); i += 1 }
    return largest
}

/// The index of the first NaN or infinity in `values`, scanned in parallel chunks.
func firstNonFinite(_ values: [Double]) -> Int? {
    let chunks = max(1, min(Parallelism.threadCount, values.count / 65536))
    var found = [Int](repeating: Int.max, count: chunks)
    values.withUnsafeBufferPointer { v in
        found.withUnsafeMutableBufferPointer { f in
            let box = UncheckedBox((v, f))
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

/// max |v[i]| over `range`, or nil when the range holds a NaN or an infinity (x − x is 0 for a
/// finite x, NaN otherwise: one branch-free sum per lane).
@inline(__always)
func finiteMaxAbs(_ v: UnsafePointer<Double>, _ range: Range<Int>) -> Double? {
    typealias V = SIMD4<Double>
    var lanes = V(repeating: 0), check = V(repeating: 0)
    var i = range.lowerBound
    let raw = UnsafeRawPointer(v)
    while i + 4 <= range.upperBound {
        let x = raw.loadUnaligned(fromByteOffset: i &* 8, as: V.self)
        check += x - x
        let a = x.replacing(with: -x, where: x .< 0)
        lanes = lanes.replacing(with: a, where: a .> lanes)
        i &+= 4
    }
    var largest = max(max(lanes[0], lanes[1]), max(lanes[2], lanes[3]))
    var sum = check.sum()
    while i < range.upperBound { sum += v[i] - v[i]; largest = max(largest, abs(v[i])); i += 1 }
    return sum == 0 ? largest : nil
}
