import Foundation

/// A scalar field on a 2D triangle mesh drawn as inline SVG for the reports: one filled
/// triangle per cell coloured by a perceptually uniform colour map (viridis), a colour bar with
/// its range, ticks and unit, equal aspect ratio.
///
/// The input is plain arrays, so any discretization can be drawn: vertex coordinates as (x, y)
/// pairs, triangles as vertex triples (a P2 field is drawn on the vertices of its triangles) and
/// one value per vertex (the triangle gets the mean of its vertices' colour positions) or one
/// per triangle. For a 3D mesh, draw a plane cut or say that the `.vtu` holds the field.
///
/// Small for large meshes: colours are quantized to `buckets` levels and each level is ONE
/// `<path>`; with `.mergedRegions` its outline is the boundary of the union of its triangles
/// (filled even-odd), so a smooth field on 40,000 triangles takes some 100 kB. Coordinates are
/// rounded to a grid of `gridResolution` steps over the longer side of the mesh.
/// ```swift
/// let view = try FieldView(title: "truth u(μ)", quantity: "u", unit: "dimensionless",
///                          coordinates: xy, triangles: cells, values: u)
/// report.sections.append(.init(title: "Solution", blocks: [.fields([view], caption: nil)]))
/// ```
public struct FieldView: Sendable {
    /// Where the values live.
    public enum Location: Sendable, Equatable {
        /// One value per vertex (a P1 field, or a P2 field at its vertices).
        case vertices
        /// One value per triangle (a piecewise constant field, region numbers, parameters).
        case triangles
    }

    /// How values map to colours.
    public enum Scale: Sendable, Equatable {
        /// log10 when the values are ≥ 0 and span more than `logScaleRatio`, else linear.
        case automatic
        /// Linear.
        case linear
        /// Logarithmic; zeros and negative values get the lowest colour.
        case log10
    }

    /// How the triangles of one colour are drawn (both give one `<path>` per colour).
    public enum Drawing: Sendable, Equatable {
        /// The outline of the union of the colour's triangles (fewest bytes; the default).
        case mergedRegions
        /// One sub-path per triangle.
        case triangles
    }

    /// A text placed at a point of the mesh (centred there, white with a dark halo).
    public struct Label: Sendable, Equatable {
        /// Abscissa, in mesh coordinates.
        public var x: Double
        /// Ordinate, in mesh coordinates.
        public var y: Double
        /// The text.
        public var text: String

        /// A label at (x, y).
        public init(x: Double, y: Double, text: String) {
            self.x = x
            self.y = y
            self.text = text
        }
    }

    /// The heading above the plot.
    public var title: String
    /// What the colour bar measures ("u", "|u − u_N|").
    public var quantity: String
    /// Its unit ("K", "dimensionless"); empty for none.
    public var unit: String
    /// Vertex coordinates, (x, y) pairs.
    public let coordinates: [Double]
    /// Triangles, vertex index triples (0-based).
    public let triangles: [Int]
    /// The values, one per vertex or per triangle.
    public let values: [Double]
    /// Where the values live.
    public let location: Location
    /// How the values map to colours (resolved, with the range, at construction).
    public let colorScale: FieldColorScale
    /// The colour map.
    public var colorMap = ColorMap.viridis
    /// How each colour's triangles are drawn.
    public var drawing = Drawing.mergedRegions
    /// Grid steps over the longer side of the mesh's bounding box that coordinates are rounded to
    /// (1000: three significant digits).
    public var gridResolution = 1000
    /// Length in CSS pixels of the longer side of the drawn mesh (310: two views side by side
    /// in a report's column).
    public var plotSize = 310
    /// Polylines drawn over the field, each as (x, y) pairs in mesh coordinates (block outlines).
    public var outlines: [[Double]] = []
    /// Texts drawn over the field.
    public var labels: [Label] = []

    /// Number of vertices.
    public var vertexCount: Int { coordinates.count / 2 }
    /// Number of triangles.
    public var triangleCount: Int { triangles.count / 3 }

