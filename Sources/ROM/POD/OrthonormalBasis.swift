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
        let norm = Swift.max(BLAS.dot(w, mw), 0).squareRoot()
        guard norm > relativeTolerance * originalNorm else { return coefficients }
        vectors.appendColumn(w.map { $0 / norm })
        weightedVectors.appendColumn(mw.map { $0 / norm })
        coefficients.append(norm)
        return coefficients
    }

    /// Appends the columns of `block` in order, as repeated `append` calls would, but projects the
    /// whole block out of the existing basis at once (two BLAS-3 passes over the basis instead of
    /// two per vector: the basis is read 2 times, not 2k). Returns each column's coefficients in the
    /// basis as it stood after that column: column j ≈ V c_j.
    public mutating func append(block: Matrix, relativeTolerance: Double = 1e-12) -> [[Double]] {
        precondition(block.rows == dimension, "OrthonormalBasis.append(block:): columns of length \(block.rows), basis of \(dimension)")
        let start = count
        var remainders = block
        var projections = Matrix(rows: start, columns: block.columns)
        if start > 0 {
            for _ in 0..<2 {
                var c = Matrix(rows: start, columns: block.columns)
                Matrix.gemm(.transposed, weightedVectors, .none, remainders, into: &c)
                Matrix.gemm(.none, vectors, .none, c, into: &remainders, alpha: -1, beta: 1)
                projections = projections + c
            }
        }
        var result: [[Double]] = []
        for j in 0..<block.columns {
            var coefficients = projections.column(j)
            let originalNorm = innerProduct.norm(block.column(j))
            guard originalNorm > 0, originalNorm.isFinite else {
                result.append(coefficients + [Double](repeating: 0, count: count - start))
                continue
            }
            // Against the vectors this block added so far (few): classical Gram–Schmidt, twice.
            var w = remainders.column(j)
            var local = [Double](repeating: 0, count: count - start)
            for _ in 0..<2 {
                for i in start..<count {
                    let c = weightedVectors.storage.withUnsafeBufferPointer { mv in
                        w.withUnsafeBufferPointer { BLAS.dot(UnsafeBufferPointer(rebasing: mv[(i * dimension)..<((i + 1) * dimension)]), $0) }
                    }
                    local[i - start] += c
                    vectors.storage.withUnsafeBufferPointer { v in
                        w.withUnsafeMutableBufferPointer { BLAS.axpy(-c, UnsafeBufferPointer(rebasing: v[(i * dimension)..<((i + 1) * dimension)]), $0) }
                    }
                }
            }
            coefficients += local
            var mw = innerProduct.apply(w)
            var norm = Swift.max(BLAS.dot(w, mw), 0).squareRoot()
            // A nearly dependent column lost most of its norm: the block projection, done before
            // the in-block one, no longer holds to round-off relative to what is left, so project
            // against the whole basis again (the criterion of Daniel–Gragg–Kaufman–Stewart).
            if norm < 0.5 * originalNorm {
                projectOut(&w, accumulating: &coefficients)
                mw = innerProduct.apply(w)
                norm = Swift.max(BLAS.dot(w, mw), 0).squareRoot()
            }
            if norm > relativeTolerance * originalNorm {
                vectors.appendColumn(w.map { $0 / norm })
                weightedVectors.appendColumn(mw.map { $0 / norm })
                coefficients.append(norm)
            }
            result.append(coefficients)
        }
        return result
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
        count == 0 ? [] : weightedVectors.applyTransposed(x)
    }

}
