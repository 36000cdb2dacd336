import CaseProblems
import ComplexModule
import RealModule
import FEM
import Foundation
import LinearAlgebra
import ROM

/// The lined duct's outputs: on the test set, the relative L² error of the pressure and the
/// error of TL(f, σ) in dB between the truth and the reduced field; over the band, TL curves of
/// truth and ROM for a few σ (the report's plot).
struct DuctStudy {
    /// max over the test set of |TL_ROM − TL_truth| (dB).
    let tlMaxError: Double
    /// max over the test set of ‖p − p_N‖_{L²} / ‖p‖_{L²}.
    let pressureMaxError: Double
    /// The smallest and largest TL of the test set (dB).
    let tlRange: (Double, Double)
    /// TL over the band for a few σ: truth and ROM.
    let curves: [(sigma: Double, frequencies: [Double], truth: [Double], reduced: [Double])]

    init(family: LinedDuctFamily, run: NonintrusiveRun<Complex<Double>>, curveResistivities: [Double], curvePoints: Int) throws {
        var tlErrors: [Double] = [], pressureErrors: [Double] = [], tls: [Double] = []
        for field in run.testFields {
            let e = zip(field.truth, field.reduced).map { $0 - $1 }
            pressureErrors.append(Self.norm(e, family.mass) / Self.norm(field.truth, family.mass))
            let truthTL = family.transmissionLoss(field.truth, at: field.mu)
            tls.append(truthTL)
            tlErrors.append(abs(family.transmissionLoss(field.reduced, at: field.mu) - truthTL))
        }
        tlMaxError = tlErrors.max() ?? .nan
        pressureMaxError = pressureErrors.max() ?? .nan
        tlRange = (tls.min() ?? .nan, tls.max() ?? .nan)
        // The curves: a truth solve (UMFPACK) and an online query (entries → β → reduced solve) per point.
        let model = run.result.model
        let evaluator = NonintrusiveModelEvaluator(model: model)
        let space = family.parameterSpace
        var curves: [(sigma: Double, frequencies: [Double], truth: [Double], reduced: [Double])] = []
        for sigma in curveResistivities where curvePoints > 1 {
            let fs = (0..<curvePoints).map { space.lower[0] + (space.upper[0] - space.lower[0]) * Double($0) / Double(curvePoints - 1) }
            var truth: [Double] = [], reduced: [Double] = []
            for f in fs {
                let mu = Parameter([f, sigma])
                let p = try LUFactorization(try family.matrix(at: mu)).solve(try family.rightHandSide(at: mu))
                truth.append(family.transmissionLoss(p, at: mu))
                try evaluator.solve(operatorEntries: try family.entries(at: mu, positions: model.operatorPositions),
                                    rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: model.rightHandSideIndices))
                reduced.append(family.transmissionLoss(try evaluator.reconstruct(evaluator.coefficients), at: mu))
            }
            curves.append((sigma, fs, truth, reduced))
        }
        self.curves = curves
    }

    /// √(vᴴ M v).
    private static func norm(_ v: [Complex<Double>], _ m: SparseMatrix) -> Double {
        let mv = m.apply(scalars: v)
        return zip(v, mv).reduce(0.0) { $0 + ($1.0.conjugate * $1.1).real }.squareRoot()
    }

    /// The JSON members.
    var figures: [(String, JSONValue)] {
        [("tl_max_error_db", .number(tlMaxError)), ("max_pressure_error", .number(pressureMaxError)),
         ("tl_min_db", .number(tlRange.0)), ("tl_max_db", .number(tlRange.1))]
    }

    /// The summary lines.
    var lines: [String] {
        [String(format: "  pressure: largest relative L² error %.2e; TL: largest error %.3e dB (TL %.2f … %.2f dB on the test set)",
                pressureMaxError, tlMaxError, tlRange.0, tlRange.1)]
    }

    /// The HTML report: TL over the band (truth and ROM), EIM and greedy convergence.
    func report(run: NonintrusiveRun<Complex<Double>>, family: LinedDuctFamily, command: String) -> HTMLReport {
        var tl = SVGPlot(title: "Transmission loss over the band: truth (lines) and ROM (markers)", xLabel: "frequency f (Hz)",
                         yLabel: "TL (dB)")
        for (i, c) in curves.enumerated() {
            let colour = SVGPlot.palette[i % SVGPlot.palette.count]
            let kPa = String(format: "%.3g", c.sigma / 1000)
            tl.series.append(.init(label: "truth, σ = \(kPa) kPa·s/m²", x: c.frequencies, y: c.truth, style: .line, color: colour))
            tl.series.append(.init(label: "ROM, σ = \(kPa) kPa·s/m²", x: c.frequencies, y: c.reduced, style: .markers, color: colour))
        }
        let history = run.result.operatorInterpolation.values.errorHistory
        var eim = SVGPlot(title: "Matrix EIM: largest relative entry error on the training set", xLabel: "terms", yLabel: "error", yScale: .log10)
        eim.series.append(.init(label: "operator", x: history.indices.map { Double($0 + 1) }, y: history, style: .lineAndMarkers))
        let greedy = run.result.history.filter { $0.basisSize > 0 }
        var rb = SVGPlot(title: "Greedy: largest relative indicator on the training set", xLabel: "basis size N", yLabel: "η / ‖u_N‖_X",
                         yScale: .log10)
        rb.series.append(.init(label: "indicator", x: greedy.map { Double($0.basisSize) }, y: greedy.map(\.maxIndicator), style: .lineAndMarkers))
        let duct = family.duct, g = duct.geometry
        return HTMLReport(title: "Lined duct: nonintrusive reduced basis in complex arithmetic", subtitle: command, sections: [
            .init(title: "Problem", blocks: [
                .keyValues([("equation", "−Δp − k²p = 0 (e^{−iωt}); plane wave in at x = 0 (Robin), ρc outlet at x = L, Delany–Bazley liner on the top wall"),
                            ("duct", "L = \(g.length) m, H = \(g.height) m, lined on [\(g.lined.lowerBound), \(g.lined.upperBound)] m, layer d = \(g.linerThickness) m"),
                            ("discretization", "P2, \(duct.dofCount) dofs"),
                            ("parameters", "f ∈ [\(family.parameterSpace.lower[0]), \(family.parameterSpace.upper[0])] Hz, σ ∈ [\(family.parameterSpace.lower[1]), \(family.parameterSpace.upper[1])] Pa·s/m²"),
                            ("reduction", "d = \(run.result.operatorInterpolation.terms) operator terms, N = \(run.result.model.size)")]),
            ]),
            .init(title: "Transmission loss", blocks: [.plot(tl, caption: "TL = 10 log₁₀(incident / transmitted power).")]),
            .init(title: "Convergence", blocks: [.plot(eim, caption: nil), .plot(rb, caption: nil)]),
            .init(title: "Figures", blocks: [
                .keyValues([("largest TL error on the test set (dB)", String(format: "%.3e", tlMaxError)),
                            ("largest relative L² pressure error", String(format: "%.3e", pressureMaxError))]),
            ]),
        ])
    }
}
