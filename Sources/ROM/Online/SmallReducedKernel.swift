import CSmallKernels
import LinearAlgebra

/// The fused online kernel of a small symmetric reduced model (N ≤ `largestOrder`): one call
/// (`query`) forms A_N(μ) = Σ_q θ_q A_q^N and f_N(μ), factors A_N(μ) = L D Lᵀ in panels of four
/// columns with the forward solve folded in (f_N as one more row), solves Lᵀ u_N = D⁻¹ L⁻¹ f_N by
/// columns of Lᵀ, and forms c(μ) and the estimator's product y = B c(μ) over B packed in the order
/// the product reads it; all on contiguous caller storage (matrices column-major with
/// `stride(order:)` rows, zero padding). For blocks of parameters, the solve runs on four systems
/// at once, one per SIMD lane.
///
/// At these orders LAPACK's and BLAS's call overhead (argument checks, blocking, dispatch) costs
/// more than their flops: the thermal block's query (N = 23, Q = 4, K = 93) is about 8,000
/// multiply-adds. The LDLᵀ has no square root on its pivot chain, and each panel's 4 × 4 diagonal
/// block stays in registers, so one pivot follows the last by a division and a few multiply-adds. The loops are ROMKit's own (Sources/CSmallKernels: four-wide vectors, compiled
/// for AVX2 + FMA and for the baseline, chosen at load time from the CPU's features: Swift
/// cannot compile one function for a wider target). Sums are ordered differently from LAPACK's,
/// so answers agree with the LAPACK path to round-off. The estimator is unchanged:
/// ‖r(μ)‖_{X'} = ‖B c(μ)‖₂ from the product itself, never a squared form, so the bound stays
/// accurate near machine precision.
enum SmallReducedKernel {
    /// The largest reduced order the fused kernel takes; above it LAPACK's blocked routines pay.
    static let largestOrder = 64

    /// Whether the AVX2 + FMA versions of the loops run on this CPU.
    static var usesAVX2: Bool { romkit_small_kernels_use_avx2() != 0 }

    /// The leading dimension of the kernel's matrices: n + 1 rounded up to a multiple of four, so
    /// every column holds whole SIMD vectors and a row n for the right-hand side (the rows past it
    /// are zero padding).
    @inline(__always)
    static func stride(order n: Int) -> Int { (n + 4) & ~3 }

    /// Σ_q θ_q A_q into `a`, column j from row j rounded down to a multiple of four (what the
    /// factorization reads); `operators` holds A_1 … A_Q one after another, n columns each with
    /// leading dimension `ld` = `stride(order: n)`.
    @inline(__always)
    static func affineSum(_ operators: UnsafePointer<Double>, thetas: UnsafePointer<Double>, terms q: Int, order n: Int,
                          leadingDimension ld: Int, into a: UnsafeMutablePointer<Double>) {
        romkit_affine_sum(operators, thetas, Int32(q), Int32(n), Int32(ld), a)
    }

    /// The routine named in a `notPositiveDefinite` error from these kernels.
    static let routine = "ROMKit small LDLᵀ"

    /// The doubles of `solve`'s workspace for order n.
    static func solveWorkspace(order n: Int) -> Int { Int(romkit_ldlt_solve_workspace(Int32(n), Int32(stride(order: n)))) }

    /// u = A⁻¹ f for the SPD matrix `a` (n columns, leading dimension `stride(order: n)`, lower
    /// triangle from each column's row rounded down to four, f in row n), by LDLᵀ in panels of
    /// four columns (`a` is overwritten). `workspace`: `solveWorkspace(order:)` doubles, zero before
    /// the first call. Returns the first column whose pivot is not positive (or NaN), else nil.
    @inline(__always)
    static func solve(_ a: UnsafeMutablePointer<Double>, order n: Int, workspace: UnsafeMutablePointer<Double>,
                      into u: UnsafeMutablePointer<Double>) -> Int? {
        let column = romkit_ldlt_solve(a, Int32(n), Int32(stride(order: n)), workspace, u)
        return column < 0 ? nil : Int(column)
    }

    /// The estimator matrix packed for `query` (row chunks of 32 in the order the product reads
    /// them, an upper B's zeros skipped), its leading dimension and whether it is upper.
    static func packedEstimator(_ m: Matrix) -> (packed: [Double], leadingDimension: Int, isUpper: Bool) {
        let columns = columns(of: m)
        let count = Int(romkit_pack_estimator(columns.columnMajor, Int32(m.rows), Int32(m.columns), Int32(columns.leadingDimension),
                                              columns.isUpper ? 1 : 0, nil))
        var packed = [Double](repeating: 0, count: Swift.max(count, 1))
        _ = romkit_pack_estimator(columns.columnMajor, Int32(m.rows), Int32(m.columns), Int32(columns.leadingDimension),
                                  columns.isUpper ? 1 : 0, &packed)
        return (packed, columns.leadingDimension, columns.isUpper)
    }

    /// The doubles of `query`'s workspace for order n.
    static func queryWorkspace(order n: Int) -> Int { Int(romkit_online_query_workspace(Int32(n), Int32(stride(order: n)))) }

