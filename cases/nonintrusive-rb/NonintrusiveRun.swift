import Foundation
import LinearAlgebra
import ROM

/// One run of the nonintrusive RB on a family, real or complex: sampling, reduction, and (when
/// the family can give matrices at fresh parameters) the test-set study: truth against online query.
struct NonintrusiveRun<Element: MatrixMarketScalar> {
    /// A test parameter's truth solution and the reduced model's field.
    struct TestField {
        let mu: Parameter
        let truth: [Element]
        let reduced: [Element]
    }

    let samples: FamilySamples<Element>
    let innerProduct: SparseMatrix?
    let result: NonintrusiveReducedBasis.Result<Element>
    private(set) var testFigures: [(String, JSONValue)] = []
    /// The test set's fields (kept when asked: the duct's TL).
    private(set) var testFields: [TestField] = []
    private var lines: [String] = []

    /// A family read from files: the reduction only (no fresh parameters to test).
    init(samples: FamilySamples<Element>, innerProduct: SparseMatrix?, method: NonintrusiveReducedBasis, say: @escaping (String) -> Void) throws {
        self.samples = samples
        self.innerProduct = innerProduct
        result = try method.reduce(samples, innerProduct: innerProduct, progress: say)
    }

    /// A family that assembles: sample, reduce, then study `test`.
    init<Family: MatrixFamily>(family: Family, training: [Parameter], innerProduct: SparseMatrix, method: NonintrusiveReducedBasis,
                               test: [Parameter], keepTestFields: Bool = false, say: @escaping (String) -> Void) throws
        where Family.Element == Element {
        let sampling = Stopwatch()
        samples = try FamilySamples(family: family, parameters: training)
        say("sampled in \(NumberText.seconds(sampling.seconds))")
        self.innerProduct = innerProduct
        result = try method.reduce(samples, innerProduct: innerProduct, progress: say)
        say("offline \(NumberText.seconds(result.seconds.total)): d = \(result.operatorInterpolation.terms), N = \(result.model.size)")
        guard !test.isEmpty else { return }
        // One BLAS thread for both sides: the online products are small, and OpenBLAS's idle
        // threads spin (a loaded machine made a 60×60 query 20× slower with two).
        try BLASRuntime.withThreadCount(1) { try study(family, test, innerProduct, keepTestFields, say) }
    }

    /// √(vᴴ X v) for real X.
    private static func norm(_ v: [Element], _ x: SparseMatrix) -> Double {
        let xv = x.apply(scalars: v)
        let product = v.withUnsafeBufferPointer { a in xv.withUnsafeBufferPointer { Element.dot(n: v.count, a.baseAddress!, $0.baseAddress!) } }
        return Swift.max(product.realPart, 0).squareRoot()
    }

    private mutating func study<Family: MatrixFamily>(_ family: Family, _ test: [Parameter], _ x: SparseMatrix, _ keepFields: Bool,
                                                      _ say: (String) -> Void) throws where Family.Element == Element {
        let model = result.model
        let evaluator = NonintrusiveModelEvaluator(model: model)
        var truthSeconds = 0.0, truth: FamilyTruthSolver<Element>?
        var errors: [Double] = [], energyErrors: [Double] = [], effectivities: [Double] = [], matrices: [CSRMatrix<Element>] = []
        for mu in test {
            let clock = Stopwatch()
            let a = try family.matrix(at: mu), f = try family.rightHandSide(at: mu)
            // The family's solver (CHOLMOD refactorized for the SPD bump, UMFPACK for complex families),
            // made on the first matrix; a matrix of another pattern gets its own.
            if truth == nil || matrices.last.map({ $0.columnIndices != a.columnIndices || $0.rowPointers != a.rowPointers }) == true {
                truth = FamilyTruthSolver(pattern: a, firstValues: a.values)
            }
            let u = try truth!.solve(values: a.values, rightHandSide: f)
            truthSeconds += clock.seconds
            matrices.append(a)
            try evaluator.solve(operatorEntries: try family.entries(at: mu, positions: model.operatorPositions),
                                rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: model.rightHandSideIndices))
            let reduced = try evaluator.reconstruct(evaluator.coefficients)
            let e = zip(u, reduced).map { $0 - $1 }
            let errorX = Self.norm(e, x)
            errors.append(errorX / Self.norm(u, x))
            // The energy norm of an SPD family; a complex (indefinite) family reports the X norm.
            if let a = a as? SparseMatrix, let e = e as? [Double], let u = u as? [Double] {
                energyErrors.append((a.bilinearForm(e, e) / a.bilinearForm(u, u)).squareRoot())
            } else {
                energyErrors.append(errors.last!)
            }
            effectivities.append(evaluator.errorEstimate / errorX)
            if keepFields { testFields.append(TestField(mu: mu, truth: u, reduced: reduced)) }
        }
        // The online query timed as a user runs it: entries of A(μ) from the cells that hold
        // them, β and γ, the reduced solve, with and without the indicator.
        let entries = try test.map { try family.entries(at: $0, positions: model.operatorPositions) }
        let loads = try test.map { try family.rightHandSideEntries(at: $0, indices: model.rightHandSideIndices) }
        let timings = try QueryTimings(count: test.count, indicator: { _ in evaluator.errorEstimate }, solveAlone: {
            try evaluator.solve(operatorEntries: entries[$0], rightHandSideEntries: loads[$0])
        }, query: { i in
            try evaluator.solve(operatorEntries: try family.entries(at: test[i], positions: model.operatorPositions),
                                rightHandSideEntries: try family.rightHandSideEntries(at: test[i], indices: model.rightHandSideIndices))
        })
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
        ] + timings.figures(truthSeconds: fem)
        lines = [
            "test set: \(test.count) fresh parameters",
            String(format: "  largest relative error: %.2e (", energyErrors.max()!) + (Element.isComplex ? "X" : "energy norm")
                + String(format: "), %.2e (X)", errors.max()!),
            String(format: "  indicator effectivity: %.2f … %.2f", effectivities.min()!, effectivities.max()!),
            String(format: "  operator interpolation error at test μ: %.2e (largest entry)", testOperator.largestEntry.max()!),
            "  truth (assembly + \(truth?.name ?? "solver")): \(NumberText.seconds(fem)); " + timings.line(truthSeconds: fem, what: "entries"),
        ]
        say(lines.joined(separator: "\n"))
    }

    /// Adds a problem's own figures (JSON members) and summary lines (the duct's TL).
    mutating func add(figures: [(String, JSONValue)], lines more: [String]) {
        testFigures += figures
        lines += more
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
