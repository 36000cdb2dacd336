import Foundation
import LinearAlgebra

/// A random sketch of the dual norm of X: Θ g = k^{-1/2} Ω L⁻¹P g with Ω a k×n standard Gaussian
/// matrix and P X Pᵀ = L Lᵀ, so that E‖Θ g‖₂² = gᵀX⁻¹g = ‖g‖²_{X'} (Balabanov–Nouy 2019,
/// "Randomized linear algebra for model reduction. Part I", and Smetana–Zahm–Patera 2019). For
/// k = 64 the sketched norm of one vector lies within a factor 0.7–1.3 of the true one with
/// probability 0.99 (‖Θ g‖²/‖g‖² is χ²_k / k).
///
/// Why a sketch: the nonintrusive RB's residual has d·N + d_f terms (hundreds of interpolation
/// terms times the basis size), too many for a Gram matrix or a QR of the representers, whose
/// online cost grows with their square; the sketched residual is a k-vector, accumulated term by
/// term without squaring (no cancellation: it stays accurate near machine precision), and costs
/// k·(d·N + d_f) online. Seeded, so runs repeat.
struct ResidualSketch {
    /// k.
    let size: Int
    /// Ω / √k (k×n).
    private let omega: Matrix
    private let xFactor: CholeskyFactorization

    init(innerProduct x: SparseMatrix, size k: Int, seed: UInt64) throws {
        guard k > 0 else { throw ROMError.invalidOption(name: "sketch size", detail: "must be positive, got \(k)") }
        size = k
        xFactor = try CholeskyFactorization(x)
        var random = SplitMix64(seed: seed)
        let scale = 1 / Double(k).squareRoot()
        var o = Matrix(rows: k, columns: x.rows)
        o.storage.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                // Box–Muller: two standard normals from two uniforms.
                let u1 = Swift.max(random.nextUniform(), 1e-300), u2 = random.nextUniform()
                let r = (-2 * Foundation.log(u1)).squareRoot()
                p[i] = scale * r * Foundation.cos(2 * Double.pi * u2)
                if i + 1 < p.count { p[i + 1] = scale * r * Foundation.sin(2 * Double.pi * u2) }
                i += 2
            }
        }
        omega = o
    }

    /// Θ G for the columns of G (k × columns), real and imaginary parts sketched alike.
    func sketch<Element: Scalar>(_ g: DenseMatrix<Element>) throws -> DenseMatrix<Element> {
        let n = g.rows, c = g.columns
        guard c > 0 else { return DenseMatrix(rows: size, columns: 0) }
        if let realMatrix = g as? Matrix {
            // The real case without element-wise conversions (they dominated the extensions).
            return Matrix.product(.none, omega, .none, try xFactor.whitened(realMatrix)) as! DenseMatrix<Element>
        }
        let real = Matrix(rows: n, columns: c, storage: g.storage.map(\.realPart))
        let sketchedReal = Matrix.product(.none, omega, .none, try xFactor.whitened(real))
        guard Element.isComplex else { return DenseMatrix(rows: size, columns: c, storage: sketchedReal.storage.map { Element(real: $0) }) }
        let imaginary = Matrix(rows: n, columns: c, storage: g.storage.map(\.imaginaryPart))
        let sketchedImaginary = Matrix.product(.none, omega, .none, try xFactor.whitened(imaginary))
        let unit = Element.imaginaryUnit
        return DenseMatrix(rows: size, columns: c, storage: zip(sketchedReal.storage, sketchedImaginary.storage).map {
            Element(real: $0) + Element(real: $1) * unit
        })
    }
}