    /// One query in one call: A_N(μ) = Σ θ_q A_q (`operators` as for `affineSum`), f_N(μ) =
    /// Σ θ'_l f_l (`rightHandSides`: P vectors of n), u = A_N(μ)⁻¹ f_N(μ) by `solve`'s LDLᵀ, c(μ)
    /// (as `residualCoefficients` orders it) and y = B c(μ) with B from `packedEstimator`
    /// (`rows` rows, `k` = P + Q n columns). `workspace`: `queryWorkspace(order:)` doubles, zero
    /// before the first query. Returns the first column whose pivot is not positive, else nil.
    @inline(__always)
    static func query(operators: UnsafePointer<Double>, thetas: UnsafePointer<Double>, terms q: Int, rightHandSides: UnsafePointer<Double>,
                      rightHandSideThetas: UnsafePointer<Double>, rightHandSideTerms p: Int, order n: Int, estimator: UnsafePointer<Double>, rows: Int,
                      leadingDimension ldb: Int, upper: Bool, workspace: UnsafeMutablePointer<Double>, solution u: UnsafeMutablePointer<Double>,
                      coefficients c: UnsafeMutablePointer<Double>, product y: UnsafeMutablePointer<Double>) -> Int? {
        let column = romkit_online_query(operators, thetas, Int32(q), rightHandSides, rightHandSideThetas, Int32(p), Int32(n),
                                         Int32(stride(order: n)), estimator, Int32(rows), Int32(ldb), upper ? 1 : 0, workspace, u, c, y)
        return column < 0 ? nil : Int(column)
    }

    /// c(μ) = (θ'_1 … θ'_P, −θ_q u_n for n, then q): the residual's coefficients.
    @inline(__always)
    static func residualCoefficients(rightHandSideThetas: UnsafePointer<Double>, terms p: Int, thetas: UnsafePointer<Double>,
                                     operatorTerms q: Int, solution u: UnsafePointer<Double>, order n: Int,
                                     into c: UnsafeMutablePointer<Double>) {
        for i in 0..<p { c[i] = rightHandSideThetas[i] }
        for j in 0..<n {
            let minusU = -u[j]
            for l in 0..<q { c[p + j * q + l] = thetas[l] * minusU }
        }
    }

    /// Y = M C for `count` columns of C (leading dimension `ldc`) into Y (leading dimension
    /// `ldy`), M column-major with leading dimension `ldm` (a multiple of four, zero padding
    /// rows); with `upper`, M is upper trapezoidal and its zeros are skipped. Three columns of C
    /// share each load of M; every column's answer is the one-column answer bit for bit.
    @inline(__always)
    static func product(columnMajor m: UnsafePointer<Double>, rows: Int, columns k: Int, leadingDimension ldm: Int, upper: Bool,
                        count: Int = 1, _ c: UnsafePointer<Double>, leadingDimensionC ldc: Int = 0,
                        into y: UnsafeMutablePointer<Double>, leadingDimensionY ldy: Int = 0) {
        romkit_product_columns(m, Int32(rows), Int32(k), Int32(ldm), upper ? 1 : 0, Int32(count), c, Int32(ldc), y, Int32(ldy))
    }

    /// The estimator matrix column by column for `product(columnMajor:…)`, its leading dimension
    /// (rows rounded up to four) and whether it is upper trapezoidal (B is R of a QR; checked,
    /// never assumed).
    static func columns(of m: Matrix) -> (columnMajor: [Double], leadingDimension: Int, isUpper: Bool) {
        let ldm = Swift.max((m.rows + 3) & ~3, 4)
        var columnMajor = [Double](repeating: 0, count: ldm * m.columns)
        var upper = true
        for j in 0..<m.columns {
            for i in 0..<m.rows {
                columnMajor[j * ldm + i] = m[i, j]
                if j < i && m[i, j] != 0 { upper = false }
            }
        }
        return (columnMajor, ldm, upper)
    }

    /// Four parameters at once, one per SIMD lane: `out[4e + t] = Σ_l θ[4l + t] v[q e + l]` for
    /// e < `count`, with v entry-major (the q coefficients of an entry side by side).
    @inline(__always)
    static func combineLanes(_ values: UnsafePointer<Double>, thetas: UnsafePointer<Double>, terms q: Int, count: Int,
                             into out: UnsafeMutablePointer<Double>) {
        romkit_combine_lanes(values, thetas, Int32(q), Int32(count), out)
    }

    /// Four SPD systems at once, one per lane: entry (i, j), i ≥ j, of lane t at
    /// `a[4(j·ld + i) + t]`, its right-hand side at `f[4i + t]`; lane t's solution to
    /// `x[t·ldx + i]`. Returns nil, or the (lane, column) of a pivot that is not positive.
    @inline(__always)
    static func choleskySolveLanes(_ a: UnsafeMutablePointer<Double>, rightHandSides f: UnsafePointer<Double>, order n: Int,
                                   leadingDimension ld: Int, into x: UnsafeMutablePointer<Double>, leadingDimensionX ldx: Int)
        -> (lane: Int, column: Int)? {
        let code = Int(romkit_cholesky_solve_lanes(a, f, Int32(n), Int32(ld), x, Int32(ldx)))
        return code < 0 ? nil : (code / 64, code % 64)
    }

    /// xᵀ y over `count` entries.
    @inline(__always)
    static func dot(_ count: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        romkit_dot(Int32(count), x, y)
    }
}
