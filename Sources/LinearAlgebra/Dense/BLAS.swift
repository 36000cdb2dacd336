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

    /// x ← a x.
    @inlinable
    public static func scal(_ a: Double, _ x: UnsafeMutableBufferPointer<Double>) {
        cblas_dscal(Int32(x.count), a, x.baseAddress, 1)
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

/// Whether a matrix operand enters a product as it is or transposed.
public enum Transpose: Sendable {
    case none, transposed

    @usableFromInline
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}
