import Foundation

/// The sections of a `ReducedBasisReport`.
extension ReducedBasisReport {
    func summarySection() -> HTMLReport.Section {
        var rows: [(String, String)] = []
        if let n = input.greedyBasisSizes.last { rows.append(("reduced basis size N", "\(n)")) }
        if let e = input.greedyMaxEstimates.last { rows.append(("max estimate over the training set", NumberText.scientific(e, digits: 2))) }
        if let e = input.testTrueErrors.filter(\.isFinite).max() {
            rows.append(("max true error over the test set", NumberText.scientific(e, digits: 2)))
        }
        if let e = input.testEstimates.filter(\.isFinite).max() {
            rows.append(("max estimate over the test set", NumberText.scientific(e, digits: 2)))
        }
        if let s = effectivitySummary {
            rows.append(("effectivity (min – max)", "\(NumberText.short(s.min, significant: 3)) – \(NumberText.short(s.max, significant: 3))"))
        }
        if let t = input.onlineSecondsPerQuery { rows.append(("online query (solve + estimate)", NumberText.seconds(t))) }
        if let t = input.truthSecondsPerSolve { rows.append(("truth solve", NumberText.seconds(t))) }
        if let online = input.onlineSecondsPerQuery, let truth = input.truthSecondsPerSolve, online > 0 {
            rows.append(("speed-up of a query over a truth solve", "\(NumberText.short(truth / online, significant: 3))×"))
        }
        if let t = input.offlineSeconds { rows.append(("offline stage", NumberText.seconds(t))) }
        let blocks: [HTMLReport.Block] = rows.isEmpty ? [.paragraph("No results were recorded.")] : [.keyValues(rows)]
        return HTMLReport.Section(title: "Summary", blocks: blocks)
    }

    func problemSection() -> HTMLReport.Section {
        var rows = input.problemFacts
        if let n = input.dofs { rows.append(("truth unknowns (dofs)", "\(n)")) }
        if let n = input.trainingSetSize { rows.append(("training parameters", "\(n)")) }
        if let n = input.testSetSize { rows.append(("test parameters", "\(n)")) }
        rows.append(("errors measured as", input.errorNorm))
        return HTMLReport.Section(title: "Problem", blocks: [.keyValues(rows)])
    }

    func greedySection() -> HTMLReport.Section {
        var section = HTMLReport.Section(title: "Greedy convergence")
        guard !input.greedyMaxEstimates.isEmpty else {
            section.blocks.append(.paragraph("No greedy history was recorded."))
            return section
        }
        var plot = SVGPlot(title: "Largest error estimate over the training set", xLabel: "reduced basis size N",
                           yLabel: "max Δ_N(μ) (\(input.greedyEstimateNorm))", yScale: .log10)
        let sizes = input.greedyBasisSizes.count == input.greedyMaxEstimates.count
            ? input.greedyBasisSizes.map(Double.init) : input.greedyMaxEstimates.indices.map(Double.init)
        plot.series.append(.init(label: "max estimate", x: sizes, y: input.greedyMaxEstimates, style: .lineAndMarkers))
        if let tolerance = input.greedyTolerance, let first = sizes.first, let last = sizes.last {
            plot.series.append(.init(label: "tolerance", x: [first, last], y: [tolerance, tolerance], style: .line,
                                     color: "#777777", dashed: true))
        }
        var caption = "\(input.greedyMaxEstimates.count) evaluations of the training set"
        if let reason = input.greedyStopReason { caption += "; stopped: \(reason)" }
        section.blocks.append(.plot(plot, caption: caption + "."))
        return section
    }

