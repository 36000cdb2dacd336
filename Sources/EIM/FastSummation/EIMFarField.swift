import LinearAlgebra

/// The EIFMM far field of one level (Casenave 2014): the EIM greedy on the training family
/// x′ ↦ K(a (x′ − s)) picks the target nodes X_i and kernel columns s_k; in the symmetric
/// formulation ℓ(x′)ᵀ = k(x′)ᵀ F⁻¹ with k_k(x′) = K(a (x′ − s_k)) and F_ik = K(a (X_i − s_k)).
/// The source side runs the same greedy on the mirrored kernel K(−r) (the same one when K is even).
///
/// Because the Lagrange functions are combinations of kernel columns, P2M is a kernel sum at the
/// columns' positions followed by F⁻ᵀ, and L2P is a kernel sum from charges F⁻¹ L placed at them.
struct EIMFarField: FarFieldBasis {
    let kernelScale: Double
    let xNodes: [SIMD3<Double>]
    let xParams: [SIMD3<Double>]
    let xInverse: Matrix        // F⁻¹
    let yNodes: [SIMD3<Double>]
    let yParams: [SIMD3<Double>]
    let yInverseTransposed: Matrix  // F̃⁻ᵀ
    let estimatedError: Double
    let kernel: any Kernel

    var rawToMultipole: Matrix? { yInverseTransposed }
    var sourceSideIsTargetSide: Bool { kernel.isEven }
    var localToRaw: Matrix? { xInverse }

    /// The greedy at absolute tolerance `tolerance` on the family at scale `scale` (box width, or 1
    /// for a homogeneous kernel). Zero terms when the family is below the tolerance everywhere; nil
    /// when the first greedy takes more than `underResolvedAbove` terms (the grid under-resolves the
    /// kernel: `validatedGreedy`).
    init?(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double, underResolvedAbove: Int = .max) throws {
        self.kernel = kernel
        kernelScale = scale
        guard let (xn, xp, xi, errX) = try Self.greedy(kernel: kernel, family: family, scale: scale, tolerance: tolerance,
                                                       mirrored: false, underResolvedAbove: underResolvedAbove) else { return nil }
        xNodes = xn
        xParams = xp
        xInverse = xi
        if kernel.isEven {
            yNodes = xn
            yParams = xp  // K even: K(a (y′ − s)) = K(a (s − y′))
            yInverseTransposed = xi.transposed
            estimatedError = errX
        } else {
            guard let (yn, yp, yi, errY) = try Self.greedy(kernel: kernel, family: family, scale: scale, tolerance: tolerance,
                                                           mirrored: true, underResolvedAbove: underResolvedAbove) else { return nil }
            yNodes = yn
            yParams = yp
            yInverseTransposed = yi.transposed
            estimatedError = max(errX, errY)
        }
    }

    /// Nodes, kernel columns (as positions s: k(x′) = K(a (x′ − s)), mirrored: K(a (s − x′))), F⁻¹,
    /// error; nil when under-resolved.
    private static func greedy(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double,
                               mirrored: Bool, underResolvedAbove: Int) throws -> ([SIMD3<Double>], [SIMD3<Double>], Matrix, Double)? {
        let eim: EmpiricalInterpolation, trained: TrainingFamily, error: Double
        switch try validatedGreedy(kernel: kernel, family: family, scale: scale, tolerance: tolerance, mirrored: mirrored,
                                   maxTerms: 2000, restart: .fromScratch, underResolvedAbove: underResolvedAbove) {
        case .negligible: return ([], [], Matrix(rows: 0, columns: 0), tolerance)
        case .underResolved: return nil
        case let .trained(i, family, e): (eim, trained, error) = (i, family, e)
        }
        let nodes = eim.points.map { family.samples[$0] }
        let params = eim.parameters.map { trained.params[$0] }
        let p = nodes.count
        var f = Matrix(rows: p, columns: p)
        for k in 0..<p { for i in 0..<p {
            let r = scale * (nodes[i] - params[k])
            f[i, k] = kernel(mirrored ? -r : r)
        } }
        let inverse = try DenseLU(f).solve(Matrix.identity(p))
        return (nodes, params, inverse, error)
    }

    func lagrangeX(_ p: SIMD3<Double>) -> [Double] {
        let k = xParams.map { kernel(kernelScale * (p - $0)) }
        return xInverse.applyTransposed(k)
    }

    func lagrangeY(_ p: SIMD3<Double>) -> [Double] {
        // k̃_k(y′) = K(a (s̃_k − y′)): the sum at s̃_k of a unit source at y′.
        let k = yParams.map { kernel(kernelScale * ($0 - p)) }
        return yInverseTransposed.apply(k)
    }

    /// K(a (p_k − s_i)) F⁻¹: one product for all points.
    func lagrangeX(at points: [SIMD3<Double>]) -> Matrix {
        .product(.none, columnValues(at: points, params: xParams, mirrored: false), .none, xInverse)
    }

    func lagrangeY(at points: [SIMD3<Double>]) -> Matrix {
        .product(.none, columnValues(at: points, params: yParams, mirrored: true), .transposed, yInverseTransposed)
    }

    /// [K(a (p_k − s_i))] (mirrored: K(a (s_i − p_k))), points × params.
    private func columnValues(at points: [SIMD3<Double>], params: [SIMD3<Double>], mirrored: Bool) -> Matrix {
        var k = Matrix(rows: points.count, columns: params.count)
        for (i, s) in params.enumerated() { for (j, p) in points.enumerated() {
            k[j, i] = kernel(kernelScale * (mirrored ? s - p : p - s))
        } }
        return k
    }

    func p2m(kernel: any Kernel, center: SIMD3<Double>, width: Double, sources: SourceView, range: Range<Int>,
             into raw: UnsafeMutableBufferPointer<Double>) {
        for k in 0..<yParams.count {
            raw[k] += kernel.sum(at: center + width * yParams[k], sources: sources, range: range)
        }
    }

    func l2p(kernel: any Kernel, raw: UnsafeBufferPointer<Double>, center: SIMD3<Double>, width: Double,
             targets: SourceView, range: Range<Int>, into f: UnsafeMutableBufferPointer<Double>) {
        addNodeSum(kernel: kernel, nodes: xParams, center: center, width: width, charges: raw, targets: targets,
                   range: range, into: f)
    }
}
