import Foundation

/// The geometry of an `SVGPlot`: maps data to pixels and writes the SVG elements of the frame,
/// the ticks, the series and the legend.
struct SVGPlotFrame {
    let width: Double
    let height: Double
    let xAxis: PlotAxis
    let yAxis: PlotAxis
    let left = 78.0, right = 20.0, bottom = 58.0
    /// Top margin: the title, and the legend row when there is one.
    let top: Double

    init(width: Double, height: Double, xAxis: PlotAxis, yAxis: PlotAxis, legendRow: Bool) {
        self.width = width
        self.height = height
        self.xAxis = xAxis
        self.yAxis = yAxis
        top = legendRow ? 62 : 40
    }

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    /// Pixels between the frame and the ends of the axes, so that points and lines on an axis end
    /// (a tolerance at an exact decade) are not hidden by the frame.
    let inset = 8.0

    /// Pixel abscissa of a data value.
    func px(_ x: Double) -> Double {
        plotLeft + inset + (xAxis.coordinate(x) - xAxis.lower) / (xAxis.upper - xAxis.lower) * (plotRight - plotLeft - 2 * inset)
    }

    /// Pixel ordinate of a data value (SVG's y grows downwards).
    func py(_ y: Double) -> Double {
        plotBottom - inset - (yAxis.coordinate(y) - yAxis.lower) / (yAxis.upper - yAxis.lower) * (plotBottom - plotTop - 2 * inset)
    }

    /// A pixel coordinate with two decimals.
    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    func titleAndLabels(title: String, xLabel: String, yLabel: String) -> String {
        let cx = Self.f((plotLeft + plotRight) / 2), cy = Self.f((plotTop + plotBottom) / 2)
        return "<text class=\"plot-title\" x=\"\(Self.f(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#111\">\(HTMLEscaping.escape(title))</text>\n"
            + "<text class=\"axis-label\" x=\"\(cx)\" y=\"\(Self.f(height - 20))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">\(HTMLEscaping.escape(xLabel))</text>\n"
            + "<text class=\"axis-label\" x=\"18\" y=\"\(cy)\" transform=\"rotate(-90 18 \(cy))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">\(HTMLEscaping.escape(yLabel))</text>\n"
    }

    /// The label of a tick as SVG text content: decades as 10 with a superscript exponent.
    static func tickText(_ tick: PlotAxis.Tick) -> String {
        guard tick.isDecade, tick.label.hasPrefix("10^") else { return HTMLEscaping.escape(tick.label) }
        let exponent = tick.label.dropFirst(3).replacingOccurrences(of: "-", with: "\u{2212}")
        return "10<tspan dy=\"-0.5em\" font-size=\"75%\">\(exponent)</tspan>"
    }

    func gridAndTicks() -> String {
        var out = "<g class=\"grid\" stroke-width=\"1\">\n"
        for tick in xAxis.ticks {
            let x = Self.f(px(tick.value))
            out += "<line x1=\"\(x)\" y1=\"\(Self.f(plotTop))\" x2=\"\(x)\" y2=\"\(Self.f(plotBottom))\" stroke=\"\(tick.isMinor ? "#f1f1f1" : "#e0e0e0")\"/>\n"
        }
        for tick in yAxis.ticks {
            let y = Self.f(py(tick.value))
            out += "<line x1=\"\(Self.f(plotLeft))\" y1=\"\(y)\" x2=\"\(Self.f(plotRight))\" y2=\"\(y)\" stroke=\"\(tick.isMinor ? "#f1f1f1" : "#e0e0e0")\"/>\n"
        }
        out += "</g>\n"
        out += "<rect class=\"frame\" x=\"\(Self.f(plotLeft))\" y=\"\(Self.f(plotTop))\" width=\"\(Self.f(plotRight - plotLeft))\" "
            + "height=\"\(Self.f(plotBottom - plotTop))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n"
        out += "<g class=\"x-ticks\" font-size=\"11\" fill=\"#333\" text-anchor=\"middle\">\n"
        for tick in xAxis.ticks {
            let x = Self.f(px(tick.value)), length = tick.isMinor ? 3.0 : 5.0
            out += "<line x1=\"\(x)\" y1=\"\(Self.f(plotBottom))\" x2=\"\(x)\" y2=\"\(Self.f(plotBottom + length))\" stroke=\"#333\"/>\n"
            if !tick.label.isEmpty {
                out += "<text class=\"tick-label\" data-value=\"\(tick.value)\" x=\"\(x)\" y=\"\(Self.f(plotBottom + 19))\">\(Self.tickText(tick))</text>\n"
            }
        }
        out += "</g>\n<g class=\"y-ticks\" font-size=\"11\" fill=\"#333\" text-anchor=\"end\">\n"
        for tick in yAxis.ticks {
            let y = Self.f(py(tick.value)), length = tick.isMinor ? 3.0 : 5.0
            out += "<line x1=\"\(Self.f(plotLeft - length))\" y1=\"\(y)\" x2=\"\(Self.f(plotLeft))\" y2=\"\(y)\" stroke=\"#333\"/>\n"
            if !tick.label.isEmpty {
                out += "<text class=\"tick-label\" data-value=\"\(tick.value)\" x=\"\(Self.f(plotLeft - 8))\" y=\"\(y)\" dy=\"0.35em\">\(Self.tickText(tick))</text>\n"
            }
        }
        return out + "</g>\n"
    }

