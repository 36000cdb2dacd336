import LinearAlgebra

/// The high-fidelity finite-element stage of ROMKit: meshes, P1/P2 elements, sparse assembly,
/// Gmsh input and VTU output. FEM imports LinearAlgebra only and never ROM: the drivers in
/// `cases/` are where a discretization meets the reduction (docs/architecture.md).
public enum FEMModule {
    /// The name of the module, for provenance records.
    public static let name = "FEM"
}
