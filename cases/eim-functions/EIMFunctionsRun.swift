import EIM
import Foundation
import LinearAlgebra

/// The stages of one `eim-functions` run: training snapshots, the chosen variant, the test error.
struct EIMFunctionsRun {
    let command: EIMFunctions
    var kind: PlanarFamily.Kind { PlanarFamily.Kind(rawValue: command.family)! }

    func run() throws -> JSONReport {
        var report = JSONReport()
        let training = PlanarFamily.grid(command.params)
        let family = PlanarFamily(kind: kind, side: command.grid, parameters: training)
        report.add("family", kind.rawValue)
        report.add("variant", command.variant.rawValue)
        report.add("norm", command.norm.rawValue)
        report.add("grid", command.grid)
        report.add("params", command.params)
        report.add("tolerance", command.tol)

        let eim: EmpiricalInterpolation, seconds: Double
        var trainingSet = training
        let options = EIMOptions(tolerance: command.tol, maxTerms: command.maxTerms,
                                 norm: command.norm == .linf ? .linf : .l2, relative: true,
                                 stabilized: command.variant == .stabilized)
        switch command.variant {
        case .deim, .qdeim:
            command.progress("\(family.pointCount) points × \(family.parameterCount) parameters: snapshots and thin SVD")
            let g = timed(&report, "snapshot_seconds") { family.snapshots() }
            (eim, seconds) = try measure {
                try EmpiricalInterpolation(snapshots: g, selection: command.variant == .deim ? .deim : .qdeim,
                                           tolerance: command.tol, maxModes: command.maxTerms)
            }
            report.add("training_max_error", eim.maxRelativeError(snapshots: g))
        default:
            let greedy: EmpiricalInterpolation
            if command.adaptive {
                let adaptive = try AdaptiveTraining(lower: [-1, -1], upper: [-0.01, -0.01], initialGrid: command.params)
                let side = command.grid, k = kind
                command.progress("adaptive training from a \(command.params)×\(command.params) grid, \(side * side) points")
                let ((result, info), s) = try measure {
                    try adaptive.run(pointCount: side * side, options: options, progress: { command.progress($0) }) { mu, values in
                        PlanarFamily(kind: k, side: side, parameters: [(mu[0], mu[1])]).evaluate(parameter: 0, into: values)
                    }
                }
                (greedy, seconds) = (result, s)
                trainingSet = info.trainingSet.map { ($0[0], $0[1]) }
                report.add("adaptive_rounds", info.rounds)
                report.add("candidates_checked", info.candidatesChecked)
            } else {
                command.progress("\(family.pointCount) points × \(family.parameterCount) parameters: snapshots")
                var g: Matrix? = timed(&report, "snapshot_seconds") { family.snapshots() }
                command.progress("greedy to \(command.tol)")
                (greedy, seconds) = try measure {
                    // Hands over the only reference: the greedy works in the snapshots' storage.
                    try EmpiricalInterpolation(snapshots: g.take()!, options: options) { terms, error in
                        if terms % 20 == 0 { command.progress("\(terms) terms, error \(error)") }
                    }
                }
            }
            report.add("training_size", trainingSet.count)
            report.add("stop_reason", greedy.stopReason?.rawValue ?? "")
            switch command.variant {
            case .symmetric:
                let selected = PlanarFamily(kind: kind, side: command.grid, parameters: greedy.parameters.map { trainingSet[$0] })
                eim = try greedy.symmetricFormulation(snapshotsAtParameters: selected.snapshots())
                let full = testError(greedy)
                report.add("classic_test_max_error", full)
            case .rectangular:
                let removed = command.removePoint ?? greedy.points.count / 2
                guard removed >= 0, removed < greedy.points.count else {
                    throw EIMError.pointOutOfRange(index: removed, count: greedy.points.count)
                }
                eim = try greedy.addingPoints(command.extraPoints).removingPoint(at: removed)
                report.add("extra_points", command.extraPoints)
                report.add("removed_point", removed)
                report.add("full_test_max_error", testError(greedy))
            default:
                eim = greedy
            }
        }
        report.add("terms", eim.terms)
        report.add("points", eim.points)
        report.add("error_history", eim.errorHistory)
        report.add("seconds", seconds)
        if command.test > 0 {
            command.progress("test error on \(command.test) random parameters")
            report.add("test_max_error", testError(eim))
        }
        report.add("lebesgue_constant", eim.lebesgueConstant)
        if let path = command.save {
            let provenance = EmpiricalInterpolation.Provenance(
                creator: "eim-functions", command: CommandLine.arguments.joined(separator: " "),
                details: ["family": kind.rawValue, "grid": "\(command.grid)", "variant": command.variant.rawValue,
                          "training_size": "\(trainingSet.count)"])
            let greedyOptions = [.deim, .qdeim].contains(command.variant) ? nil : options
            try eim.write(to: URL(fileURLWithPath: path), options: greedyOptions, provenance: provenance)
            report.add("saved", path)
        }
        report.add("blas_core", BLASRuntime.coreName)
        return report
    }

    /// max over `--test` random μ of ‖g − I g‖∞ / ‖g‖∞.
    func testError(_ eim: EmpiricalInterpolation) -> Double {
        let tests = PlanarFamily(kind: kind, side: command.grid, parameters: PlanarFamily.random(command.test, seed: command.seed))
        let g = tests.snapshots()
        return eim.maxRelativeError(snapshots: g)
    }

    func timed<T>(_ report: inout JSONReport, _ key: String, _ body: () throws -> T) rethrows -> T {
        let (value, s) = try measure(body)
        report.add(key, s)
        return value
    }
}

/// The value of `body` and the seconds it took (monotonic clock).
func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    try Stopwatch.measure(body)
}
