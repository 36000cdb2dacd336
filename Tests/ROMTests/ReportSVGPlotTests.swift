import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ROM
import XCTest

/// Parses an SVG or XHTML fragment as XML and returns the elements matching an XPath.
func xmlNodes(_ xml: String, _ xpath: String, file: StaticString = #filePath, line: UInt = #line) throws -> [XMLNode] {
    let document = try XMLDocument(xmlString: xml, options: [])
    return try document.nodes(forXPath: xpath)
}

final class ReportSVGPlotTests: XCTestCase {
    func testLogAxisTicksAreTheDecadesOfTheData() throws {
        let axis = PlotAxis(scale: .log10, values: [1e-8, 3e-5, 1])
        let decades = axis.ticks.filter(\.isDecade)
        XCTAssertEqual(decades.map(\.label), (-8...0).map { "10^\($0)" })
        XCTAssertEqual(axis.lower, -8)
        XCTAssertEqual(axis.upper, 0)
        // Data inside one decade still get two labelled decades around them.
        XCTAssertEqual(PlotAxis(scale: .log10, values: [2, 5]).ticks.filter(\.isDecade).map(\.label), ["10^0", "10^1"])
        // 30 decades: labels thinned to at most 11, the ends included.
        let wide = PlotAxis(scale: .log10, values: [1e-30, 1]).ticks.filter { !$0.label.isEmpty }
        XCTAssertLessThanOrEqual(wide.count, 11)
        XCTAssertEqual(wide.first?.label, "10^-30")
        XCTAssertEqual(wide.last?.label, "10^0")
    }

    func testLinearAxisHasNiceTicks() {
        let axis = PlotAxis(scale: .linear, values: [0, 0.93])
        XCTAssertEqual(axis.ticks.map(\.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(PlotAxis(scale: .linear, values: [1, 23]).ticks.map(\.label), ["0", "5", "10", "15", "20", "25"])
        // A single value gets a range around it.
        let flat = PlotAxis(scale: .linear, values: [3, 3])
        XCTAssertLessThan(flat.lower, 3)
        XCTAssertGreaterThan(flat.upper, 3)
    }

    func testSVGHasOnePathPerLineSeriesOneCirclePerShownPointAndDecadeLabels() throws {
        var plot = SVGPlot(title: "Decay", xLabel: "N", yLabel: "estimate", yScale: .log10)
        plot.series.append(.init(label: "line", x: [1, 2, 3, 4, 5], y: [1, 1e-2, 1e-4, 1e-6, 1e-8], style: .line))
        // One negative and one NaN value: skipped on the log axis, counted in a note.
        plot.series.append(.init(label: "points", x: [1, 2, 3, 4, 5, 6, 7], y: [0.5, 0.1, -1, .nan, 1e-3, 1e-5, 1e-7], style: .markers))
        plot.series.append(.init(label: "both", x: [1, 2], y: [0.1, 0.2], style: .lineAndMarkers))
        let svg = plot.svg()
        XCTAssertEqual(try xmlNodes(svg, "//*[local-name()='path'][@class='series-line']").count, 2)
        XCTAssertEqual(try xmlNodes(svg, "//*[local-name()='circle'][@class='point']").count, 5 + 2)
        XCTAssertEqual(try xmlNodes(svg, "//*[local-name()='circle'][@class='legend-marker']").count, 2)
        let yLabels = try xmlNodes(svg, "//*[local-name()='g'][@class='y-ticks']/*[local-name()='text']")
        let values = try xmlNodes(svg, "//*[local-name()='g'][@class='y-ticks']/*[local-name()='text']/@data-value")
        XCTAssertEqual(values.compactMap { $0.stringValue.flatMap(Double.init) }, (-8...0).map { pow(10, Double($0)) })
        XCTAssertEqual(yLabels.first?.stringValue, "10\u{2212}8")
        let notes = try xmlNodes(svg, "//*[local-name()='text'][@class='note']").map { $0.stringValue ?? "" }
        XCTAssertEqual(notes, ["2 points not shown (non-finite, zero or negative values on a log axis)"])
        // Titles and axis labels are there.
        XCTAssertEqual(try xmlNodes(svg, "//*[local-name()='text'][@class='plot-title']").first?.stringValue, "Decay")
        XCTAssertEqual(try xmlNodes(svg, "//*[local-name()='text'][@class='axis-label']").map { $0.stringValue ?? "" }, ["N", "estimate"])
    }

    func testEmptyPlotSaysNoDataAndStaysWellFormed() throws {
        let empty = SVGPlot(title: "Nothing", xLabel: "x", yLabel: "y", xScale: .log10, yScale: .log10).svg()
        XCTAssertEqual(try xmlNodes(empty, "//*[local-name()='text'][@class='note']").first?.stringValue, "no data")
        // Only non-positive values on a log axis: no point, a note, no trap.
        let plot = SVGPlot(title: "t", xLabel: "x", yLabel: "y", yScale: .log10,
                           series: [.init(label: "zeros", x: [1, 2], y: [0, -1], style: .markers)]).svg()
        XCTAssertEqual(try xmlNodes(plot, "//*[local-name()='circle'][@class='point']").count, 0)
        XCTAssertTrue(plot.contains("2 points not shown"))
    }

    func testTextIsEscaped() throws {
        let hostile = "a < b & \"c\" > 'd' <script>alert(1)</script>"
        let plot = SVGPlot(title: hostile, xLabel: hostile, yLabel: "y",
                           series: [.init(label: hostile, x: [1], y: [2], style: .markers, color: "red\"/><script>")])
        let svg = plot.svg()
        XCTAssertFalse(svg.contains("<script>"))
        XCTAssertEqual(try xmlNodes(svg, "//*[local-name()='text'][@class='plot-title']").first?.stringValue, hostile)
        XCTAssertEqual(HTMLEscaping.escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
    }
}
