/// The affine map x = x₀ + J ξ of a simplex (a cell, or a facet embedded in a higher dimension):
/// its Jacobian columns, measure factor and the inverse transpose that maps reference gradients to
/// physical ones. A value type with no storage beyond SIMD registers, built inside hot loops.
struct AffineGeometry {
    var origin = SIMD3<Double>.zero
    var j0 = SIMD3<Double>.zero, j1 = SIMD3<Double>.zero, j2 = SIMD3<Double>.zero
    /// Inverse-transpose columns (cells only): ∇φ = k0 ĝₓ + k1 ĝᵧ + k2 ĝ_z.
    var k0 = SIMD3<Double>.zero, k1 = SIMD3<Double>.zero, k2 = SIMD3<Double>.zero
    /// |det J| for cells, the Gram determinant's square root for facets (1 for points).
    var measureFactor = 0.0

    /// Geometry of the simplex whose `k` vertices are `nodes[first..<first+k]`, in a mesh of
    /// dimension `d` with flat coordinates `x`.
    @inline(__always)
    init(nodes: UnsafeBufferPointer<Int>, first: Int, vertexCount k: Int, dimension d: Int, coordinates x: UnsafeBufferPointer<Double>) {
        @inline(__always) func p(_ v: Int) -> SIMD3<Double> {
            let n = nodes[first + v]
            var r = SIMD3<Double>.zero
            for a in 0..<d { r[a] = x[d * n + a] }
            return r
        }
        origin = p(0)
        if k > 1 { j0 = p(1) - origin }
        if k > 2 { j1 = p(2) - origin }
        if k > 3 { j2 = p(3) - origin }
        let simplexDimension = k - 1
        if simplexDimension == d {
            switch d {
            case 1:
                measureFactor = abs(j0.x)
                k0 = SIMD3(1 / j0.x, 0, 0)
            case 2:
                let det = j0.x * j1.y - j1.x * j0.y
                measureFactor = abs(det)
                // J = [j0 j1]; J⁻ᵀ = (1/det) [[j1.y, -j0.y], [-j1.x, j0.x]] by columns.
                k0 = SIMD3(j1.y, -j1.x, 0) / det
                k1 = SIMD3(-j0.y, j0.x, 0) / det
            default:
                let c0 = cross(j1, j2), c1 = cross(j2, j0), c2 = cross(j0, j1)
                let det = (j0 * c0).sum()
                measureFactor = abs(det)
                k0 = c0 / det; k1 = c1 / det; k2 = c2 / det
            }
        } else {
            switch simplexDimension {
            case 0: measureFactor = 1
            case 1: measureFactor = (j0 * j0).sum().squareRoot()
            default: let c = cross(j0, j1); measureFactor = (c * c).sum().squareRoot()
            }
        }
    }

    /// The physical point of reference point ξ.
    @inline(__always)
    func point(_ xi: SIMD3<Double>) -> SIMD3<Double> { origin + j0 * xi.x + j1 * xi.y + j2 * xi.z }

    /// The physical gradient of a reference gradient (cells only).
    @inline(__always)
    func gradient(_ g: SIMD3<Double>) -> SIMD3<Double> { k0 * g.x + k1 * g.y + k2 * g.z }
}

@inline(__always)
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
