import CBLAS
import CLAPACKE
import ComplexModule
import RealModule

/// The numbers a matrix holds: `Double` or `Complex<Double>` (Helmholtz, time-harmonic and
/// boundary-element problems). `DenseMatrix<Element>` and `CSRMatrix<Element>` are generic over
/// it; `Matrix` and `SparseMatrix` name their real cases, `ComplexMatrix` and
/// `ComplexSparseMatrix` the complex ones.
///
/// Each scalar brings its BLAS routines (`d…` or `z…`), so a generic product dispatches once per
/// call and runs the same OpenBLAS kernel as a hand-written real or complex one. Inner products
/// conjugate their first argument (xᴴ y), so they are the Hermitian ones for complex numbers and
/// the ordinary ones for real numbers.
public protocol Scalar: AlgebraicField, Hashable, Sendable, Codable {
    /// Whether the type is complex.
    static var isComplex: Bool { get }
    /// The complex conjugate (the number itself when real).
    var conjugate: Self { get }
    /// The modulus |z| (Euclidean: √(re² + im²)).
    var modulus: Double { get }
    /// Whether every part is finite.
    var isFinite: Bool { get }
    /// A real number as this scalar.
    init(real: Double)
    /// The real part.
    var realPart: Double { get }
    /// The imaginary part (0 for a real number).
    var imaginaryPart: Double { get }

    /// y ← α op(A) x + β y, A column-major m×n with leading dimension lda (op: as it is,
    /// transposed, or conjugate transposed: `Transpose.adjoint`).
    static func gemv(_ op: Transpose, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
    /// C ← α op(A) op(B) + β C, column-major.
    static func gemm(_ opA: Transpose, _ opB: Transpose, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
                     c: UnsafeMutablePointer<Self>, ldc: Int)
    /// xᴴ y over n entries.
    static func dot(n: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    /// y ← a x + y over n entries.
    static func axpy(n: Int, _ a: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    /// Solves A X = B in place by LAPACK `gesv` (LU with partial pivoting): A (n×n) is overwritten
    /// by its factors, B (n×nrhs) by X; returns LAPACK's `info` (> 0: a zero pivot at info − 1).
    static func gesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, b: UnsafeMutablePointer<Self>,
                     pivots: UnsafeMutablePointer<Int32>) -> Int
    /// Solves A x = b in place for Hermitian (real: symmetric) positive definite A, column-major
    /// n×n with its lower triangle read: LAPACK `potrf`, then two BLAS-2 triangular solves (`trsv`,
    /// cheaper than `potrs`'s `trsm` at a reduced model's orders). A is overwritten by its
    /// Cholesky factor, b by x; returns LAPACK's `info` (> 0: not positive definite at column
    /// info − 1, and b is untouched).
    static func posv(n: Int, a: UnsafeMutablePointer<Self>, b: UnsafeMutablePointer<Self>) -> Int
}

extension Double: Scalar {
    /// False.
    public static var isComplex: Bool { false }
    /// The number itself.
    @inlinable public var conjugate: Double { self }
    /// |x|.
    @inlinable public var modulus: Double { Swift.abs(self) }
    /// The number itself.
    @inlinable public init(real: Double) { self = real }
    /// The number itself.
    @inlinable public var realPart: Double { self }
    /// 0.
    @inlinable public var imaginaryPart: Double { 0 }

    @inlinable
    public static func gemv(_ op: Transpose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasColMajor, op.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    @inlinable
    public static func gemm(_ opA: Transpose, _ opB: Transpose, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasColMajor, opA.cblas, opB.cblas, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    @inlinable
    public static func dot(n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(n), x, 1, y, 1)
    }

    @inlinable
    public static func axpy(n: Int, _ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), a, x, 1, y, 1)
    }

    public static func gesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>,
                            pivots: UnsafeMutablePointer<Int32>) -> Int {
        Int(LAPACKE_dgesv_work(LAPACK_COL_MAJOR, romkit_lapack_int(n), romkit_lapack_int(nrhs), a, romkit_lapack_int(max(n, 1)),
                               pivots, b, romkit_lapack_int(max(n, 1))))
    }

    public static func posv(n: Int, a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>) -> Int {
        guard n > 0 else { return 0 }
        let info = Int(LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, lapackChar("L"), romkit_lapack_int(n), a, romkit_lapack_int(n)))
        guard info == 0 else { return info }
        cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), a, Int32(n), b, 1)
        cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(n), a, Int32(n), b, 1)
        return 0
    }
}

