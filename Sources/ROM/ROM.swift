import LinearAlgebra
import EIM

/// Reduced-order models: POD, the Reduced Basis method with its error estimators, online model
/// files. Its content arrives with the ROM issue; ROM imports LinearAlgebra and EIM, never FEM.
public enum ROMModule {
    /// The name of the module, for provenance records.
    public static let name = "ROM"
}