    func singularValueSection() -> HTMLReport.Section {
        var section = HTMLReport.Section(title: "Singular values of the snapshots")
        guard !input.singularValues.isEmpty else {
            section.blocks.append(.paragraph("No singular values were recorded."))
            return section
        }
        let plot = SVGPlot(title: "POD singular value decay", xLabel: "index i", yLabel: "singular value σ_i", yScale: .log10,
                           series: [.init(label: "σ_i", x: input.singularValues.indices.map { Double($0 + 1) },
                                          y: input.singularValues, style: .lineAndMarkers)])
        let first = input.singularValues.first ?? 0, last = input.singularValues.last ?? 0
        var caption = "\(input.singularValues.count) singular values"
        if first > 0 && last > 0 { caption += ", σ_last/σ_1 = \(NumberText.scientific(last / first, digits: 2))" }
        section.blocks.append(.plot(plot, caption: caption + "."))
        return section
    }

    func testSection() -> HTMLReport.Section {
        var section = HTMLReport.Section(title: "Error estimate against true error on the test set")
        let count = min(input.testEstimates.count, input.testTrueErrors.count)
        guard count > 0 else {
            section.blocks.append(.paragraph("No test set was evaluated."))
            return section
        }
        var scatter = SVGPlot(title: "Estimate against true error", xLabel: "true error e(μ) (\(input.errorNorm))",
                              yLabel: "estimate Δ(μ)", xScale: .log10, yScale: .log10)
        scatter.series.append(.init(label: "test parameters", x: input.testTrueErrors, y: input.testEstimates, style: .markers))
        let positive = (input.testTrueErrors + input.testEstimates).filter { $0 > 0 && $0.isFinite }
        if let low = positive.min(), let high = positive.max() {
            scatter.series.append(.init(label: "Δ = e (effectivity 1)", x: [low, high], y: [low, high], style: .line,
                                        color: "#777777", dashed: true))
        }
        section.blocks.append(.plot(scatter, caption: "Points above the dashed line are certified (Δ ≥ e)."))

        let eta = effectivities
        let defined = eta.compactMap { $0 }
        guard let summary = effectivitySummary else {
            section.blocks.append(.paragraph("No effectivity is defined: every true error is zero or not finite."))
            return section
        }
        let indices = eta.indices.filter { eta[$0] != nil }
        let spansDecades = summary.min > 0 && summary.max / summary.min > 10
        var plot = SVGPlot(title: "Effectivity per test parameter", xLabel: "test parameter", yLabel: "effectivity Δ(μ)/e(μ)",
                           yScale: spansDecades ? .log10 : .linear)
        plot.series.append(.init(label: "effectivity", x: indices.map { Double($0 + 1) }, y: defined, style: .markers))
        plot.series.append(.init(label: "1 (bound is sharp)", x: [1, Double(max(count, 2))], y: [1, 1], style: .line,
                                 color: "#777777", dashed: true))
        section.blocks.append(.plot(plot, caption: "Below 1 the estimate would not bound the error."))
        var rows: [(String, String)] = [
            ("effectivity min", NumberText.short(summary.min)), ("effectivity max", NumberText.short(summary.max)),
            ("effectivity mean", NumberText.short(summary.mean)),
            ("parameters with effectivity < 1", "\(defined.filter { $0 < 1 }.count) of \(defined.count)"),
        ]
        if summary.skipped > 0 { rows.append(("parameters without effectivity (zero true error)", "\(summary.skipped)")) }
        section.blocks.append(.keyValues(rows))
        return section
    }

    func timingSection() -> HTMLReport.Section {
        var rows: [(String, String)] = []
        if let t = input.offlineSeconds { rows.append(("offline stage (total)", NumberText.seconds(t))) }
        if let t = input.truthSecondsPerSolve { rows.append(("truth solve (per solve)", NumberText.seconds(t))) }
        if let t = input.onlineSecondsPerQuery { rows.append(("online query: reduced solve + estimate", NumberText.seconds(t))) }
        for (name, t) in input.otherTimings { rows.append((name, NumberText.seconds(t))) }
        let blocks: [HTMLReport.Block] = rows.isEmpty ? [.paragraph("No timings were recorded.")] : [.keyValues(rows)]
        return HTMLReport.Section(title: "Timings", blocks: blocks)
    }
}
