import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ROM
import XCTest

/// The SVG of `FieldView` on a 2×2 square mesh split into 8 triangles: what is drawn, the colour
/// bar and its labels, the log scale, the bytes per triangle, and the errors of bad input.
final class FieldViewTests: XCTestCase {
    /// The unit square cut into 2×2 squares, each split into two triangles: 9 vertices, 8 triangles.
    private let coordinates: [Double] = [0, 0, 0.5, 0, 1, 0, 0, 0.5, 0.5, 0.5, 1, 0.5, 0, 1, 0.5, 1, 1, 1]
    private let triangles: [Int] = [0, 1, 4, 0, 4, 3, 1, 2, 5, 1, 5, 4, 3, 4, 7, 3, 7, 6, 4, 5, 8, 4, 8, 7]
    /// u = x + y on the vertices: 0 … 2.
    private var linearValues: [Double] { stride(from: 0, to: coordinates.count, by: 2).map { coordinates[$0] + coordinates[$0 + 1] } }

    /// The values of attribute `name` on the elements whose opening tag contains `marker`.
    private func attribute(_ name: String, of marker: String, in svg: String) -> [String] {
        svg.components(separatedBy: "<").filter { $0.contains(marker) }.compactMap { tag in
            guard let start = tag.range(of: " \(name)=\"") else { return nil }
            let rest = tag[start.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    /// The text contents of the elements whose opening tag contains `marker`.
    private func texts(of marker: String, in svg: String) -> [String] {
        svg.components(separatedBy: "<text").filter { $0.contains(marker) }.compactMap { element in
            guard let open = element.firstIndex(of: ">"), let close = element.range(of: "</text>") else { return nil }
            return String(element[element.index(after: open)..<close.lowerBound])
        }
    }

    func testEveryTriangleIsDrawnOnceWithAColourBarAndRangeLabels() throws {
        let view = try FieldView(title: "u = x + y", quantity: "u", unit: "K", coordinates: coordinates, triangles: triangles,
                                 values: linearValues)
        let svg = view.svg()
        XCTAssertNoThrow(try XMLDocument(xmlString: svg, options: []), "well-formed XML")
        XCTAssertEqual(attribute("data-triangles", of: "class=\"field\"", in: svg), ["8"])
        let perBucket = attribute("data-triangles", of: "class=\"bucket\"", in: svg).compactMap(Int.init)
        XCTAssertEqual(perBucket.reduce(0, +), 8, "each triangle in exactly one colour path")
        XCTAssertEqual(view.colorScale.scale, .linear)
        XCTAssertEqual(view.colorScale.lower, 0)
        XCTAssertEqual(view.colorScale.upper, 2)
        // The colour bar: one rectangle per bucket, its heading with the unit, the range at its ends.
        XCTAssertTrue(svg.contains("class=\"color-bar\" data-scale=\"linear\""))
        XCTAssertEqual(texts(of: "color-bar-label", in: svg), ["u (K)"])
        XCTAssertEqual(texts(of: "range-label", in: svg), ["2", "0"])
        XCTAssertEqual(texts(of: "tick-label", in: svg), ["0.5", "1.0", "1.5"])
        XCTAssertTrue(svg.contains("fill=\"\(ColorMap.viridis.hex(at: view.colorScale.centre(ofBucket: 63)))\""))

        // One sub-path per triangle when asked, still one path per colour.
        var perTriangle = view
        perTriangle.drawing = .triangles
        let d = attribute("d", of: "class=\"bucket\"", in: perTriangle.svg()).joined()
        XCTAssertEqual(d.filter { $0 == "M" }.count, 8)
    }

    func testUnionOutlineOfOneColourIsTheSquare() throws {
        let view = try FieldView(title: "constant", quantity: "c", unit: "", coordinates: coordinates, triangles: triangles,
                                 values: [Double](repeating: 3, count: 9))
        let d = attribute("d", of: "class=\"bucket\"", in: view.svg())
        // All 8 triangles in one colour: the outline is the square's boundary, its 8 edges merged to 4 sides.
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.filter { $0 == "M" }.count, 1)
        XCTAssertEqual(d.first?.filter { $0 == "z" }.count, 1)
        XCTAssertEqual(d.first?.split(whereSeparator: { " lzM-".contains($0) }).count, 2 + 3 * 2, "a move and three steps")
        XCTAssertEqual(texts(of: "color-bar-label", in: view.svg()), ["c"])
    }

    func testErrorFieldSpanningDecadesGetsALogScaleWithDecadeLabels() throws {
        // 0 on a vertex (a Dirichlet node), then 1e-9 … 1e-2.
        let values: [Double] = [0, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
        let view = try FieldView(title: "error", quantity: "|e|", unit: "", coordinates: coordinates, triangles: triangles,
                                 values: values, maximumDecades: 6)
        let svg = view.svg()
        XCTAssertNoThrow(try XMLDocument(xmlString: svg, options: []))
        XCTAssertEqual(view.colorScale.scale, .log10)
        XCTAssertEqual(view.colorScale.upper, 1e-2)
        XCTAssertEqual(view.colorScale.lower, 1e-8, accuracy: 1e-20, "at most 6 decades below the largest value")
        XCTAssertTrue(view.colorScale.clipsBelow)
        XCTAssertTrue(svg.contains("data-scale=\"log10\""))
        XCTAssertEqual(texts(of: "range-label", in: svg), ["0.01", "1.00e-08"])
        let decades = texts(of: "tick-label", in: svg)
        XCTAssertTrue(decades.contains("10<tspan dy=\"-0.5em\" font-size=\"75%\">\u{2212}5</tspan>"), "\(decades)")
        XCTAssertTrue(svg.contains("(zeros included) in the lowest colour"))
        // A field that does not span decades stays linear; log is refused for a range that is not positive.
        XCTAssertEqual(try FieldView(title: "", quantity: "", unit: "", coordinates: coordinates, triangles: triangles,
                                     values: values.map { $0 + 1 }).colorScale.scale, .linear)
        XCTAssertThrowsError(try FieldView(title: "", quantity: "", unit: "", coordinates: coordinates, triangles: triangles,
                                           values: values, scale: .log10, range: 0...1)) { error in
            XCTAssertEqual(error as? FieldViewError, .invalidRange(lower: 0, upper: 1))
        }
    }

    func testPerTriangleValuesOutlinesAndLabels() throws {
        var view = try FieldView(title: "blocks", quantity: "μ_b", unit: "", coordinates: coordinates, triangles: triangles,
                                 values: [0.1, 0.1, 0.4, 0.4, 0.7, 0.7, 1, 1], location: .triangles, scale: .linear, range: 0.1...1)
        view.outlines = [[0.5, 0, 0.5, 1], [0, 0.5, 1, 0.5]]
        view.labels = [.init(x: 0.25, y: 0.25, text: "μ₀ = 0.1 <")]
        let svg = view.svg()
        XCTAssertNoThrow(try XMLDocument(xmlString: svg, options: []))
        XCTAssertEqual(attribute("data-triangles", of: "class=\"bucket\"", in: svg), ["2", "2", "2", "2"])
        XCTAssertEqual(attribute("d", of: "vector-effect=\"non-scaling-stroke\" d=\"M", in: svg).filter { $0.contains("L") }.count, 2)
        XCTAssertTrue(svg.contains(">μ₀ = 0.1 &lt;</text>"))
        // Equal aspect ratio: the unit square is drawn as a square of plotSize pixels.
        XCTAssertTrue(svg.contains("scale(0.31)"))
    }

    func testReducedBasisReportDrawsItsFieldsFirstWithoutNetwork() throws {
        var input = ReducedBasisReport.Input(title: "fields")
        input.fieldViews = [try FieldView(title: "truth", quantity: "u", unit: "", coordinates: coordinates, triangles: triangles,
                                          values: linearValues)]
        input.fieldViewsNote = "The .vtu holds the fields."
        input.testEstimates = [2e-6]
        input.testTrueErrors = [1e-6]
        let html = ReducedBasisReport(input).htmlReport().html()
        let fields = try XCTUnwrap(html.range(of: "class=\"field-view\"")), summary = try XCTUnwrap(html.range(of: "<h2>Summary</h2>"))
        XCTAssertLessThan(fields.lowerBound, summary.lowerBound, "the fields come before any table")
        XCTAssertTrue(html.contains("<p>The .vtu holds the fields.</p>"))
        for forbidden in ["<script", "<link", "<image", "href=", "url("] { XCTAssertFalse(html.contains(forbidden), forbidden) }
    }

    func testBadInputIsAnErrorNamingTheProblem() {
        func make(_ xy: [Double], _ cells: [Int], _ values: [Double], location: FieldView.Location = .vertices) throws -> FieldView {
            try FieldView(title: "", quantity: "", unit: "", coordinates: xy, triangles: cells, values: values, location: location)
        }
        let values = linearValues
        var outOfRange = triangles
        outOfRange[7] = 9
        XCTAssertThrowsError(try make(coordinates, outOfRange, values)) { error in
            XCTAssertEqual(error as? FieldViewError, .triangleIndexOutOfRange(triangle: 2, index: 9, vertexCount: 9))
            XCTAssertTrue("\(error)".contains("triangle 2 refers to vertex 9"))
        }
        var withNaN = values
        withNaN[4] = .nan
        XCTAssertThrowsError(try make(coordinates, triangles, withNaN)) { error in
            XCTAssertEqual(error as? FieldViewError, .nonFiniteValue(index: 4, location: "vertex"))
            XCTAssertTrue("\(error)".contains("vertex 4 is not finite"))
        }
        XCTAssertThrowsError(try make([], [], [])) { error in
            XCTAssertEqual(error as? FieldViewError, .emptyMesh(vertices: 0, triangles: 0))
            XCTAssertTrue("\(error)".contains("empty mesh"))
        }
        XCTAssertThrowsError(try make(coordinates, triangles, values, location: .triangles)) { error in
            XCTAssertEqual(error as? FieldViewError, .valueCount(expected: 8, got: 9, location: "triangles"))
        }
        XCTAssertThrowsError(try make(coordinates + [0], triangles, values)) { error in
            XCTAssertEqual(error as? FieldViewError, .coordinateCount(19))
        }
        XCTAssertThrowsError(try make(coordinates, triangles + [0], values)) { error in
            XCTAssertEqual(error as? FieldViewError, .triangleListLength(25))
        }
    }

    func testASmoothFieldOn20000VerticesStaysSmall() throws {
        // The thermal block's mesh size: 100 × 100 squares, 2 triangles each (10,201 vertices) and a
        // finer 141 × 141 (20,164 vertices, 39,762 triangles).
        let n = 141
        var xy: [Double] = [], cells: [Int] = [], u: [Double] = []
        for j in 0...n {
            for i in 0...n {
                let x = Double(i) / Double(n), y = Double(j) / Double(n)
                xy += [x, y]
                u.append(sin(.pi * x) * sin(.pi * y))
            }
        }
        for j in 0..<n {
            for i in 0..<n {
                let a = j * (n + 1) + i
                cells += [a, a + 1, a + n + 2, a, a + n + 2, a + n + 1]
            }
        }
        let view = try FieldView(title: "sin πx sin πy", quantity: "u", unit: "", coordinates: xy, triangles: cells, values: u)
        let svg = view.svg()
        XCTAssertEqual(attribute("data-triangles", of: "class=\"bucket\"", in: svg).compactMap(Int.init).reduce(0, +), 2 * n * n)
        XCTAssertLessThan(svg.utf8.count, 250_000, "\(svg.utf8.count) bytes")
    }
}
