import CSmallKernels
import LinearAlgebra

/// The fused online kernel of a small symmetric reduced model (N ≤ `largestOrder`): the affine
/// sum A_N(μ) = Σ_q θ_q A_q^N, a Cholesky factorization L Lᵀ = A_N(μ) with the forward solve
/// L y = f_N(μ) folded in (f_N as one more row), the back solve Lᵀ u_N = y, and the product y = B c(μ) of the estimator, all on contiguous
/// caller storage (matrices column-major with `stride(order:)` rows, zero padding); and, for
/// blocks of parameters, the same solve on four systems at once, one per SIMD lane.
///
/// At these orders LAPACK's and BLAS's call overhead (argument checks, blocking, dispatch) costs
/// more than their flops: the thermal block's query (N = 23, Q = 4, K = 93) is about 8,000
/// multiply-adds. The loops are ROMKit's own (Sources/CSmallKernels: four-wide vectors, compiled
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

    /// The Cholesky factor of the SPD matrix `a` (n columns, leading dimension `ld`) in its lower
    /// triangle, in place (left-looking; the strict upper triangle becomes scratch), with the
    /// forward substitution folded in: row n holds b on entry and y = L⁻¹ b on return. The
    /// reciprocals of the diagonal go to `inverse` (n entries). Returns the first column whose
    /// pivot is not positive (or NaN), else nil.
    @inline(__always)
    static func choleskyLower(_ a: UnsafeMutablePointer<Double>, order n: Int, leadingDimension ld: Int,
                              inverse: UnsafeMutablePointer<Double>) -> Int? {
        let column = romkit_cholesky_lower(a, Int32(n), Int32(ld), inverse)
        return column < 0 ? nil : Int(column)
    }

    /// x = L⁻ᵀ y for the factor, y (its row n) and the reciprocals `choleskyLower` left.
    @inline(__always)
    static func solveFactored(_ l: UnsafePointer<Double>, inverse: UnsafePointer<Double>, order n: Int, leadingDimension ld: Int,
                              into x: UnsafeMutablePointer<Double>) {
        romkit_solve_factored(l, inverse, Int32(n), Int32(ld), x)
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
