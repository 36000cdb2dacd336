import Foundation

/// The drawing of a `FieldView`: title, the mesh coloured by bucket, the overlays, the colour bar.
extension FieldView {
    /// Layout constants, in CSS pixels.
    private enum Layout {
        static let pad = 10.0, plotTop = 50.0, barGap = 22.0, barWidth = 16.0, minimumBarHeight = 150.0
        static let tickLabelWidth = 70.0, titleCharacterWidth = 7.6, smallCharacterWidth = 6.6
    }

    /// The colour bar heading: the quantity and its unit ("u (dimensionless)").
    public var colorBarHeading: String { unit.isEmpty ? quantity : "\(quantity) (\(unit))" }

    /// The field as an `<svg>` element (well-formed XML, SVG namespace declared). The mesh group
    /// carries `data-triangles`, each colour's path its `data-bucket` and `data-triangles`, the
    /// colour bar its `data-scale`, `data-lower` and `data-upper`.
    public func svg() -> String {
        let box = boundingBox
        let longer = Swift.max(box.x1 - box.x0, box.y1 - box.y0)
        let resolution = Swift.max(10, gridResolution)
        let step = longer / Double(resolution)
        let points = (0..<vertexCount).map { k in
            SIMD2<Int32>(Int32(((coordinates[2 * k] - box.x0) / step).rounded()),
                         Int32(((box.y1 - coordinates[2 * k + 1]) / step).rounded()))
        }
        let pixelsPerStep = Double(plotSize) / Double(resolution)
        let plotWidth = ((box.x1 - box.x0) / step).rounded() * pixelsPerStep
        let plotHeight = ((box.y1 - box.y0) / step).rounded() * pixelsPerStep
        let barX = Layout.pad + plotWidth + Layout.barGap
        let barHeight = Swift.max(plotHeight, Layout.minimumBarHeight)
        let headingWidth = Layout.smallCharacterWidth * Double(colorBarHeading.count)
        let width = (Swift.max(barX + Layout.barWidth + Layout.tickLabelWidth, Layout.pad + headingWidth,
                               Layout.pad + Layout.titleCharacterWidth * Double(title.count)) + Layout.pad).rounded(.up)
        let note = clippingNote()
        let height = (Layout.plotTop + Swift.max(plotHeight, barHeight) + (note == nil ? 14 : 32)).rounded(.up)
        let f = SVGPlotFrame.f

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"field-view\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\">\n"
        out += "<title>\(HTMLEscaping.escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#ffffff\"/>\n"
        out += "<text class=\"field-title\" x=\"\(f(Layout.pad))\" y=\"22\" font-size=\"14\" font-weight=\"600\" fill=\"#111\">"
            + "\(HTMLEscaping.escape(title))</text>\n"
        let transform = "translate(\(f(Layout.pad)) \(f(Layout.plotTop))) scale(\(String(format: "%.5g", pixelsPerStep)))"
        out += meshGroup(points: points, transform: transform)
        out += overlays(box: box, step: step, transform: transform, pixelsPerStep: pixelsPerStep)
        out += colorBar(x: barX, top: Layout.plotTop, height: barHeight, headingEnd: width - Layout.pad)
        if let note {
            out += "<text class=\"note\" x=\"\(f(Layout.pad))\" y=\"\(f(height - 8))\" font-size=\"11\" fill=\"#555\">"
                + "\(HTMLEscaping.escape(note))</text>\n"
        }
        return out + "</svg>"
    }

    /// One `<path>` per colour bucket that has triangles, inside the scaled group.
    private func meshGroup(points: [SIMD2<Int32>], transform: String) -> String {
        let buckets = triangleBuckets()
        var members = [[Int]](repeating: [], count: colorScale.buckets)
        for (t, b) in buckets.enumerated() { members[b].append(t) }
        let outline = TriangleRegionOutline(points: points, triangles: triangles)
        var out = "<g class=\"field\" data-triangles=\"\(triangleCount)\" data-vertices=\"\(vertexCount)\" "
            + "transform=\"\(transform)\" stroke-width=\"0.6\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">\n"
        for (k, list) in members.enumerated() where !list.isEmpty {
            let d = drawing == .mergedRegions ? outline.unionOutline(list) : outline.trianglePaths(list)
            let color = colorMap.hex(at: colorScale.centre(ofBucket: k))
            out += "<path class=\"bucket\" data-bucket=\"\(k)\" data-triangles=\"\(list.count)\" fill=\"\(color)\" stroke=\"\(color)\" "
                + "vector-effect=\"non-scaling-stroke\" d=\"\(d)\"/>\n"
        }
        return out + "</g>\n"
    }

