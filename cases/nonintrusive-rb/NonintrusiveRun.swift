import Foundation
import LinearAlgebra
import ROM

/// One run of the nonintrusive RB on a family: sampling, reduction, and (when the family can
/// give matrices at fresh parameters) the test-set study: truth against online query.
struct NonintrusiveRun {
    let samples: FamilySamples<Double>
    let innerProduct: SparseMatrix?
    let result: NonintrusiveReducedBasis.Result<Double>
    private(set) var testFigures: [(String, JSONValue)] = []
    private var lines: [String] = []

    /// A family read from files: the reduction only (no fresh parameters to test).
    init(samples: FamilySamples<Double>, innerProduct: SparseMatrix?, method: NonintrusiveReducedBasis, say: @escaping (String) -> Void) throws {
        self.samples = samples
        self.innerProduct = innerProduct
        result = try method.reduce(samples, innerProduct: innerProduct, progress: say)
    }

    /// A family that assembles: sample, reduce, then study `test`.
    init<Family: MatrixFamily>(family: Family, training: [Parameter], innerProduct: SparseMatrix, method: NonintrusiveReducedBasis,
                               test: [Parameter], say: @escaping (String) -> Void) throws where Family.Element == Double {
        let sampling = Stopwatch()
        samples = try FamilySamples(family: family, parameters: training)
        say("sampled in \(NumberText.seconds(sampling.seconds))")
        self.innerProduct = innerProduct
        result = try method.reduce(samples, innerProduct: innerProduct, progress: say)
        say("offline \(NumberText.seconds(result.seconds.total)): d = \(result.operatorInterpolation.terms), N = \(result.model.size)")
        guard !test.isEmpty else { return }
        // One BLAS thread for both sides: the online products are small, and OpenBLAS's idle
        // threads spin (a loaded machine made a 60×60 query 20× slower with two).
        try BLASRuntime.withThreadCount(1) { try study(family, test, innerProduct, say) }
    }

    private mutating func study<Family: MatrixFamily>(_ family: Family, _ test: [Parameter], _ x: SparseMatrix,
                                                      _ say: (String) -> Void) throws where Family.Element == Double {
        let model = result.model
        let evaluator = NonintrusiveModelEvaluator(model: model)
        var truthSeconds = 0.0, factorization: CholeskyFactorization?
        var errors: [Double] = [], energyErrors: [Double] = [], effectivities: [Double] = [], matrices: [SparseMatrix] = []
        for mu in test {
            let clock = Stopwatch()
            let a = try family.matrix(at: mu), f = try family.rightHandSide(at: mu)
            if let factorization { try factorization.refactor(a) } else { factorization = try CholeskyFactorization(a) }
            let u = try factorization!.solve(f)
            truthSeconds += clock.seconds
            matrices.append(a)
            try evaluator.solve(operatorEntries: try family.entries(at: mu, positions: model.operatorPositions),
                                rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: model.rightHandSideIndices))
            let e = zip(u, try evaluator.reconstruct(evaluator.coefficients)).map { $0 - $1 }
            let errorX = x.bilinearForm(e, e).squareRoot()
            errors.append(errorX / x.bilinearForm(u, u).squareRoot())
            energyErrors.append((a.bilinearForm(e, e) / a.bilinearForm(u, u)).squareRoot())
            effectivities.append(evaluator.errorEstimate / errorX)
        }
        // The online query timed as a user runs it: entries of A(μ) from the cells that hold
        // them, β and γ, the reduced solve and the indicator.
        let entries = try test.map { try family.entries(at: $0, positions: model.operatorPositions) }
        let loads = try test.map { try family.rightHandSideEntries(at: $0, indices: model.rightHandSideIndices) }
        let solveOnly = try Self.time(test.count) { try evaluator.solve(operatorEntries: entries[$0], rightHandSideEntries: loads[$0]) }
        let query = try Self.time(test.count) { i in
            try evaluator.solve(operatorEntries: try family.entries(at: test[i], positions: model.operatorPositions),
                                rightHandSideEntries: try family.rightHandSideEntries(at: test[i], indices: model.rightHandSideIndices))
        }
        let testSamples = try FamilySamples(parameterSpace: samples.parameterSpace, parameters: test, matrices: matrices,
                                            rightHandSides: try test.map { try family.rightHandSide(at: $0) },
                                            names: test.map { "A(\($0))" })
        let testOperator = try result.operatorInterpolation.errors(on: testSamples)
        let fem = truthSeconds / Double(test.count)
        testFigures = [
            ("test_size", .int(test.count)),
            ("max_true_error", .number(energyErrors.max()!)),
            ("max_true_error_x", .number(errors.max()!)),
            ("indicator_effectivity_min", .number(effectivities.min()!)),
            ("indicator_effectivity_max", .number(effectivities.max()!)),
            ("test_operator_error", .number(testOperator.largestEntry.max()!)),
            ("online_seconds_per_query", .number(query)),
            ("online_solve_seconds", .number(solveOnly)),
            ("fem_seconds_per_solve", .number(fem)),
            ("speedup", .number(fem / query)),
        ]
        lines = [
            "test set: \(test.count) fresh parameters",
            String(format: "  largest relative error: %.2e (energy norm), %.2e (X)", energyErrors.max()!, errors.max()!),
            String(format: "  indicator effectivity: %.2f … %.2f", effectivities.min()!, effectivities.max()!),
            String(format: "  operator interpolation error at test μ: %.2e (largest entry)", testOperator.largestEntry.max()!),
            "  truth (assembly + CHOLMOD): \(NumberText.seconds(fem)); online query (entries + solve + indicator): \(NumberText.seconds(query)) "
                + "(solve alone \(NumberText.seconds(solveOnly))); speed-up \(String(format: "%.0f", fem / query))×",
        ]
        say(lines.joined(separator: "\n"))
    }

    /// Mean seconds of `body(i)` over i < count, repeated to fill about 0.1 s.
    static func time(_ count: Int, _ body: (Int) throws -> Void) throws -> Double {
        var passes = 1
        while true {
            let clock = Stopwatch()
            for _ in 0..<passes { for i in 0..<count { try body(i) } }
            let seconds = clock.seconds
            if seconds >= 0.1 || passes >= 1 << 16 { return seconds / Double(passes * count) }
            passes *= 2
        }
    }

    func summary(model: String) -> String {
        var out = [
            "model: \(model)",
            "family: \(samples.parameters.count) samples of order \(samples.order)",
            "operator interpolation: \(result.operatorInterpolation.terms) terms, training error \(String(format: "%.2e", result.operatorTrainingError.largestEntry))",
            "right-hand side interpolation: \(result.rightHandSideInterpolation.terms) terms",
            "reduced basis: N = \(result.model.size) (\(result.stopReason)), truth solver \(result.truthSolver)",
            "offline: \(NumberText.seconds(result.seconds.total))",
        ]
        out += lines
        return out.joined(separator: "\n") + "\n"
    }
}
