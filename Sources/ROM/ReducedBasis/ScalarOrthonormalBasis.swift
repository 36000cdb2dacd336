import LinearAlgebra

/// A basis V (n×N) of real or complex vectors, orthonormal in (u, v)_X = uᴴ X v with X real SPD,
/// grown by Gram–Schmidt with one reorthogonalization ("twice is enough"); X V is kept beside it.
/// The greedies over a problem of any scalar (the residual indicator, the nonintrusive RB) build
/// their bases with it. (`OrthonormalBasis` is the real one whose products go through a `Reduction`.)
struct ScalarOrthonormalBasis<Element: Scalar> {
    /// V, X-orthonormal columns.
    private(set) var vectors: DenseMatrix<Element>
    /// X V.
    private(set) var weighted: DenseMatrix<Element>
    /// X.
    let x: SparseMatrix

    init(x: SparseMatrix) {
        self.x = x
        vectors = DenseMatrix(rows: x.rows, columns: 0)
        weighted = vectors
    }

    /// N.
    var count: Int { vectors.columns }

    /// √(uᴴ X u) from u and X u.
    func norm(_ u: [Element], weighted xu: [Element]) -> Double {
        let product = u.withUnsafeBufferPointer { up in xu.withUnsafeBufferPointer { Element.dot(n: u.count, up.baseAddress!, $0.baseAddress!) } }
        return Swift.max(product.realPart, 0).squareRoot()
    }

    /// Orthonormalizes `v` against V (twice) and appends the normalized remainder unless less than
    /// 1e-12 of its norm is new. Returns whether the basis grew.
    mutating func append(_ v: [Element]) -> Bool {
        let original = norm(v, weighted: x.apply(scalars: v))
        guard original > 0, original.isFinite else { return false }
        var w = v
        for _ in 0..<2 where count > 0 {
            let c = weighted.applied(.adjoint, to: w)                                   // Vᴴ X w
            w.withUnsafeMutableBufferPointer { r in c.withUnsafeBufferPointer { vectors.gemv(.none, $0, into: r, alpha: -1, beta: 1) } }
        }
        let xw = x.apply(scalars: w)
        let remainder = norm(w, weighted: xw)
        guard remainder > 1e-12 * original else { return false }
        let scale = Element(real: 1 / remainder)
        vectors.appendColumn(w.map { $0 * scale })
        weighted.appendColumn(xw.map { $0 * scale })
        return true
    }
}
