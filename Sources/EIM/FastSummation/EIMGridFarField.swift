import Foundation
import LinearAlgebra

/// The EIM far field evaluated stably, for tight tolerances: the greedy runs on the family sampled
/// at the n^d tensor Chebyshev grid that already interpolates the kernel to the tolerance, so its
/// nodes X_i are grid points and its Lagrange functions are known on the grid as Λ = Q B⁻¹ (the
/// greedy's normalized residuals Q and their unit lower triangular values at the nodes B; no
/// kernel matrix is inverted). Off the grid, ℓ(x′)ᵀ = φ(x′)ᵀ Λ with φ the tensor Chebyshev
/// Lagrange polynomials: P2M is the Chebyshev anterpolation of a box's charges to the grid followed
/// by Λᵀ, L2P is Λ L on the grid followed by Chebyshev interpolation. The error is the Chebyshev
/// one plus its Lebesgue constant times the EIM one on the grid.
///
/// The kernel-column form of `EIMFarField` (ℓ(x′)ᵀ = k(x′)ᵀ F⁻¹) is cheaper but its coefficients
/// F⁻¹ L grow like cond F: rounding in the kernel sums is amplified to 1e-6–1e-4 when the tolerance
/// is 1e-9, however F⁻¹ is computed (LU and the greedy's triangular factors give the same).
struct EIMGridFarField: FarFieldBasis {
    let grid: ChebyshevFarField
    let xNodes: [SIMD3<Double>]
    let yNodes: [SIMD3<Double>]
    /// Λ_x (grid × xNodes) and Λ_y (grid × yNodes): the Lagrange functions on the grid.
    let xLagrange: Matrix
    let yLagrange: Matrix
    let estimatedError: Double
    let sourceSideIsTargetSide: Bool
    var rawToMultipole: Matrix? { nil }
    var localToRaw: Matrix? { nil }

    init(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double, maxN: Int) throws {
        grid = ChebyshevFarField(kernel: kernel, family: family, scale: scale, tolerance: tolerance, maxN: maxN)
        let onGrid = TrainingFamily(dimension: family.dimension, axis: grid.nodes1D)
        let (xn, xl, errX) = try Self.greedy(kernel: kernel, family: onGrid, scale: scale, tolerance: tolerance, mirrored: false)
        xNodes = xn
        xLagrange = xl
        sourceSideIsTargetSide = kernel.isEven
        if kernel.isEven {
            yNodes = xn
            yLagrange = xl
            estimatedError = max(grid.estimatedError, errX)
        } else {
            let (yn, yl, errY) = try Self.greedy(kernel: kernel, family: onGrid, scale: scale, tolerance: tolerance, mirrored: true)
            yNodes = yn
            yLagrange = yl
            estimatedError = max(grid.estimatedError, errX, errY)
        }
    }

    /// Nodes, Lagrange functions on the grid, greedy error (`validatedGreedy`).
    private static func greedy(kernel: any Kernel, family: TrainingFamily, scale: Double, tolerance: Double,
                               mirrored: Bool) throws -> ([SIMD3<Double>], Matrix, Double) {
        guard case let .trained(eim, _, error) = try validatedGreedy(kernel: kernel, family: family, scale: scale, tolerance: tolerance,
                                                                     mirrored: mirrored, maxTerms: 4000, restart: .continuing) else {
            return ([], Matrix(rows: family.samples.count, columns: 0), tolerance)
        }
        return (eim.points.map { family.samples[$0] }, lagrangeFunctions(eim), error)
    }

    /// Λ = Q F⁻¹ on the grid, F = Q[I, :] unit lower triangular: one BLAS-3 triangular solve (the
    /// generic `EmpiricalInterpolation.lagrangeFunctions` solves for one unit vector at a time).
    static func lagrangeFunctions(_ eim: EmpiricalInterpolation) -> Matrix {
        guard case .unitLower = eim.solver else { return eim.lagrangeFunctions }
        let n = eim.pointCount, m = eim.terms
        var l = eim.basis
        guard n > 0, m > 0 else { return l }
        l.storage.withUnsafeMutableBufferPointer { lp in
            eim.interpolationMatrix.storage.withUnsafeBufferPointer { f in
                BLAS.trsm(left: false, lower: true, unitDiagonal: true, m: n, n: m, a: f.baseAddress!, lda: m,
                          b: lp.baseAddress!, ldb: n)
            }
        }
        return l
    }

    func lagrangeX(_ p: SIMD3<Double>) -> [Double] { xLagrange.applyTransposed(grid.lagrangeX(p)) }
    func lagrangeY(_ p: SIMD3<Double>) -> [Double] { yLagrange.applyTransposed(grid.lagrangeX(p)) }
    func lagrangeX(at points: [SIMD3<Double>]) -> Matrix { grid.interpolate(xLagrange, at: points) }
    func lagrangeY(at points: [SIMD3<Double>]) -> Matrix { grid.interpolate(yLagrange, at: points) }

    func p2m(kernel: any Kernel, center: SIMD3<Double>, width: Double, sources: SourceView, range: Range<Int>,
             into raw: UnsafeMutableBufferPointer<Double>) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: grid.xNodes.count) { w in
            w.initialize(repeating: 0)
            grid.p2m(kernel: kernel, center: center, width: width, sources: sources, range: range, into: w)
            yLagrange.gemv(.transposed, UnsafeBufferPointer(w), into: raw, beta: 1)
        }
    }

    func l2p(kernel: any Kernel, raw: UnsafeBufferPointer<Double>, center: SIMD3<Double>, width: Double,
             targets: SourceView, range: Range<Int>, into f: UnsafeMutableBufferPointer<Double>) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: grid.xNodes.count) { g in
            xLagrange.gemv(.none, raw, into: g)
            grid.l2p(kernel: kernel, raw: UnsafeBufferPointer(g), center: center, width: width, targets: targets, range: range, into: f)
        }
    }
}
