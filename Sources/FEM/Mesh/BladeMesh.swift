import Foundation

/// A blade-like solid: a NACA 4-digit section of chord `chord`, extruded over `span` along z and
/// twisted linearly from root (z = 0) to tip (z = span) about a spanwise axis through the pivot
/// (a fraction of the chord on the chord line).
///
/// The section is blunted at both ends (it spans the chord fractions `chordRange` only): the
/// leading edge and the trailing edge of a NACA profile have zero thickness, where a structured
/// mesh would degenerate. The mesh maps the unit box's Kuhn-split grid (``Mesh/box(_:_:_:x:y:z:)``)
/// onto the blade: ξ along the chord (cosine spacing, finer at the edges), η from the lower to the
/// upper surface, ζ along the span; every hexahedron is split into 6 tetrahedra around its main
/// diagonal, which is conforming across neighbours.
public struct BladeGeometry: Sendable, Equatable {
    /// The boundary tags of ``Mesh/blade(_:chordCells:thicknessCells:spanCells:)``.
    public enum Tag {
        /// The root face z = 0 (clamped).
        public static let root = 1
        /// The tip face z = span.
        public static let tip = 2
        /// The airfoil surface and the blunted edges.
        public static let surface = 3
    }

    /// Maximum camber (fraction of the chord), its position and the thickness: NACA "mpt".
    public let camber: Double, camberPosition: Double, thickness: Double
    /// Chord length, span, total twist from root to tip (radians).
    public var chord: Double, span: Double, twist: Double
    /// The chord fractions the section spans (blunted edges).
    public var chordRange: ClosedRange<Double>
    /// The twist axis's position on the chord line, as a chord fraction.
    public var pivot: Double

    /// A blade of the NACA 4-digit section `naca` ("6418": camber 6 %, at 40 %, thickness 18 %).
    /// - Throws: ``MechanicsError/invalidInput(_:)`` for a designation that is not four digits, a
    ///   zero thickness, or non-positive lengths.
    public init(naca: String = "6418", chord: Double = 40, span: Double = 60, twist: Double = 20 * Double.pi / 180,
                chordRange: ClosedRange<Double> = 0.02...0.96, pivot: Double = 0.4) throws {
        let digits = naca.compactMap { $0.wholeNumberValue }
        guard naca.count == 4, digits.count == 4 else { throw MechanicsError.invalidInput("NACA designation \"\(naca)\" is not four digits") }
        let camber = Double(digits[0]) / 100, camberPosition = Double(digits[1]) / 10
        let thickness = Double(digits[2] * 10 + digits[3]) / 100
        guard thickness > 0 else { throw MechanicsError.invalidInput("NACA \(naca): zero thickness") }
        guard camber == 0 || camberPosition > 0 else { throw MechanicsError.invalidInput("NACA \(naca): camber without a camber position") }
        guard chord > 0, span > 0, twist.isFinite, chordRange.lowerBound > 0, chordRange.upperBound < 1 else {
            throw MechanicsError.invalidInput("blade: chord and span must be positive, the chord range inside (0, 1)")
        }
        self.camber = camber
        self.camberPosition = camberPosition
        self.thickness = thickness
        self.chord = chord
        self.span = span
        self.twist = twist
        self.chordRange = chordRange
        self.pivot = pivot
    }

    /// The lower and upper surface points (chord units, before twist) at chord fraction x.
    public func surfaces(at x: Double) -> (lower: SIMD2<Double>, upper: SIMD2<Double>) {
        let t = thickness
        let yt = 5 * t * (0.2969 * x.squareRoot() - 0.1260 * x - 0.3516 * x * x + 0.2843 * x * x * x - 0.1015 * x * x * x * x)
        var yc = 0.0, slope = 0.0
        if camber > 0 {
            let m = camber, p = camberPosition
            if x < p {
                yc = m / (p * p) * (2 * p * x - x * x); slope = 2 * m / (p * p) * (p - x)
            } else {
                yc = m / ((1 - p) * (1 - p)) * (1 - 2 * p + 2 * p * x - x * x); slope = 2 * m / ((1 - p) * (1 - p)) * (p - x)
            }
        }
        let theta = atan(slope)
        return (SIMD2(x + yt * sin(theta), yc - yt * cos(theta)), SIMD2(x - yt * sin(theta), yc + yt * cos(theta)))
    }

    /// The point of the blade at box coordinates (ξ, η, ζ) ∈ [0, 1]³.
    public func point(_ xi: Double, _ eta: Double, _ zeta: Double) -> SIMD3<Double> {
        let x = chordRange.lowerBound + (chordRange.upperBound - chordRange.lowerBound) * (1 - cos(Double.pi * xi)) / 2
        let (lower, upper) = surfaces(at: x)
        let section = (lower + eta * (upper - lower) - SIMD2(pivot, 0)) * chord
        let angle = twist * zeta
        return SIMD3(cos(angle) * section.x - sin(angle) * section.y, sin(angle) * section.x + cos(angle) * section.y, span * zeta)
    }

    /// Cells along chord, thickness and span for about `unknowns` displacement unknowns (3 per
    /// node) of P`order`: the grid (4s, s, 3s) for the largest s (by quarters, thickness ≥ 2 cells)
    /// that stays at or below the target (at least s = 1).
    public static func grid(forUnknowns unknowns: Int, order: Int) -> (chord: Int, thickness: Int, span: Int) {
        func cells(_ s: Double) -> (Int, Int, Int) { (max(2, Int((4 * s).rounded())), max(2, Int(s.rounded())), max(1, Int((3 * s).rounded()))) }
        func count(_ g: (Int, Int, Int)) -> Int { 3 * (order * g.0 + 1) * (order * g.1 + 1) * (order * g.2 + 1) }
        var best = cells(1)
        var s = 1.25
        while count(cells(s)) <= unknowns, s < 200 { best = cells(s); s += 0.25 }
        return best
    }
}

extension Mesh {
    /// The tetrahedral mesh of `blade`: `chordCells` × `thicknessCells` × `spanCells` hexahedra of
    /// the mapped box, each split into 6 positively oriented tetrahedra; boundary facets tagged
    /// ``BladeGeometry/Tag`` (root, tip, surface).
    public static func blade(_ blade: BladeGeometry, chordCells: Int, thicknessCells: Int, spanCells: Int) throws -> Mesh {
        guard chordCells >= 1, thicknessCells >= 1, spanCells >= 1 else {
            throw MechanicsError.invalidInput("blade mesh: \(chordCells)×\(thicknessCells)×\(spanCells) cells (each at least 1)")
        }
        let box = Mesh.box(chordCells, thicknessCells, spanCells)
        var coordinates = [Double]()
        coordinates.reserveCapacity(box.coordinates.count)
        for node in 0..<box.nodeCount {
            let p = box.point(node)
            let x = blade.point(p.x, p.y, p.z)
            coordinates += [x.x, x.y, x.z]
        }
        let tags = box.boundaryTags.map { tag -> Int in
            switch tag {
            case Side.zMin: return BladeGeometry.Tag.root
            case Side.zMax: return BladeGeometry.Tag.tip
            default: return BladeGeometry.Tag.surface
            }
        }
        return try Mesh(dimension: 3, coordinates: coordinates, cells: box.cells, boundaryFacets: box.boundaryFacets,
                        boundaryTags: tags, orientation: .reorient)
    }
}
