import LinearAlgebra
import EIM

/// Reduced-order models: POD, the Reduced Basis method over any `ParametricProblem` with its
/// error estimators and indicators, online models (`OnlineModel`) and their files. ROM imports
/// LinearAlgebra and EIM, never FEM (docs/architecture.md).
public enum ROMModule {
    /// The name of the module, for provenance records.
    public static let name = "ROM"
}
