/// Source points and their charges as structure-of-arrays buffers: what the near-field loops read.
///
/// 2D problems keep `z` at zero. The buffers are borrowed (valid only inside the closure that made them).
public struct SourceView {
    /// x coordinates.
    public let x: UnsafeBufferPointer<Double>
    /// y coordinates.
    public let y: UnsafeBufferPointer<Double>
    /// z coordinates (zeros in 2D).
    public let z: UnsafeBufferPointer<Double>
    /// Charges σ_j.
    public let charges: UnsafeBufferPointer<Double>

    /// A view over four buffers of equal length.
    @inlinable
    public init(x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, z: UnsafeBufferPointer<Double>,
                charges: UnsafeBufferPointer<Double>) {
        self.x = x
        self.y = y
        self.z = z
        self.charges = charges
    }
}

/// A translation-invariant kernel K(x, y) = K(x − y), evaluated on the difference r = x − y.
///
/// Conform with `callAsFunction` and the three properties; the summation loop `sum(at:sources:range:)`
/// has a default implementation that is specialized for each conforming type (a tight loop over
/// buffers the compiler can vectorize). 2D kernels read `r.x` and `r.y` only (z is zero).
public protocol Kernel: Sendable {
    /// K(r) for r = x − y.
    func callAsFunction(_ r: SIMD3<Double>) -> Double
    /// Whether K(−r) = K(r): then the far field uses one interpolation for targets and sources.
    var isEven: Bool { get }
    /// Whether K(0) is infinite: pairs of coincident points are then left out of the sum.
    var isSingularAtOrigin: Bool { get }
    /// d with K(a r) = a^d K(r) for every a > 0 (nil if the kernel has a length scale): one far-field
    /// interpolation then serves every tree level.
    var homogeneityDegree: Double? { get }
    /// Σ_{j ∈ range} σ_j K(x − y_j).
    func sum(at x: SIMD3<Double>, sources: SourceView, range: Range<Int>) -> Double
    /// A short name for reports ("laplace3d", "gaussian(h=0.1)", …).
    var name: String { get }
}

extension Kernel {
    /// Even by default (every radial kernel is).
    public var isEven: Bool { true }
    /// Finite at the origin by default.
    public var isSingularAtOrigin: Bool { false }
    /// Not homogeneous by default.
    public var homogeneityDegree: Double? { nil }
    /// The type's name.
    public var name: String { String(describing: Self.self) }

    /// The plain loop Σ σ_j K(x − y_j), skipping coincident points when K is singular at the origin.
    @inlinable
    public func sum(at x: SIMD3<Double>, sources: SourceView, range: Range<Int>) -> Double {
        var total = 0.0
        let sx = sources.x, sy = sources.y, sz = sources.z, q = sources.charges
        if isSingularAtOrigin {
            for j in range {
                let r = SIMD3(x.x - sx[j], x.y - sy[j], x.z - sz[j])
                let r2 = (r * r).sum()
                total += r2 == 0 ? 0 : q[j] * self(r)
            }
        } else {
            for j in range {
                total += q[j] * self(SIMD3(x.x - sx[j], x.y - sy[j], x.z - sz[j]))
            }
        }
        return total
    }
}

/// f[t] += Σ_k charges[k] K(x_t − (center + width · nodes[k])) for the targets in `range`: the kernel
/// sum from charges placed on a box's nodes (the EIM far field's L2P, the W-list interactions).
func addNodeSum(kernel: any Kernel, nodes: [SIMD3<Double>], center: SIMD3<Double>, width: Double,
                charges: UnsafeBufferPointer<Double>, targets: SourceView, range: Range<Int>,
                into f: UnsafeMutableBufferPointer<Double>) {
    let p = nodes.count
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * p) { s in
        for k in 0..<p {
            let q = center + width * nodes[k]
            s[k] = q.x
            s[p + k] = q.y
            s[2 * p + k] = q.z
        }
        let view = SourceView(x: UnsafeBufferPointer(rebasing: s[0..<p]), y: UnsafeBufferPointer(rebasing: s[p..<(2 * p)]),
                              z: UnsafeBufferPointer(rebasing: s[(2 * p)..<(3 * p)]), charges: charges)
        for t in range { f[t] += kernel.sum(at: SIMD3(targets.x[t], targets.y[t], targets.z[t]), sources: view, range: 0..<p) }
    }
}
