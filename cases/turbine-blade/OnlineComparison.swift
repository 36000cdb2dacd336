import FEM
import Foundation
import LinearAlgebra
import ROM

/// The errors of an online run against a stage (i) run of the same loading, step by step:
/// - displacement: e(t) = ‖u_HF(t) − V c(t)‖_E / max_s ‖u_HF(s)‖_E in the energy norm of
///   ``BladeDiscretization/energyMatrix()`` (the elastic stiffness at rest), relative to the
///   largest displacement of the run (each cycle ends at rest, where u_HF is the small residual
///   displacement and a pointwise-in-time ratio would measure nothing);
/// - p: max_k |p_ROM(x_k, t) − p_HF(x_k, t)| / max_{k,s} p_HF(x_k, s) over all integration points,
///   p_ROM the Gappy-POD reconstruction, p_HF the law replayed on the stage (i) displacements (the
///   stage (i) files hold no p, as a commercial code's need not).
struct OnlineComparison {
    /// e(t) per step.
    let errorOverTime: [Double]
    /// The p error per step.
    let pErrorOverTime: [Double]
    /// max_t ‖u_HF(t)‖_E (mm·√MPa·mm³).
    let largestEnergyNorm: Double
    /// max p_HF.
    let largestP: Double
    /// Steps per cycle (to split the errors by cycle).
    let stepsPerCycle: Int

    var maxError: Double { errorOverTime.max() ?? 0 }
    var pMaxError: Double { pErrorOverTime.max() ?? 0 }

    /// The largest error of each cycle.
    func perCycle(_ values: [Double]) -> [Double] {
        stride(from: 0, to: values.count, by: stepsPerCycle).map { values[$0..<min($0 + stepsPerCycle, values.count)].max()! }
    }

    /// Compares the last run of `evaluator` (`steps` steps of `loadCase`) with `run`.
    /// - Throws: ``BladeFilesError/inconsistent(_:)`` when the run is another loading or is
    ///   shorter than the online run.
    init(run: HighFidelityRun, loadCase: BladeLoadCase, evaluator: HyperReducedModelEvaluator, steps: Int) throws {
        guard run.loadCase.isSameStudy(as: loadCase), abs(run.loadCase.temperatureLevel - loadCase.temperatureLevel) <= 1e-9 * abs(loadCase.temperatureLevel) else {
            throw BladeFilesError.inconsistent("\(run.folder.path)/case.json is not the online loading (peak \(loadCase.temperatureLevel) °C, the model's study)")
        }
        guard run.times.count >= steps else {
            throw BladeFilesError.inconsistent("\(run.folder.path) holds \(run.times.count) steps, the online run \(steps): compare over a run at least as long")
        }
        let fe = try BladeDiscretization(mesh: run.mesh, loadCase: run.loadCase)
        let energy = try fe.energyMatrix()
        let hf = run.displacements.columns(0..<steps)
        var differences = hf, rom = Matrix(rows: hf.rows, columns: steps)
        for step in 0..<steps { rom.setColumn(step, to: try evaluator.displacement(step: step)) }
        BLAS.axpy(-1, rom.storage, &differences.storage)
        func energyNorms(_ fields: Matrix) -> [Double] {
            (0..<steps).map { step in
                let u = fields.column(step)
                return max(BLAS.dot(u, energy.apply(u)), 0).squareRoot()
            }
        }
        let norms = energyNorms(hf), errors = energyNorms(differences)
        let largest = norms.max() ?? 0
        largestEnergyNorm = largest
        errorOverTime = errors.map { largest > 0 ? $0 / largest : $0 }

        let replay = try StressRecomputation(points: fe.points, law: fe.law, loading: try run.loadCase.loading(),
                                             times: Array(run.times.prefix(steps)), displacements: hf, fields: ["p"])
        let p = replay.stateFields["p"]!
        let pScale = p.storage.max() ?? 0
        largestP = pScale
        var pErrors: [Double] = []
        for step in 0..<steps {
            let reconstructed = try evaluator.reconstructField("p", step: step), exact = p.column(step)
            let difference = zip(reconstructed, exact).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
            pErrors.append(pScale > 0 ? difference / pScale : difference)
        }
        pErrorOverTime = pErrors
        stepsPerCycle = loadCase.stepsPerCycle
    }

    /// The comparison's keys of the JSON report.
    func add(to report: inout JSONReport) {
        report.add("max_error", maxError)
        report.add("p_max_error", pMaxError)
        report.add("error_over_time", errorOverTime)
        report.add("p_error_over_time", pErrorOverTime)
        report.add("max_error_per_cycle", perCycle(errorOverTime))
        report.add("p_max_error_per_cycle", perCycle(pErrorOverTime))
        report.add("hf_energy_norm_max", largestEnergyNorm)
        report.add("hf_p_max", largestP)
    }
}
