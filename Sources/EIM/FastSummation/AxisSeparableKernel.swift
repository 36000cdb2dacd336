import Foundation

/// A kernel that is a product of one-dimensional factors, K(r) = f₀(r_x) f₁(r_y) f₂(r_z) (the
/// Gaussian, the anisotropic Gaussian). The set-up then evaluates a kernel matrix between point
/// sets whose coordinates take few distinct values per axis (tensor grids, the nodes an EIM greedy
/// picks on one, the training positions) from one small table of factors per axis: three lookups
/// and two products per entry instead of an `exp` (`KernelMatrix`).
///
/// 2D problems keep r_z at zero, so f₂(0) must be the value K leaves out of its 2D form (1 for
/// the Gaussians).
public protocol AxisSeparableKernel: Kernel {
    /// f_axis(t) for axis 0, 1 or 2.
    func axisFactor(_ t: Double, axis: Int) -> Double
}

extension GaussianKernel: AxisSeparableKernel {
    /// exp(−t²/h²).
    @inlinable public func axisFactor(_ t: Double, axis: Int) -> Double { exp(-(t * t) / (h * h)) }
}

extension AnisotropicGaussianKernel: AxisSeparableKernel {
    /// exp(−(t/h_axis)²).
    @inlinable public func axisFactor(_ t: Double, axis: Int) -> Double {
        let s = t / h[axis]
        return exp(-(s * s))
    }
}

/// The distinct values of each coordinate of a point set and, for each point, the index of its
/// coordinate among them (per axis): the tensor structure `KernelMatrix` uses.
struct AxisCoordinates: Sendable {
    /// values[k]: the distinct values of coordinate k, in order of first appearance.
    let values: [[Double]]
    /// index[k][i]: the position of points[i][k] in values[k].
    let index: [[Int32]]

    init(_ points: [SIMD3<Double>]) {
        var values: [[Double]] = [], index: [[Int32]] = []
        for k in 0..<3 {
            var seen: [Double: Int32] = [:], distinct: [Double] = [], at = [Int32](repeating: 0, count: points.count)
            for (i, p) in points.enumerated() {
                let v = p[k]  // +0 and −0 are one key
                if let j = seen[v] { at[i] = j } else {
                    seen[v] = Int32(distinct.count)
                    at[i] = Int32(distinct.count)
                    distinct.append(v)
                }
            }
            values.append(distinct)
            index.append(at)
        }
        self.values = values
        self.index = index
    }
}

/// The kernel matrix G[i, j] = K(a (x_i − y_j − o)) (mirrored: K(a (y_j + o − x_i))), column-major,
/// for a set-up: from per-axis factor tables when the kernel is `AxisSeparableKernel` and the
/// tables are much smaller than the matrix, else entry by entry.
///
/// The separable entries are (f₀ · f₁) · f₂, which differ from K's own evaluation by a few units
/// in the last place (exp(a) exp(b) exp(c) against exp(a + b + c)).
struct KernelMatrix: Sendable {
    let kernel: any Kernel
    let scale: Double
    let x: [SIMD3<Double>]
    let y: [SIMD3<Double>]
    let mirrored: Bool
    private let separable: (any AxisSeparableKernel, AxisCoordinates, AxisCoordinates)?
    /// Whether the entries come from per-axis tables.
    var fromAxisTables: Bool { separable != nil }

    init(kernel: any Kernel, scale: Double, x: [SIMD3<Double>], y: [SIMD3<Double>], mirrored: Bool = false) {
        self.kernel = kernel
        self.scale = scale
        self.x = x
        self.y = y
        self.mirrored = mirrored
        if let product = kernel as? any AxisSeparableKernel {
            let ax = AxisCoordinates(x), ay = AxisCoordinates(y)
            // One table per axis and column block: worth it when the tables are far smaller than the entries.
            let tables = (0..<3).reduce(0) { $0 + ax.values[$1].count * ay.values[$1].count }
            separable = 8 * tables <= x.count * y.count ? (product, ax, ay) : nil
        } else {
            separable = nil
        }
    }

    /// Columns `columns` of G shifted by `shift` (o) into `out`, column j at `out + (j − columns.lowerBound) · ld`.
    func fill(columns: Range<Int>, shift: SIMD3<Double> = .zero, into out: UnsafeMutablePointer<Double>, ld: Int) {
        let p = x.count
        guard let (product, ax, ay) = separable else {
            for j in columns {
                let column = out + (j - columns.lowerBound) * ld
                for i in 0..<p {
                    let r = scale * (x[i] - y[j] - shift)
                    column[i] = kernel(mirrored ? -r : r)
                }
            }
            return
        }
        // f_k(a (u − v − o_k)) for every distinct x value u and the y values v of axis k these
        // columns use: table k is (distinct x) × (distinct y), column-major, its unused columns unset.
        let sign = mirrored ? -scale : scale
        var tables: [[Double]] = []
        for k in 0..<3 {
            let u = ax.values[k], v = ay.values[k]
            var t = [Double](repeating: 0, count: u.count * v.count), done = [Bool](repeating: false, count: v.count)
            for j in columns {
                let b = Int(ay.index[k][j])
                guard !done[b] else { continue }
                done[b] = true
                for a in u.indices { t[a + u.count * b] = product.axisFactor(sign * (u[a] - v[b] - shift[k]), axis: k) }
            }
            tables.append(t)
        }
        let n0 = ax.values[0].count, n1 = ax.values[1].count, n2 = ax.values[2].count
        tables[0].withUnsafeBufferPointer { t0 in tables[1].withUnsafeBufferPointer { t1 in tables[2].withUnsafeBufferPointer { t2 in
        ax.index[0].withUnsafeBufferPointer { i0 in ax.index[1].withUnsafeBufferPointer { i1 in ax.index[2].withUnsafeBufferPointer { i2 in
            for j in columns {
                let f0 = t0.baseAddress! + n0 * Int(ay.index[0][j])
                let f1 = t1.baseAddress! + n1 * Int(ay.index[1][j])
                let f2 = t2.baseAddress! + n2 * Int(ay.index[2][j])
                let column = out + (j - columns.lowerBound) * ld
                for i in 0..<p { column[i] = f0[Int(i0[i])] * f1[Int(i1[i])] * f2[Int(i2[i])] }
            }
        } } } } } }
    }
}