    /// One series: a `path` for the line (a new sub-path after each skipped point is not needed:
    /// skipped points are simply left out), a `circle` per point for markers.
    func render(_ series: SVGPlot.Series, points: [(Double, Double)], color: String) -> String {
        var out = "<g class=\"series\" data-label=\"\(HTMLEscaping.escape(series.label))\">\n"
        let c = HTMLEscaping.escape(color)
        if series.style != .markers && !points.isEmpty {
            var d = ""
            d.reserveCapacity(points.count * 16)
            for (k, p) in points.enumerated() {
                d += (k == 0 ? "M" : " L") + Self.f(px(p.0)) + " " + Self.f(py(p.1))
            }
            let dash = series.dashed ? " stroke-dasharray=\"6 4\"" : ""
            out += "<path class=\"series-line\" d=\"\(d)\" fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(dash)/>\n"
        }
        if series.style != .line {
            for p in points {
                out += "<circle class=\"point\" cx=\"\(Self.f(px(p.0)))\" cy=\"\(Self.f(py(p.1)))\" r=\"3.5\" fill=\"\(c)\" fill-opacity=\"0.85\">"
                    + "<title>\(NumberText.short(p.0, significant: 6)), \(NumberText.short(p.1, significant: 6))</title></circle>\n"
            }
        }
        return out + "</g>\n"
    }

    /// The width of a legend entry's text (a rough estimate: SVG cannot measure text).
    static func textWidth(_ text: String) -> Double { 6.8 * Double(text.count) }

    /// The legend as one centred row under the title.
    func legendRow(_ series: [SVGPlot.Series], colors: [String]) -> String {
        let widths = series.map { 44 + Self.textWidth($0.label) }
        var x = max(plotLeft, (plotLeft + plotRight - widths.reduce(0, +)) / 2)
        let y = 46.0
        var out = "<g class=\"legend\" font-size=\"12\" fill=\"#222\">\n"
        for (k, s) in series.enumerated() {
            out += legendEntry(s, color: colors[k], x: x, y: y)
            x += widths[k]
        }
        return out + "</g>\n"
    }

    /// One legend entry: the line and/or marker sample at (x, y), then the label.
    func legendEntry(_ s: SVGPlot.Series, color: String, x: Double, y: Double) -> String {
        let c = HTMLEscaping.escape(color)
        var out = ""
        if s.style != .markers {
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            out += "<line x1=\"\(Self.f(x + 2))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(x + 26))\" y2=\"\(Self.f(y))\" stroke=\"\(c)\" stroke-width=\"2\"\(dash)/>\n"
        }
        if s.style != .line {
            out += "<circle class=\"legend-marker\" cx=\"\(Self.f(x + 14))\" cy=\"\(Self.f(y))\" r=\"3.5\" fill=\"\(c)\"/>\n"
        }
        return out + "<text x=\"\(Self.f(x + 32))\" y=\"\(Self.f(y))\" dy=\"0.35em\">\(HTMLEscaping.escape(s.label))</text>\n"
    }

    /// The legend in a box in a corner of the plot area.
    func legend(_ series: [SVGPlot.Series], colors: [String], position: SVGPlot.LegendPosition) -> String {
        if position == .above { return legendRow(series, colors: colors) }
        let rowHeight = 18.0
        let longest = series.map { $0.label.count }.max() ?? 0
        let boxWidth = 40 + Self.textWidth(String(repeating: "x", count: longest)), boxHeight = 8 + rowHeight * Double(series.count)
        let x: Double, y: Double
        switch position {
        case .topLeft: (x, y) = (plotLeft + 10, plotTop + 10)
        case .bottomLeft: (x, y) = (plotLeft + 10, plotBottom - 10 - boxHeight)
        case .bottomRight: (x, y) = (plotRight - 10 - boxWidth, plotBottom - 10 - boxHeight)
        case .topRight, .hidden, .above: (x, y) = (plotRight - 10 - boxWidth, plotTop + 10)
        }
        var out = "<g class=\"legend\" font-size=\"12\" fill=\"#222\">\n"
        out += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(boxWidth))\" height=\"\(Self.f(boxHeight))\" "
            + "fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n"
        for (k, s) in series.enumerated() {
            out += legendEntry(s, color: colors[k], x: x + 6, y: y + 4 + rowHeight * (Double(k) + 0.5))
        }
        return out + "</g>\n"
    }

    func centredNote(_ text: String) -> String {
        "<text class=\"note\" x=\"\(Self.f((plotLeft + plotRight) / 2))\" y=\"\(Self.f((plotTop + plotBottom) / 2))\" "
            + "text-anchor=\"middle\" font-size=\"14\" fill=\"#777\">\(HTMLEscaping.escape(text))</text>\n"
    }

    func footNote(_ text: String) -> String {
        "<text class=\"note\" x=\"8\" y=\"\(Self.f(height - 4))\" font-size=\"11\" fill=\"#a33\">\(HTMLEscaping.escape(text))</text>\n"
    }
}
