import Foundation

/// A two-dimensional plot rendered as a self-contained inline SVG element: axes with ticks and tick
/// labels, axis labels, a title, a legend, and line or marker series on linear or log10 axes.
///
/// Points that an axis cannot show (non-finite values, and zero or negative values on a log
/// axis) are skipped and counted in a note under the plot; a plot without any point shows
/// "no data". Every text is escaped.
/// ```swift
/// var plot = SVGPlot(title: "Greedy convergence", xLabel: "basis size N", yLabel: "max Δ_N", yScale: .log10)
/// plot.series.append(.init(label: "max estimate", x: sizes, y: estimates, style: .lineAndMarkers))
/// let svg = plot.svg()
/// ```
public struct SVGPlot: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable, Equatable {
        /// A polyline through the points (one `path`).
        case line
        /// One marker (`circle`) per point.
        case markers
        /// Both.
        case lineAndMarkers
    }

    /// Where the legend sits: in a row between the title and the plot area (never over the data),
    /// or in a corner inside the plot area, or nowhere.
    public enum LegendPosition: Sendable, Equatable {
        case above, topRight, topLeft, bottomRight, bottomLeft, hidden
    }

    /// One data series. `x` and `y` are paired by index; extra values of the longer one are ignored.
    public struct Series: Sendable {
        /// The legend entry.
        public var label: String
        /// Abscissae.
        public var x: [Double]
        /// Ordinates.
        public var y: [Double]
        /// Line, markers or both.
        public var style: Style
        /// A CSS colour; nil picks the next colour of the palette.
        public var color: String?
        /// Whether the line is dashed (reference lines such as y = x).
        public var dashed: Bool

        /// A series of points (x[i], y[i]).
        public init(label: String, x: [Double], y: [Double], style: Style = .line, color: String? = nil, dashed: Bool = false) {
            self.label = label
            self.x = x
            self.y = y
            self.style = style
            self.color = color
            self.dashed = dashed
        }
    }

    /// The colour-blind safe palette (Okabe–Ito) series take their colours from, in order.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// Title above the plot.
    public var title: String
    /// Label of the horizontal axis.
    public var xLabel: String
    /// Label of the vertical axis.
    public var yLabel: String
    /// Scale of the horizontal axis.
    public var xScale: PlotAxis.Scale
    /// Scale of the vertical axis.
    public var yScale: PlotAxis.Scale
    /// The series, drawn in order.
    public var series: [Series]
    /// Legend placement.
    public var legendPosition: LegendPosition
    /// Size in CSS pixels (the SVG has a viewBox and scales down to its container).
    public var width: Int
    /// Height in CSS pixels.
    public var height: Int

    /// An empty plot; append to `series`.
    public init(title: String, xLabel: String, yLabel: String, xScale: PlotAxis.Scale = .linear, yScale: PlotAxis.Scale = .linear,
                series: [Series] = [], legendPosition: LegendPosition = .above, width: Int = 640, height: Int = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.series = series
        self.legendPosition = legendPosition
        self.width = width
        self.height = height
    }

    /// The points of each series that the axes can show, and how many were skipped.
    func visiblePoints() -> (points: [[(Double, Double)]], skipped: Int) {
        let xProbe = PlotAxis(scale: xScale, values: []), yProbe = PlotAxis(scale: yScale, values: [])
        var skipped = 0
        let points = series.map { s -> [(Double, Double)] in
            var kept: [(Double, Double)] = []
            kept.reserveCapacity(min(s.x.count, s.y.count))
            for (x, y) in zip(s.x, s.y) {
                if xProbe.canShow(x) && yProbe.canShow(y) { kept.append((x, y)) } else { skipped += 1 }
            }
            return kept
        }
        return (points, skipped)
    }

    /// The axes the data need.
    public func axes() -> (x: PlotAxis, y: PlotAxis) {
        let points = visiblePoints().points.joined()
        return (PlotAxis(scale: xScale, values: points.map(\.0)), PlotAxis(scale: yScale, values: points.map(\.1)))
    }

    /// The plot as an `<svg>` element (well-formed XML, SVG namespace declared).
    public func svg() -> String {
        let (points, skipped) = visiblePoints()
        let (xAxis, yAxis) = axes()
        let frame = SVGPlotFrame(width: Double(width), height: Double(height), xAxis: xAxis, yAxis: yAxis,
                                 legendRow: legendPosition == .above && !series.isEmpty)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\">\n"
        out += "<title>\(HTMLEscaping.escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        out += frame.titleAndLabels(title: title, xLabel: xLabel, yLabel: yLabel)
        out += frame.gridAndTicks()
        let total = points.reduce(0) { $0 + $1.count }
        if total == 0 {
            out += frame.centredNote("no data")
        }
        var paletteIndex = 0
        var colors: [String] = []
        for (k, s) in series.enumerated() {
            let color = s.color ?? Self.palette[paletteIndex % Self.palette.count]
            if s.color == nil { paletteIndex += 1 }
            colors.append(color)
            out += frame.render(s, points: points[k], color: color)
        }
        if legendPosition != .hidden && !series.isEmpty {
            out += frame.legend(series, colors: colors, position: legendPosition)
        }
        if skipped > 0 {
            let why = xScale == .log10 || yScale == .log10 ? "non-finite, zero or negative values on a log axis" : "non-finite values"
            out += frame.footNote("\(skipped) point\(skipped == 1 ? "" : "s") not shown (\(why))")
        }
        out += "</svg>"
        return out
    }
}
