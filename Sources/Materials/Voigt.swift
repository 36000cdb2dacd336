/// Voigt storage of symmetric 3×3 tensors, used by every ``ConstitutiveLaw``.
///
/// Order (11, 22, 33, 23, 13, 12). Strains store engineering shears (γ₂₃ = 2ε₂₃, …), stresses
/// store the tensor components, so that σ : ε = Σᵢ σᵢ εᵢ and the tangent ∂σ/∂ε is a plain 6×6
/// matrix (row-major, `tangent[6 * i + j] = ∂σᵢ/∂εⱼ`), symmetric for the laws of this module.
public enum Voigt {
    /// Components of a symmetric 3×3 tensor.
    public static let count = 6
    /// Entries of a tangent.
    public static let tangentCount = 36

    /// The trace of a stress or strain.
    @inlinable
    public static func trace(_ v: UnsafeBufferPointer<Double>) -> Double { v[0] + v[1] + v[2] }

    /// The von Mises equivalent of a stress, √(3/2 s : s) with s the deviator.
    @inlinable
    public static func vonMises(_ s: UnsafeBufferPointer<Double>) -> Double {
        let m = (s[0] + s[1] + s[2]) / 3
        let d0 = s[0] - m, d1 = s[1] - m, d2 = s[2] - m
        let j = d0 * d0 + d1 * d1 + d2 * d2 + 2 * (s[3] * s[3] + s[4] * s[4] + s[5] * s[5])
        return (1.5 * j).squareRoot()
    }

    /// The von Mises equivalent of a stress given as six numbers.
    public static func vonMises(_ s: [Double]) -> Double {
        precondition(s.count == count, "a Voigt stress has 6 components")
        return s.withUnsafeBufferPointer { vonMises($0) }
    }
}
