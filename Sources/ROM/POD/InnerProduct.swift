import LinearAlgebra

/// The inner product (x, y)_M = xᵀ M y in which bases are orthonormalized and errors measured:
/// Euclidean (M = I), or weighted by a symmetric positive definite matrix (a mass matrix gives
/// L², a stiffness matrix the energy or H¹₀ norm).
///
/// Every product, norm and Gram matrix is summed over the rows this process holds and then
/// completed by the `reduction` (`SerialReduction` by default: nothing to add), so POD,
/// Gram–Schmidt and the greedy run unchanged on row-distributed vectors once DomainDecomp supplies
/// an MPI reduction (docs/architecture.md, "Seams").
public struct InnerProduct: Sendable {
    /// The SPD matrix M, or nil for the Euclidean product.
    public let matrix: SparseMatrix?
    /// How partial sums over the local rows are completed.
    public let reduction: any Reduction

    /// The Euclidean inner product.
    public static let euclidean = InnerProduct(matrix: nil)

    /// The product weighted by the SPD matrix `m`.
    public static func weighted(by m: SparseMatrix) -> InnerProduct { InnerProduct(matrix: m) }

    /// The inner product of `matrix` (nil: Euclidean) over rows completed by `reduction`.
    public init(matrix: SparseMatrix?, reduction: any Reduction = SerialReduction()) {
        if let m = matrix { precondition(m.rows == m.columns, "InnerProduct: the matrix must be square, got \(m.rows)×\(m.columns)") }
        self.matrix = matrix
        self.reduction = reduction
    }

    /// Whether the sums need no completion (all rows are here).
    public var isSerial: Bool { reduction.isSerial }

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
        reduction.sumOverParts(matrix.map { $0.bilinearForm(x, y) } ?? BLAS.dot(x, y))
    }

    /// ‖x‖_M (serial Euclidean: BLAS `dnrm2`, which does not square).
    public func norm(_ x: [Double]) -> Double {
        if matrix == nil && isSerial { return BLAS.nrm2(x) }
        return Swift.max(dot(x, x), 0).squareRoot()
    }

    /// xᵀ y for a vector y already multiplied by M (the second half of a product).
    public func dot(_ x: [Double], weighted y: [Double]) -> Double { reduction.sumOverParts(BLAS.dot(x, y)) }

    /// Vᵀ y for the columns of V and a vector y already multiplied by M: the coefficients of a
    /// projection.
    public func projections(of y: [Double], onto v: Matrix) -> [Double] {
        var c = v.applyTransposed(y)
        reduction.sumOverParts(&c)
        return c
    }

    /// The Gram matrix XᵀM Y.
    public func gram(_ x: Matrix, _ y: Matrix) -> Matrix {
        var g = Matrix.product(.transposed, x, .none, apply(y))
        reduction.sumOverParts(&g)
        return g
    }

    /// The Gram matrix XᵀM X (Euclidean: one BLAS `dsyrk`).
    public func gram(_ x: Matrix) -> Matrix {
        guard matrix == nil else { return gram(x, x) }
        var g = x.gram
        reduction.sumOverParts(&g)
        return g
    }
}
