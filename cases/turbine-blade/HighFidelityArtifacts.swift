import FEM
import Foundation
import LinearAlgebra
import Materials

/// The files of stage (i), all written atomically under one folder:
/// - `mesh.msh`: the mesh (Gmsh 2.2: vertices, tetrahedra, tagged boundary facets), from which
///   the offline stage rebuilds the same space and dof numbering;
/// - `case.json`: the load case (``BladeLoadCase``: law, loads, cycle, steps);
/// - `mesh.vtu`: the mesh with quadratic cells on the P2 nodes (the node order of the dofs:
///   dof 3·node + component), region tags as cell data;
/// - `u_0000.npy`, `u_0001.npy`, …: the displacement at t_k (u_0000 = 0 at t = 0), one float64
///   vector of 3 · nodes entries each;
/// - `times.npy`: t_0 … t_N (the loading's clock, needed to replay the law);
/// All that the offline stage reads: `mesh.msh`, `case.json`, `times.npy` and the `u_*.npy`.
/// - `blade.pvd` with `blade_0000.vtu`, …: u (point data), σ_vM and p (cell means over the
///   integration points) for ParaView.
struct HighFidelityArtifacts {
    let folder: URL
    let space: FunctionSpace
    let points: MechanicsIntegrationPoints
    let law: any ConstitutiveLaw

    /// The names written for a run of `steps` steps.
    static func fileNames(steps: Int, series: Bool) -> [String] {
        var names = [meshName, BladeLoadCase.fileName, "mesh.vtu", "times.npy"] + (0...steps).map(displacementName)
        if series { names += ["blade.pvd"] + (0...steps).map(seriesName) }
        return names
    }

    /// The mesh the offline stage reads.
    static let meshName = "mesh.msh"

    static func displacementName(_ k: Int) -> String { String(format: "u_%04d.npy", k) }
    static func seriesName(_ k: Int) -> String { String(format: "blade_%04d.vtu", k) }

    /// Writes the mesh and the load case (first, before the time loop).
    func writeMesh(loadCase: BladeLoadCase) throws {
        try AtomicFile.createFolder(folder)
        try GmshWriter.write(space.mesh, to: folder.appendingPathComponent(Self.meshName))
        try loadCase.write(to: folder)
        var mesh = VTUWriter(space: space)
        mesh.addCellData("region", space.mesh.regions.map(Double.init))
        try mesh.write(to: folder.appendingPathComponent("mesh.vtu"))
    }

    /// Writes step k's displacement and, with `series`, its .vtu.
    func writeStep(_ k: Int, _ record: StepRecord, series: Bool) throws {
        try NPY.write(record.displacement, to: folder.appendingPathComponent(Self.displacementName(k)))
        guard series else { return }
        var writer = VTUWriter(space: space)
        writer.addPointData("u", record.displacement, components: 3)
        writer.addCellData("sigma_vM", cellMeans(record.fields.vonMises))
        if let p = record.fields.stateField("p", of: law) { writer.addCellData("p", cellMeans(p)) }
        try writer.write(to: folder.appendingPathComponent(Self.seriesName(k)))
    }

    /// Writes the clock and the .pvd collection (last, once every step is written).
    func writeIndex(times: [Double], series: Bool) throws {
        try NPY.write(times, to: folder.appendingPathComponent("times.npy"))
        guard series else { return }
        let datasets = times.enumerated().map { k, t in
            "    <DataSet timestep=\"\(t)\" group=\"\" part=\"0\" file=\"\(Self.seriesName(k))\"/>\n"
        }.joined()
        let pvd = "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n  <Collection>\n"
            + datasets + "  </Collection>\n</VTKFile>\n"
        try AtomicFile.write(Data(pvd.utf8), to: folder.appendingPathComponent("blade.pvd"))
    }

    /// The mean over each cell's integration points of a per-point field.
    func cellMeans(_ values: [Double]) -> [Double] {
        let q = points.pointsPerCell
        return (0..<space.mesh.cellCount).map { c in (0..<q).reduce(0) { $0 + values[c * q + $1] } / Double(q) }
    }
}
