import LinearAlgebra

/// A basis kept orthonormal in an inner product M, grown one vector at a time by Gram–Schmidt with
/// one reorthogonalization ("twice is enough", Giraud–Langou–Rozložník 2005): the basis of the
/// Reduced Basis greedy and of incremental POD.
///
/// M times each basis vector is kept beside it, so orthogonalizing a new vector costs one
/// product with M (for its norm) and BLAS `gemv`s.
public struct OrthonormalBasis: Sendable {
    /// The inner product of the basis.
    public let innerProduct: InnerProduct
    /// The basis vectors, one per column (n×N), orthonormal in M.
    public private(set) var vectors: Matrix
    /// M times the basis vectors.
    private var weightedVectors: Matrix

    /// An empty basis of vectors of length `dimension`.
    public init(dimension: Int, innerProduct: InnerProduct) {
        self.innerProduct = innerProduct
        vectors = Matrix(rows: dimension, columns: 0)
        weightedVectors = Matrix(rows: dimension, columns: 0)
    }

    /// Number of vectors.
    public var count: Int { vectors.columns }

    /// Vector length.
    public var dimension: Int { vectors.rows }

    /// Orthogonalizes `v` against the basis and appends it normalized, unless less than
    /// `relativeTolerance` of its norm is new (`v` is already in the span; the basis is unchanged).
    /// Returns the coefficients of `v` in the basis after the call: v ≈ V c.
    @discardableResult
    public mutating func append(_ v: [Double], relativeTolerance: Double = 1e-12) -> [Double] {
        precondition(v.count == dimension, "OrthonormalBasis.append: vector of length \(v.count), basis of \(dimension)")
        let originalNorm = innerProduct.norm(v)
        var coefficients = [Double](repeating: 0, count: count)
        guard originalNorm > 0, originalNorm.isFinite else { return coefficients }
        var w = v
        projectOut(&w, accumulating: &coefficients)
        let mw = innerProduct.apply(w)
        let norm = Swift.max(innerProduct.dot(w, weighted: mw), 0).squareRoot()
        guard norm > relativeTolerance * originalNorm else { return coefficients }
        vectors.appendColumn(w.map { $0 / norm })
        weightedVectors.appendColumn(mw.map { $0 / norm })
        coefficients.append(norm)
        return coefficients
    }

    /// w ← w − V Vᵀ M w, twice, adding the projection coefficients to `coefficients`.
    private func projectOut(_ w: inout [Double], accumulating coefficients: inout [Double]) {
        for _ in 0..<2 where count > 0 {
            let c = self.coefficients(of: w)
            BLAS.axpy(1, c, &coefficients)
            w.withUnsafeMutableBufferPointer { r in
                c.withUnsafeBufferPointer { vectors.gemv(.none, $0, into: r, alpha: -1, beta: 1) }
            }
        }
    }

    /// The coefficients Vᵀ M x of `x` in the basis.
    public func coefficients(of x: [Double]) -> [Double] {
        count == 0 ? [] : innerProduct.projections(of: x, onto: weightedVectors)
    }

}
