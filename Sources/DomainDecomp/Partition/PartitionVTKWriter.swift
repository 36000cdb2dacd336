import FEM
import Foundation
import LinearAlgebra

/// Writes a partitioned mesh for ParaView: one `.vtu` per part (its cells, with the cell field
/// `part`, the point field `global_node` and every given nodal field restricted to the part) and a
/// `.pvtu` that lists them, so ParaView opens the whole mesh coloured by part.
public enum PartitionVTKWriter {
    /// Writes `NAME.pvtu` and `NAME-p.vtu` for each part p into `folder`; `fields` are nodal
    /// vectors in the global numbering. Returns the `.pvtu` file.
    @discardableResult
    public static func write(_ partition: MeshPartition, mesh: Mesh, fields: [(name: String, values: [Double])] = [],
                             to folder: URL, name: String) throws -> URL {
        for field in fields where field.values.count != mesh.nodeCount {
            throw PartitionError.fieldLength(name: field.name, count: field.values.count, nodes: mesh.nodeCount)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var pieces = ""
        for part in 0..<partition.partCount {
            let sub = try partition.subdomain(of: mesh, part: part)
            var writer = VTUWriter(mesh: sub.mesh)
            writer.addCellData("part", [Double](repeating: Double(part), count: sub.mesh.cellCount))
            writer.addPointData("global_node", sub.globalNodes.map(Double.init))
            for field in fields { writer.addPointData(field.name, sub.restrict(field.values)) }
            let file = "\(name)-\(part).vtu"
            try writer.write(to: folder.appendingPathComponent(file))
            pieces += "    <Piece Source=\"\(file)\"/>\n"
        }
        var xml = "<?xml version=\"1.0\"?>\n"
        xml += "<VTKFile type=\"PUnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n"
        xml += "  <PUnstructuredGrid GhostLevel=\"0\">\n"
        xml += "    <PPointData>\n      <PDataArray type=\"Float64\" Name=\"global_node\" NumberOfComponents=\"1\"/>\n"
        for field in fields { xml += "      <PDataArray type=\"Float64\" Name=\"\(field.name)\" NumberOfComponents=\"1\"/>\n" }
        xml += "    </PPointData>\n"
        xml += "    <PCellData>\n      <PDataArray type=\"Float64\" Name=\"part\" NumberOfComponents=\"1\"/>\n    </PCellData>\n"
        xml += "    <PPoints>\n      <PDataArray type=\"Float64\" NumberOfComponents=\"3\"/>\n    </PPoints>\n"
        xml += pieces + "  </PUnstructuredGrid>\n</VTKFile>\n"
        let url = folder.appendingPathComponent("\(name).pvtu")
        try AtomicFile.write(Data(xml.utf8), to: url)
        return url
    }
}
