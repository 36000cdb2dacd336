import LinearAlgebra

/// The inner product (x, y)_M = xᵀ M y in which bases are orthonormalized and errors measured:
/// Euclidean (M = I), or weighted by a symmetric positive definite matrix (a mass matrix gives
/// L², a stiffness matrix the energy or H¹₀ norm).
public struct InnerProduct: Sendable {
    /// The SPD matrix M, or nil for the Euclidean product.
    public let matrix: SparseMatrix?

    /// The Euclidean inner product.
    public static let euclidean = InnerProduct(matrix: nil)

    /// The product weighted by the SPD matrix `m`.
    public static func weighted(by m: SparseMatrix) -> InnerProduct { InnerProduct(matrix: m) }

    /// The inner product of `matrix` (nil: Euclidean).
    public init(matrix: SparseMatrix?) {
        if let m = matrix { precondition(m.rows == m.columns, "InnerProduct: the matrix must be square, got \(m.rows)×\(m.columns)") }
        self.matrix = matrix
    }

    /// M x (x itself for the Euclidean product).
    public func apply(_ x: [Double]) -> [Double] { matrix?.apply(x) ?? x }

    /// M X for every column of X.
    public func apply(_ x: Matrix) -> Matrix {
        guard let m = matrix else { return x }
        precondition(x.rows == m.columns, "InnerProduct.apply: \(x.rows) rows for an order-\(m.rows) product")
        var result = Matrix(rows: x.rows, columns: x.columns)
        x.storage.withUnsafeBufferPointer { xs in
            result.storage.withUnsafeMutableBufferPointer { rs in
                for j in 0..<x.columns {
                    let range = (j * x.rows)..<((j + 1) * x.rows)
                    m.apply(UnsafeBufferPointer(rebasing: xs[range]), into: UnsafeMutableBufferPointer(rebasing: rs[range]))
                }
            }
        }
        return result
    }

    /// (x, y)_M.
    public func dot(_ x: [Double], _ y: [Double]) -> Double {
        guard let m = matrix else { return BLAS.dot(x, y) }
        return m.bilinearForm(x, y)
    }

    /// ‖x‖_M.
    public func norm(_ x: [Double]) -> Double {
        guard matrix != nil else { return BLAS.nrm2(x) }
        return Swift.max(dot(x, x), 0).squareRoot()
    }

    /// The Gram matrix XᵀM Y.
    public func gram(_ x: Matrix, _ y: Matrix) -> Matrix {
        Matrix.product(.transposed, x, .none, apply(y))
    }
}
