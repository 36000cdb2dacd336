import CBLAS

/// C ← α A B + β C on caller storage (column-major; A is m×k with leading dimension m, B k×n with
/// leading dimension k, C m×n with leading dimension m): the batched M2L, P2M and L2P products.
/// (LinearAlgebra's `Matrix.gemm` works on `Matrix` values; this is its buffer form.)
@inline(__always)
func bufferGEMM(m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                beta: Double, c: UnsafeMutablePointer<Double>) {
    guard m > 0, n > 0, k > 0 else { return }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(m), b, Int32(k),
                beta, c, Int32(m))
}

/// y ← A x + y (A m×k column-major): one M2M or L2L translation.
@inline(__always)
func bufferGEMVAdd(m: Int, k: Int, a: UnsafePointer<Double>, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
    guard m > 0, k > 0 else { return }
    cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(m), Int32(k), 1, a, Int32(m), x, 1, 1, y, 1)
}
