import CBLAS

/// Level-1 vector kernels over OpenBLAS, on caller-provided storage (no allocation).
///
/// The buffer forms are the ones to use in loops; the array forms are conveniences.
public enum BLAS {
    /// xᵀ y.
    @inlinable
    public static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
        precondition(x.count == y.count, "BLAS.dot: lengths \(x.count) and \(y.count)")
        return cblas_ddot(Int32(x.count), x.baseAddress, 1, y.baseAddress, 1)
    }

    /// y ← a x + y.
    @inlinable
    public static func axpy(_ a: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == y.count, "BLAS.axpy: lengths \(x.count) and \(y.count)")
        cblas_daxpy(Int32(x.count), a, x.baseAddress, 1, y.baseAddress, 1)
    }

    /// ‖x‖₂, without overflow for large entries.
    @inlinable
    public static func nrm2(_ x: UnsafeBufferPointer<Double>) -> Double {
        cblas_dnrm2(Int32(x.count), x.baseAddress, 1)
    }

    /// max |xᵢ| (0 for an empty x), by `idamax` over chunks of at most 2³¹ − 1 entries.
    public static func maxAbs(_ x: UnsafeBufferPointer<Double>) -> Double {
        var largest = 0.0, start = 0
        while start < x.count {
            let count = Swift.min(x.count - start, Int(Int32.max))
            let index = Int(cblas_idamax(Int32(count), x.baseAddress! + start, 1))
            largest = Swift.max(largest, abs(x[start + index]))
            start += count
        }
        return largest
    }

    /// Σ |xᵢ| by `dasum` over chunks of at most 2³¹ − 1 entries: one vectorized pass. Not finite
    /// when an entry is NaN or infinite (or the sum overflows); between n·2⁻²⁰⁰ and 2²⁰⁰ it proves
    /// every entry below 2²⁰⁰ in magnitude and the largest above 2⁻²⁰⁰ (what a Gram matrix needs
    /// to neither overflow nor underflow), without a second pass for the largest.
    public static func absoluteSum(_ x: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0, start = 0
        while start < x.count {
            let count = Swift.min(x.count - start, Int(Int32.max))
            sum += cblas_dasum(Int32(count), x.baseAddress! + start, 1)
            start += count
        }
        return sum
    }

    /// x ← a x.
    @inlinable
    public static func scal(_ a: Double, _ x: UnsafeMutableBufferPointer<Double>) {
        cblas_dscal(Int32(x.count), a, x.baseAddress, 1)
    }

    /// C ← α A B + β C on caller storage, column-major: A is m×k, B k×n, C m×n, without padding
    /// unless leading dimensions `lda` / `ldc` are given (a block of rows of a larger matrix)
    /// (BLAS `dgemm`; the buffer form of `Matrix.gemm`, for kernels that batch their own blocks).
    @inlinable
    public static func gemm(m: Int, n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, lda: Int? = nil,
                            b: UnsafePointer<Double>, beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int? = nil) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda ?? m), b, Int32(k),
                    beta, c, Int32(ldc ?? m))
    }

    /// y ← A x + y on caller storage, A m×k column-major without padding (BLAS `dgemv`).
    @inlinable
    public static func gemvAdd(m: Int, k: Int, a: UnsafePointer<Double>, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        guard m > 0, k > 0 else { return }
        cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(m), Int32(k), 1, a, Int32(m), x, 1, 1, y, 1)
    }

    /// B ← A⁻¹ B (`left`) or B A⁻¹ for a triangular A (BLAS `dtrsm`), on caller storage with
    /// leading dimensions: B is m×n, A is m×m (left) or n×n (right), `lower` or upper, with a unit
    /// diagonal (not read) or not.
    @inlinable
    public static func trsm(left: Bool, lower: Bool, unitDiagonal: Bool, m: Int, n: Int, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafeMutablePointer<Double>, ldb: Int) {
        guard m > 0, n > 0 else { return }
        cblas_dtrsm(CblasColMajor, left ? CblasLeft : CblasRight, lower ? CblasLower : CblasUpper, CblasNoTrans,
                    unitDiagonal ? CblasUnit : CblasNonUnit, Int32(m), Int32(n), 1, a, Int32(lda), b, Int32(ldb))
    }

    /// xᵀ y of two arrays.
    @inlinable
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { dot(xp, $0) } }
    }

    /// y ← a x + y on arrays.
    @inlinable
    public static func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { axpy(a, xp, $0) } }
    }

    /// ‖x‖₂ of an array.
    @inlinable
    public static func nrm2(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { nrm2($0) }
    }

    /// x ← a x on an array.
    @inlinable
    public static func scal(_ a: Double, _ x: inout [Double]) {
        x.withUnsafeMutableBufferPointer { scal(a, $0) }
    }
}

/// How a matrix operand enters a product: as it is, transposed, or conjugate transposed
/// (`adjoint`, the same as `transposed` for real matrices).
public enum Transpose: Sendable {
    case none, transposed, adjoint

    @usableFromInline
    var cblas: CBLAS_TRANSPOSE {
        switch self {
        case .none: return CblasNoTrans
        case .transposed: return CblasTrans
        case .adjoint: return CblasConjTrans
        }
    }
}
