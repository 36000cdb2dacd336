import Foundation
import LinearAlgebra

/// Writes a mesh and fields as a VTK XML unstructured grid (`.vtu`), readable by ParaView and
/// meshio: points as Float64 triples, cells as Int64 connectivity and offsets with UInt8 types,
/// point and cell data (scalars or vectors), in raw appended binary or inline base64.
///
/// A P2 field is written either on the P1 vertices (its first `mesh.nodeCount` nodal values, the
/// default) or, with `init(space:)` of a P2 space, on quadratic cells whose points are the
/// space's nodes (VTK's quadratic edge, triangle and tetrahedron).
public struct VTUWriter {
    /// How the binary arrays are stored.
    public enum Encoding: Sendable {
        /// One `<AppendedData encoding="raw">` block after the XML (compact, fast).
        case appendedRaw
        /// Inline base64 in each `<DataArray format="binary">` (plain-text safe).
        case base64
    }

    private let points: [Double]
    private let connectivity: [Int64]
    private let pointsPerCell: Int
    private let cellType: UInt8
    /// Number of points (mesh vertices, or the space's nodes for quadratic cells).
    public let pointCount: Int
    /// Number of cells.
    public let cellCount: Int
    private var pointData: [(name: String, values: [Double], components: Int)] = []
    private var cellData: [(name: String, values: [Double], components: Int)] = []

    /// A writer of `mesh` with linear cells.
    public init(mesh: Mesh) {
        self.init(space: FunctionSpace(mesh: mesh, order: 1))
    }

    /// A writer with quadratic cells on the nodes of the P2 space `space` (linear cells for P1).
    public init(space: FunctionSpace) {
        let quadratic = space.element.order == 2
        pointCount = space.nodeCount
        cellCount = space.mesh.cellCount
        pointsPerCell = space.element.count
        cellType = (quadratic ? [21, 22, 24] : [3, 5, 10])[space.mesh.dimension - 1]
        points = (0..<space.nodeCount).flatMap { node -> [Double] in let p = space.nodePosition(node); return [p.x, p.y, p.z] }
        connectivity = space.cellNodes.map(Int64.init)
    }

    /// Adds a point field: `components` values per point (a longer nodal vector, such as a P2
    /// field on a linear writer, is cut to the first `pointCount` points).
    public mutating func addPointData(_ name: String, _ values: [Double], components: Int = 1) {
        precondition(values.count >= pointCount * components, "VTUWriter: \(values.count) values for \(pointCount) points × \(components)")
        pointData.append((name, Array(values.prefix(pointCount * components)), components))
    }

    /// Adds a cell field: `components` values per cell.
    public mutating func addCellData(_ name: String, _ values: [Double], components: Int = 1) {
        precondition(values.count == cellCount * components, "VTUWriter: \(values.count) values for \(cellCount) cells × \(components)")
        cellData.append((name, values, components))
    }

    /// The file content.
    public func data(encoding: Encoding = .appendedRaw) -> Data {
        var xml = "<?xml version=\"1.0\"?>\n"
        xml += "<VTKFile type=\"UnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n"
        xml += "  <UnstructuredGrid>\n    <Piece NumberOfPoints=\"\(pointCount)\" NumberOfCells=\"\(cellCount)\">\n"
        var appended = Data()
        func array(_ type: String, _ name: String?, _ components: Int, _ bytes: Data) -> String {
            var block = Data()
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { block.append(contentsOf: $0) }
            block.append(bytes)
            var tag = "        <DataArray type=\"\(type)\"" + (name.map { " Name=\"\(escape($0))\"" } ?? "")
                + " NumberOfComponents=\"\(components)\""
            switch encoding {
            case .appendedRaw:
                tag += " format=\"appended\" offset=\"\(appended.count)\"/>\n"
                appended.append(block)
            case .base64:
                tag += " format=\"binary\">" + block.base64EncodedString() + "</DataArray>\n"
            }
            return tag
        }
        for (section, fields) in [("PointData", pointData), ("CellData", cellData)] {
            xml += "      <\(section)>\n"
            for field in fields { xml += array("Float64", field.name, field.components, bytes(field.values)) }
            xml += "      </\(section)>\n"
        }
        xml += "      <Points>\n" + array("Float64", "Points", 3, bytes(points)) + "      </Points>\n"
        xml += "      <Cells>\n"
        xml += array("Int64", "connectivity", 1, bytes(connectivity))
        xml += array("Int64", "offsets", 1, bytes((1...max(cellCount, 1)).prefix(cellCount).map { Int64($0 * pointsPerCell) }))
        xml += array("UInt8", "types", 1, Data(repeating: cellType, count: cellCount))
        xml += "      </Cells>\n    </Piece>\n  </UnstructuredGrid>\n"
        var file = Data(xml.utf8)
        if encoding == .appendedRaw {
            file.append(Data("  <AppendedData encoding=\"raw\">\n   _".utf8))
            file.append(appended)
            file.append(Data("\n  </AppendedData>\n".utf8))
        }
        file.append(Data("</VTKFile>\n".utf8))
        return file
    }

    /// Writes the file atomically (temporary file in the same folder, then rename).
    public func write(to url: URL, encoding: Encoding = .appendedRaw) throws {
        try AtomicFile.createParentFolder(of: url)
        try AtomicFile.write(data(encoding: encoding), to: url)
    }

    private func bytes<T>(_ values: [T]) -> Data { values.withUnsafeBytes { Data($0) } }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}
