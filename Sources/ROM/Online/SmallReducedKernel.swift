import CSmallKernels
import LinearAlgebra

/// The fused online kernel of a small symmetric reduced model (N ≤ `largestOrder`): the affine
/// sum A_N(μ) = Σ_q θ_q A_q^N, a Cholesky factorization L Lᵀ = A_N(μ) with the forward solve
/// L y = f_N(μ) folded in (f_N as one more row), the back solve Lᵀ u_N = y, and the product y = B c(μ) of the estimator, all on contiguous
/// caller storage (matrices column-major with `stride(order:)` rows, zero padding).
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

    /// y = M c for M given row by row (`rowMajor`, rows × columns); with `upper`, M is upper
    /// trapezoidal and row i is read from column i on.
    @inline(__always)
    static func product(rowMajor m: UnsafePointer<Double>, rows: Int, columns k: Int, upper: Bool,
                        _ c: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        romkit_product_rows(m, Int32(rows), Int32(k), upper ? 1 : 0, c, y)
    }

    /// The estimator matrix row by row for `product(rowMajor:…)`, and whether it is upper
    /// trapezoidal (B is R of a QR; checked, never assumed).
    static func rows(of m: Matrix) -> (rowMajor: [Double], isUpper: Bool) {
        var rowMajor = [Double](repeating: 0, count: m.rows * m.columns)
        var upper = true
        for i in 0..<m.rows {
            for j in 0..<m.columns {
                rowMajor[i * m.columns + j] = m[i, j]
                if j < i && m[i, j] != 0 { upper = false }
            }
        }
        return (rowMajor, upper)
    }

    /// xᵀ y over `count` entries.
    @inline(__always)
    static func dot(_ count: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        romkit_dot(Int32(count), x, y)
    }
}
