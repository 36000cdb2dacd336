import LinearAlgebra

/// The Empirical Interpolation Method and its variants, and the EIM-based fast summation.
/// Its content arrives with the EIM issue; EIM imports LinearAlgebra only.
public enum EIMModule {
    /// The name of the module, for provenance records.
    public static let name = "EIM"
}
