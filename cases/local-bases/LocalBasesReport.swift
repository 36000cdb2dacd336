import Foundation
import LinearAlgebra
import ROM

/// The HTML report of a `local-bases` run: the problem, the criterion and the errors against the
/// number of clusters (plot and table), and the clusters in parameter space.
struct LocalBasesReport {
    let report: HTMLReport

    init(study: LocalBasesStudy, localError: Double, secondsPerQuery: Double, command: String) {
        let ks = (1...study.curves[.sineKMedoids]!.count).map(Double.init)
        let criterionKs = study.criterion.evaluations.map { Double($0.clusters) }
        var plot = SVGPlot(title: "Max relative error on the test set, N = \(study.basisSize) modes per query",
                           xLabel: "clusters k", yLabel: "relative error (X norm)", yScale: .log10)
        let names: [(ClusteringMethod, String)] = [(.sineKMedoids, "sine"), (.euclideanKMedoids, "Euclidean"), (.kMeans, "k-means")]
        for (index, (method, name)) in names.enumerated() {
            plot.series.append(.init(label: name, x: ks, y: study.curves[method]!.map(\.rom), style: .lineAndMarkers,
                                     color: SVGPlot.palette[index]))
        }
        plot.series.append(.init(label: "sine, projection", x: ks, y: study.curves[.sineKMedoids]!.map(\.projection),
                                 style: .line, color: SVGPlot.palette[0], dashed: true))
        plot.series.append(.init(label: "criterion E(k)", x: criterionKs, y: study.criterion.evaluations.map(\.error),
                                 style: .lineAndMarkers, color: SVGPlot.palette[6], dashed: true))

        var clusterPlot = SVGPlot(title: "Sine k-medoids clusters of the training parameters (k = \(study.clusters))",
                                  xLabel: "angle θ", yLabel: "strength s", legendPosition: .above)
        for c in 0..<study.model.clusterCount {
            let members = study.training.indices.filter { study.model.trainingLabels[$0] == c }
            clusterPlot.series.append(.init(label: "cluster \(c)", x: members.map { study.training[$0][0] },
                                            y: members.map { study.training[$0][1] }, style: .markers,
                                            color: SVGPlot.palette[c % SVGPlot.palette.count]))
        }

        func e(_ x: Double) -> String { String(format: "%.3e", x) }
        let rows: [[String]] = (0..<ks.count).map { i in
            ["\(i + 1)", i < study.criterion.evaluations.count ? e(study.criterion.evaluations[i].error) : "—"]
                + names.map { e(study.curves[$0.0]![i].rom) } + [e(study.curves[.sineKMedoids]![i].projection)]
        }
        let k = study.clusters
        report = HTMLReport(title: "Local reduced bases: sine k-medoids on an advection-dominated problem", subtitle: command, sections: [
            .init(title: "Problem", blocks: [
                .keyValues([("equation", "−ε Δu + (cos θ, sin θ)·∇u = s g on the unit square, u = 0 on the boundary, g a Gaussian at (0.5, 0.5)"),
                            ("discretization", "P1 + SUPG, \(study.problem.n) × \(study.problem.n) squares, \(study.problem.dofs) free dofs, ε = \(study.problem.diffusivity)"),
                            ("parameters", "θ ∈ [0, π], s ∈ [0.2, 1]; \(study.training.count) training (Latin hypercube), \(study.testSet.count) test (random)"),
                            ("bases", "N = \(study.basisSize) modes per query, local or global; X = H¹₀ product"),
                            ("criterion", "k* = \(study.criterion.chosenClusters) (E(k, N) within 5 % of its minimum)"),
                            ("comparison", "k = \(k) clusters, selection \(study.model.selection.key)")]),
            ]),
            .init(title: "Errors against the number of clusters", blocks: [
                .plot(plot, caption: "Max over the test set of ‖u − V_c u_N‖_X / ‖u‖_X for the Galerkin model of the selected cluster, "
                      + "by clustering (sine and Euclidean k-medoids, k-means); k = 1 is the global basis. Dashed: the projection error of sine k-medoids and the a priori criterion "
                      + "E(k, N) computed from the training snapshots alone."),
                .table(header: ["k", "criterion E(k, N)", "sine ROM", "Euclidean ROM", "k-means ROM", "sine projection"], rows: rows),
            ]),
            .init(title: "Clusters", blocks: [
                .plot(clusterPlot, caption: "The sine dissimilarity ignores the strength s (it only scales u): the clusters are bands of angle."),
            ]),
            .init(title: "Figures", blocks: [
                .keyValues([("global error (k = 1)", e(study.global.rom)),
                            ("local error (model file, k = \(k))", e(localError)),
                            ("sine / Euclidean / k-means (k = \(k))",
                             names.map { e(study.curves[$0.0]![k - 1].rom) }.joined(separator: " / ")),
                            ("online seconds per query", e(secondsPerQuery)),
                            ("truth seconds per solve", e(study.truthSecondsPerSolve)),
                            ("offline seconds (all clusterings and k)", String(format: "%.2f", study.offlineSeconds))]),
            ]),
        ])
    }

    func write(to url: URL) throws { try report.write(to: url) }
}
