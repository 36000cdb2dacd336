import Foundation

/// The geometry of an `SVGPlot`: maps data to pixels and writes the SVG elements of the frame,
/// the ticks, the series and the legend.
struct SVGPlotFrame {
    let width: Double
    let height: Double
    let xAxis: PlotAxis
    let yAxis: PlotAxis
    let left = 78.0, right = 20.0, top = 40.0, bottom = 58.0

    init(width: Double, height: Double, xAxis: PlotAxis, yAxis: PlotAxis) {
        self.width = width
        self.height = height
        self.xAxis = xAxis
        self.yAxis = yAxis
    }

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    /// Pixel abscissa of a data value.
    func px(_ x: Double) -> Double {
        plotLeft + (xAxis.coordinate(x) - xAxis.lower) / (xAxis.upper - xAxis.lower) * (plotRight - plotLeft)
    }

    /// Pixel ordinate of a data value (SVG's y grows downwards).
    func py(_ y: Double) -> Double {
        plotBottom - (yAxis.coordinate(y) - yAxis.lower) / (yAxis.upper - yAxis.lower) * (plotBottom - plotTop)
    }

    /// A pixel coordinate with two decimals.
    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    func titleAndLabels(title: String, xLabel: String, yLabel: String) -> String {
        let cx = Self.f((plotLeft + plotRight) / 2), cy = Self.f((plotTop + plotBottom) / 2)
        return "<text class=\"plot-title\" x=\"\(Self.f(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#111\">\(HTMLEscaping.escape(title))</text>\n"
            + "<text class=\"axis-label\" x=\"\(cx)\" y=\"\(Self.f(height - 14))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">\(HTMLEscaping.escape(xLabel))</text>\n"
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

    func legend(_ series: [SVGPlot.Series], colors: [String], position: SVGPlot.LegendPosition) -> String {
        let rowHeight = 18.0
        let longest = series.map { $0.label.count }.max() ?? 0
        let boxWidth = 40 + 6.6 * Double(longest), boxHeight = 8 + rowHeight * Double(series.count)
        let x: Double, y: Double
        switch position {
        case .topLeft: (x, y) = (plotLeft + 10, plotTop + 10)
        case .bottomLeft: (x, y) = (plotLeft + 10, plotBottom - 10 - boxHeight)
        case .bottomRight: (x, y) = (plotRight - 10 - boxWidth, plotBottom - 10 - boxHeight)
        case .topRight, .hidden: (x, y) = (plotRight - 10 - boxWidth, plotTop + 10)
        }
        var out = "<g class=\"legend\" font-size=\"12\" fill=\"#222\">\n"
        out += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(boxWidth))\" height=\"\(Self.f(boxHeight))\" "
            + "fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n"
        for (k, s) in series.enumerated() {
            let rowY = y + 4 + rowHeight * (Double(k) + 0.5)
            let c = HTMLEscaping.escape(colors[k])
            if s.style != .markers {
                let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
                out += "<line x1=\"\(Self.f(x + 8))\" y1=\"\(Self.f(rowY))\" x2=\"\(Self.f(x + 30))\" y2=\"\(Self.f(rowY))\" stroke=\"\(c)\" stroke-width=\"2\"\(dash)/>\n"
            }
            if s.style != .line {
                out += "<circle class=\"legend-marker\" cx=\"\(Self.f(x + 19))\" cy=\"\(Self.f(rowY))\" r=\"3.5\" fill=\"\(c)\"/>\n"
            }
            out += "<text x=\"\(Self.f(x + 36))\" y=\"\(Self.f(rowY))\" dy=\"0.35em\">\(HTMLEscaping.escape(s.label))</text>\n"
        }
        return out + "</g>\n"
    }

    func centredNote(_ text: String) -> String {
        "<text class=\"note\" x=\"\(Self.f((plotLeft + plotRight) / 2))\" y=\"\(Self.f((plotTop + plotBottom) / 2))\" "
            + "text-anchor=\"middle\" font-size=\"14\" fill=\"#777\">\(HTMLEscaping.escape(text))</text>\n"
    }

    func footNote(_ text: String) -> String {
        "<text class=\"note\" x=\"8\" y=\"\(Self.f(height - 2))\" font-size=\"11\" fill=\"#a33\">\(HTMLEscaping.escape(text))</text>\n"
    }
}