    /// The outlines (in the scaled group) and the labels (in pixels, so text keeps its size).
    private func overlays(box: (x0: Double, y0: Double, x1: Double, y1: Double), step: Double, transform: String,
                          pixelsPerStep: Double) -> String {
        var out = ""
        let lines = outlines.filter { $0.count >= 4 && $0.count % 2 == 0 && $0.allSatisfy(\.isFinite) }
        if !lines.isEmpty {
            out += "<g class=\"outlines\" transform=\"\(transform)\" fill=\"none\" stroke=\"#ffffff\" stroke-opacity=\"0.85\" "
                + "stroke-width=\"1.2\">\n"
            for line in lines {
                var d = ""
                for k in 0..<(line.count / 2) {
                    let x = Int(((line[2 * k] - box.x0) / step).rounded()), y = Int(((box.y1 - line[2 * k + 1]) / step).rounded())
                    d += (k == 0 ? "M" : "L") + "\(x) \(y)"
                }
                out += "<path vector-effect=\"non-scaling-stroke\" d=\"\(d)\"/>\n"
            }
            out += "</g>\n"
        }
        let shown = labels.filter { $0.x.isFinite && $0.y.isFinite }
        if !shown.isEmpty {
            out += "<g class=\"labels\" font-size=\"13\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#ffffff\" "
                + "stroke=\"#000000\" stroke-opacity=\"0.7\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">\n"
            for label in shown {
                let x = Layout.pad + (label.x - box.x0) / step * pixelsPerStep
                let y = Layout.plotTop + (box.y1 - label.y) / step * pixelsPerStep
                out += "<text x=\"\(SVGPlotFrame.f(x))\" y=\"\(SVGPlotFrame.f(y))\" dy=\"0.35em\">\(HTMLEscaping.escape(label.text))</text>\n"
            }
            out += "</g>\n"
        }
        return out
    }

    /// The colour bar: one rectangle per bucket, the frame, the ticks inside the range and the
    /// range values at both ends, the heading above (ending at `headingEnd`, so that a long one
    /// runs over the free space above the plot).
    private func colorBar(x: Double, top: Double, height: Double, headingEnd: Double) -> String {
        let f = SVGPlotFrame.f
        let scale = colorScale
        let scaleName = scale.scale == .log10 ? "log10" : "linear"
        var out = "<g class=\"color-bar\" data-scale=\"\(scaleName)\" data-lower=\"\(scale.lower)\" data-upper=\"\(scale.upper)\">\n"
        out += "<text class=\"color-bar-label\" x=\"\(f(headingEnd))\" y=\"\(f(top - 10))\" text-anchor=\"end\" font-size=\"12\" fill=\"#222\">"
            + "\(HTMLEscaping.escape(colorBarHeading))</text>\n"
        let slice = height / Double(scale.buckets)
        for k in 0..<scale.buckets {
            let y = top + height - Double(k + 1) * slice
            out += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(Layout.barWidth))\" height=\"\(f(slice + 0.4))\" "
                + "fill=\"\(colorMap.hex(at: scale.centre(ofBucket: k)))\"/>\n"
        }
        out += "<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(Layout.barWidth))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#333\"/>\n"
        let labelX = f(x + Layout.barWidth + 7), tickEnd = f(x + Layout.barWidth + 4), barRight = f(x + Layout.barWidth)
        out += "<g class=\"color-bar-ticks\" font-size=\"11\" fill=\"#333\">\n"
        for (tick, t) in scale.ticks where t * height > 14 && (1 - t) * height > 14 {
            let y = f(top + height * (1 - t))
            out += "<line x1=\"\(barRight)\" y1=\"\(y)\" x2=\"\(tickEnd)\" y2=\"\(y)\" stroke=\"#333\"/>\n"
            out += "<text class=\"tick-label\" data-value=\"\(tick.value)\" x=\"\(labelX)\" y=\"\(y)\" dy=\"0.35em\">"
                + "\(SVGPlotFrame.tickText(tick))</text>\n"
        }
        for (value, y, end) in [(scale.upper, top, "upper"), (scale.lower, top + height, "lower")] {
            out += "<line x1=\"\(barRight)\" y1=\"\(f(y))\" x2=\"\(tickEnd)\" y2=\"\(f(y))\" stroke=\"#333\"/>\n"
            out += "<text class=\"range-label\" data-end=\"\(end)\" data-value=\"\(value)\" x=\"\(labelX)\" y=\"\(f(y))\" dy=\"0.35em\" "
                + "font-weight=\"600\">\(HTMLEscaping.escape(NumberText.short(value, significant: 3)))</text>\n"
        }
        return out + "</g>\n</g>\n"
    }

    /// A sentence for values outside the colour range, nil when there are none.
    private func clippingNote() -> String? {
        let scale = colorScale
        if scale.scale == .log10 && scale.clipsBelow {
            return "Values below \(NumberText.short(scale.lower, significant: 2)) (zeros included) in the lowest colour."
        }
        if scale.clipsBelow || scale.clipsAbove { return "Values outside the colour range in the end colours." }
        return nil
    }
}