extension Complex: Scalar where RealType == Double {
    /// True.
    public static var isComplex: Bool { true }
    /// √(re² + im²), without overflow.
    @inlinable public var modulus: Double { length }
    /// re + 0i.
    @inlinable public init(real: Double) { self.init(real, 0) }
    /// re.
    @inlinable public var realPart: Double { real }
    /// im.
    @inlinable public var imaginaryPart: Double { imaginary }

    public static func gemv(_ op: Transpose, m: Int, n: Int, alpha: Complex<Double>, a: UnsafePointer<Complex<Double>>, lda: Int,
                            x: UnsafePointer<Complex<Double>>, beta: Complex<Double>, y: UnsafeMutablePointer<Complex<Double>>) {
        withUnsafePointer(to: alpha) { al in
            withUnsafePointer(to: beta) { be in
                cblas_zgemv(CblasColMajor, op.cblas, Int32(m), Int32(n), al, a, Int32(lda), x, 1, be, y, 1)
            }
        }
    }

    public static func gemm(_ opA: Transpose, _ opB: Transpose, m: Int, n: Int, k: Int, alpha: Complex<Double>,
                            a: UnsafePointer<Complex<Double>>, lda: Int, b: UnsafePointer<Complex<Double>>, ldb: Int,
                            beta: Complex<Double>, c: UnsafeMutablePointer<Complex<Double>>, ldc: Int) {
        withUnsafePointer(to: alpha) { al in
            withUnsafePointer(to: beta) { be in
                cblas_zgemm(CblasColMajor, opA.cblas, opB.cblas, Int32(m), Int32(n), Int32(k), al, a, Int32(lda), b, Int32(ldb),
                            be, c, Int32(ldc))
            }
        }
    }

    public static func dot(n: Int, _ x: UnsafePointer<Complex<Double>>, _ y: UnsafePointer<Complex<Double>>) -> Complex<Double> {
        var result = Complex<Double>.zero
        cblas_zdotc_sub(Int32(n), x, 1, y, 1, &result)
        return result
    }

    public static func axpy(n: Int, _ a: Complex<Double>, _ x: UnsafePointer<Complex<Double>>, _ y: UnsafeMutablePointer<Complex<Double>>) {
        withUnsafePointer(to: a) { cblas_zaxpy(Int32(n), $0, x, 1, y, 1) }
    }

    /// `zgesv`: `Complex<Double>` has the layout of LAPACK's complex double (two doubles).
    public static func gesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex<Double>>, b: UnsafeMutablePointer<Complex<Double>>,
                            pivots: UnsafeMutablePointer<Int32>) -> Int {
        let count = Swift.max(n * n, 1), rhsCount = Swift.max(n * nrhs, 1)
        return a.withMemoryRebound(to: romkit_complex_double.self, capacity: count) { ap in
            b.withMemoryRebound(to: romkit_complex_double.self, capacity: rhsCount) { bp in
                Int(LAPACKE_zgesv_work(LAPACK_COL_MAJOR, romkit_lapack_int(n), romkit_lapack_int(nrhs), ap, romkit_lapack_int(Swift.max(n, 1)),
                                       pivots, bp, romkit_lapack_int(Swift.max(n, 1))))
            }
        }
    }

    /// `zpotrf` and two `ztrsv` (the second with the conjugate transpose).
    public static func posv(n: Int, a: UnsafeMutablePointer<Complex<Double>>, b: UnsafeMutablePointer<Complex<Double>>) -> Int {
        guard n > 0 else { return 0 }
        let info = a.withMemoryRebound(to: romkit_complex_double.self, capacity: n * n) {
            Int(LAPACKE_zpotrf_work(LAPACK_COL_MAJOR, lapackChar("L"), romkit_lapack_int(n), $0, romkit_lapack_int(n)))
        }
        guard info == 0 else { return info }
        cblas_ztrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), a, Int32(n), b, 1)
        cblas_ztrsv(CblasColMajor, CblasLower, CblasConjTrans, CblasNonUnit, Int32(n), a, Int32(n), b, 1)
        return 0
    }
}

/// The complex dense matrix: reduced operators and bases of time-harmonic problems.
public typealias ComplexMatrix = DenseMatrix<Complex<Double>>
