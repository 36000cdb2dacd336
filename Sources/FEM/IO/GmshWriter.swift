import Foundation
import LinearAlgebra

/// Writes a `Mesh` as a Gmsh `.msh` file, version 2.2 ASCII, which `GmshReader` (and Gmsh,
/// meshio) read back to the same mesh: nodes numbered 1… in the mesh's order with their
/// coordinates in shortest round-trip form (so the read mesh is equal to the bit), the boundary
/// facets first (points, segments or triangles) with their tag as physical group, then the cells
/// (segments, triangles or tetrahedra) with their region tag. A mesh handed from one stage to the
/// next travels this way: the reader renumbers nodes by id and keeps the cells' order, so every
/// dof numbering built on the mesh (`FunctionSpace`, P2 edges included) is the same on both sides.
public enum GmshWriter {
    /// The text of the file.
    public static func text(_ mesh: Mesh) -> String {
        let d = mesh.dimension
        let facetType = [1: 15, 2: 1, 3: 2][d]!, cellType = [1: 1, 2: 2, 3: 4][d]!
        var out = "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$Nodes\n\(mesh.nodeCount)\n"
        out.reserveCapacity(64 * (mesh.nodeCount + mesh.cellCount + mesh.boundaryTags.count))
        for i in 0..<mesh.nodeCount {
            out += "\(i + 1)"
            for a in 0..<3 { out += " " + (a < d ? "\(mesh.coordinates[d * i + a])" : "0") }
            out += "\n"
        }
        let facets = mesh.boundaryTags.count
        out += "$EndNodes\n$Elements\n\(facets + mesh.cellCount)\n"
        var id = 0
        func element(_ type: Int, _ tag: Int, _ nodes: ArraySlice<Int>) {
            id += 1
            out += "\(id) \(type) 2 \(tag) \(tag)"
            for node in nodes { out += " \(node + 1)" }
            out += "\n"
        }
        for f in 0..<facets { element(facetType, mesh.boundaryTags[f], mesh.boundaryFacets[(d * f)..<(d * f + d)]) }
        for c in 0..<mesh.cellCount { element(cellType, mesh.regions[c], mesh.cells[((d + 1) * c)..<((d + 1) * c + d + 1)]) }
        out += "$EndElements\n"
        return out
    }

    /// Writes `mesh` to `url` atomically.
    public static func write(_ mesh: Mesh, to url: URL) throws {
        try AtomicFile.write(Data(text(mesh).utf8), to: url)
    }
}
