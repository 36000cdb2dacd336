import LinearAlgebra

/// The high-fidelity finite-element stage of ROMKit: meshes, P1/P2 elements, sparse assembly,
/// Gmsh input and VTU output. Its content arrives with the FEM issue; the module exists so the
/// package layout (FEM imports LinearAlgebra only) is fixed from the start.
public enum FEMModule {
    /// The name of the module, for provenance records.
    public static let name = "FEM"
}