    /// A field view of `values` on the mesh (`coordinates`, `triangles`).
    /// - Parameters:
    ///   - scale: the colour scale; `.automatic` picks log10 for non-negative values spanning
    ///     more than `logScaleRatio` (an error field), linear otherwise.
    ///   - range: the values at the ends of the colour bar; nil for the data's range (on a log
    ///     scale at most `maximumDecades` below the largest value). Give two views one range
    ///     to compare them colour for colour.
    ///   - buckets: the number of colours (64 is smooth to the eye and keeps the file small).
    /// - Throws: `FieldViewError` naming the empty mesh, the triangle with an index out of
    ///   range, the non-finite coordinate or value, a value count that does not match, or an
    ///   invalid range.
    public init(title: String, quantity: String, unit: String, coordinates: [Double], triangles: [Int], values: [Double],
                location: Location = .vertices, scale: Scale = .automatic, range: ClosedRange<Double>? = nil,
                buckets: Int = 64, maximumDecades: Int = 6, logScaleRatio: Double = 100) throws {
        guard coordinates.count % 2 == 0 else { throw FieldViewError.coordinateCount(coordinates.count) }
        guard triangles.count % 3 == 0 else { throw FieldViewError.triangleListLength(triangles.count) }
        let vertices = coordinates.count / 2, cells = triangles.count / 3
        guard vertices > 0, cells > 0 else { throw FieldViewError.emptyMesh(vertices: vertices, triangles: cells) }
        for (k, index) in triangles.enumerated() where index < 0 || index >= vertices {
            throw FieldViewError.triangleIndexOutOfRange(triangle: k / 3, index: index, vertexCount: vertices)
        }
        for (k, c) in coordinates.enumerated() where !c.isFinite { throw FieldViewError.nonFiniteCoordinate(vertex: k / 2) }
        let expected = location == .vertices ? vertices : cells
        let name = location == .vertices ? "vertex" : "triangle"
        guard values.count == expected else {
            throw FieldViewError.valueCount(expected: expected, got: values.count, location: location == .vertices ? "vertices" : "triangles")
        }
        for (k, v) in values.enumerated() where !v.isFinite { throw FieldViewError.nonFiniteValue(index: k, location: name) }
        let xs = stride(from: 0, to: coordinates.count, by: 2).map { coordinates[$0] }
        let ys = stride(from: 1, to: coordinates.count, by: 2).map { coordinates[$0] }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max(), x1 > x0, y1 > y0 else {
            throw FieldViewError.degenerateMesh
        }
        self.title = title
        self.quantity = quantity
        self.unit = unit
        self.coordinates = coordinates
        self.triangles = triangles
        self.values = values
        self.location = location
        colorScale = try FieldColorScale(values: values, scale: scale, range: range, buckets: buckets,
                                         maximumDecades: maximumDecades, logScaleRatio: logScaleRatio)
    }

    /// The bounding box of the vertices: (x min, y min, x max, y max).
    var boundingBox: (x0: Double, y0: Double, x1: Double, y1: Double) {
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        for k in 0..<vertexCount {
            x0 = Swift.min(x0, coordinates[2 * k])
            x1 = Swift.max(x1, coordinates[2 * k])
            y0 = Swift.min(y0, coordinates[2 * k + 1])
            y1 = Swift.max(y1, coordinates[2 * k + 1])
        }
        return (x0, y0, x1, y1)
    }

    /// The colour bucket of each triangle.
    func triangleBuckets() -> [Int] {
        switch location {
        case .triangles:
            return values.map { colorScale.bucket(ofPosition: colorScale.position(of: $0)) }
        case .vertices:
            let positions = values.map { colorScale.position(of: $0) }
            return (0..<triangleCount).map { t in
                let mean = (positions[triangles[3 * t]] + positions[triangles[3 * t + 1]] + positions[triangles[3 * t + 2]]) / 3
                return colorScale.bucket(ofPosition: mean)
            }
        }
    }
}
