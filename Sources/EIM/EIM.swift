import LinearAlgebra

/// The Empirical Interpolation Method and its variants, and the EIM-based fast summation.
/// EIM imports LinearAlgebra only; ROM builds on it (docs/architecture.md).
public enum EIMModule {
    /// The name of the module, for provenance records.
    public static let name = "EIM"
}
