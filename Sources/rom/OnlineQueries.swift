import Foundation
import LinearAlgebra
import ROM

/// The answers of a model to a list of parameters, and the measured time per query.
struct OnlineQueries {
    /// One query's answers (copied out of the evaluator).
    struct Answer {
        let line: Int?
        let mu: Parameter
        let coefficients: [Double]
        let errorEstimate: Double
        /// The named parts of the estimate (residual norm, stability bound), in the model's order.
        let details: [(name: String, value: Double)]
        let outputs: [Double]
        /// NaN where the model has no estimate for an output.
        let outputBounds: [Double]
    }

    let names: [String]
    /// The model's output names (`OnlineModel.outputNames`).
    let outputNames: [String]
    let estimateKind: ErrorEstimateKind
    /// Whether the coefficients are complex (interleaved real and imaginary parts).
    let isComplex: Bool
    let answers: [Answer]
    /// Mean seconds of one query (reduced solve, estimate and outputs), over `queriesTimed` queries.
    let secondsPerQuery: Double
    /// How many queries the timing averaged.
    let queriesTimed: Int

    /// Evaluates `model` at every parameter (already validated) as one block (`solve(block:)`:
    /// batched for the certified RB model), then times repeated passes of the block: `passes`
    /// of them, or as many as fill about 0.05 s when nil. One μ is answered and timed by `solve`.
    init(model evaluator: any OnlineModel, parameters: [(line: Int?, mu: Parameter)], passes: Int?) throws {
        names = evaluator.parameterSpace.names
        outputNames = evaluator.outputNames
        estimateKind = evaluator.errorEstimateKind
        isComplex = evaluator.isComplex
        var answers: [Answer] = []
        answers.reserveCapacity(parameters.count)
        if parameters.count == 1, let (line, mu) = parameters.first {
            try evaluator.solve(mu)
            answers.append(Answer(line: line, mu: mu, coefficients: evaluator.coefficients, errorEstimate: evaluator.errorEstimate,
                                  details: evaluator.estimateDetails, outputs: evaluator.outputs,
                                  outputBounds: evaluator.outputs.indices.map { evaluator.outputErrorEstimate($0) ?? .nan }))
        } else {
            let block = try evaluator.solve(block: Self.block(parameters.map(\.mu), dimension: evaluator.parameterSpace.dimension))
            for (j, (line, mu)) in parameters.enumerated() {
                answers.append(Answer(line: line, mu: mu, coefficients: block.coefficients.column(j), errorEstimate: block.errorEstimates[j],
                                      details: block.estimateDetails.map { ($0.name, $0.values[j]) },
                                      outputs: (0..<block.outputs.rows).map { block.outputs[$0, j] },
                                      outputBounds: (0..<block.outputBounds.rows).map { block.outputBounds[$0, j] }))
            }
        }
        self.answers = answers
        (secondsPerQuery, queriesTimed) = try Self.time(evaluator, parameters.map(\.mu), passes: passes)
    }

    /// The parameters as the columns of a d × M matrix.
    private static func block(_ parameters: [Parameter], dimension: Int) -> Matrix {
        Matrix(rows: dimension, columns: parameters.count, storage: parameters.flatMap(\.values))
    }

    /// Seconds per query over repeated passes: of the buffer form of `solve` (which allocates
    /// nothing) for one μ, of `solve(block:)` over all of them for several.
    private static func time(_ evaluator: any OnlineModel, _ parameters: [Parameter], passes fixed: Int?) throws -> (Double, Int) {
        let d = evaluator.parameterSpace.dimension, count = parameters.count
        let flat = parameters.flatMap(\.values), block = Self.block(parameters, dimension: d)
        return try flat.withUnsafeBufferPointer { all in
            func run(_ passes: Int) throws -> Double {
                let clock = Stopwatch()
                for _ in 0..<passes {
                    if count == 1 {
                        try evaluator.solve(components: all)
                    } else {
                        _ = try evaluator.solve(block: block)
                    }
                }
                return clock.seconds
            }
            if let fixed { return (try run(fixed) / Double(fixed * count), fixed * count) }
            var passes = 1
            while true {
                let seconds = try run(passes)
                if seconds >= 0.05 || passes * count >= 1 << 24 { return (seconds / Double(passes * count), passes * count) }
                passes *= 2
            }
        }
    }

    /// One answer as a JSON object.
    func json(_ a: Answer, extra: [(String, JSONValue)] = []) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let line = a.line { members.append(("line", .int(line))) }
        members += [
            ("mu", .numbers(a.mu.values)), ("coefficients", .numbers(a.coefficients)),
        ] + (isComplex ? [("complex", JSONValue.bool(true))] : []) + [
            ("error_estimate", .number(a.errorEstimate)),
        ] + a.details.map { ($0.name, JSONValue.number($0.value)) } + [
            ("outputs", .numbers(a.outputs)), ("output_bounds", .numbers(a.outputBounds)),
        ]
        return .object(members + extra)
    }

    /// The CSV table: a header, then one row per answer (numbers in round-trip form).
    var csv: String {
        let n = answers.first?.coefficients.count ?? 0, k = answers.first?.outputs.count ?? 0
        var header = ["line"] + names + ["error_estimate"] + (answers.first?.details.map(\.name) ?? [])
        for j in 0..<k { header += [outputNames[j], outputNames[j] + "_bound"] }
        header += isComplex ? (0..<(n / 2)).flatMap { ["u_\($0)_re", "u_\($0)_im"] } : (0..<n).map { "u_\($0)" }
        var out = header.joined(separator: ",") + "\n"
        for a in answers {
            var fields = ["\(a.line ?? 0)"] + a.mu.values.map { "\($0)" }
            fields += ["\(a.errorEstimate)"] + a.details.map { "\($0.value)" }
            for j in 0..<k { fields += ["\(a.outputs[j])", "\(a.outputBounds[j])"] }
            fields += a.coefficients.map { "\($0)" }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// One output of every answer: `(mu…, value, bound)` rows as CSV (header `line, names…, NAME,
    /// NAME_bound`), what `rom online --output NAME` prints.
    func csv(output k: Int) -> String {
        var out = (["line"] + names + [outputNames[k], outputNames[k] + "_bound"]).joined(separator: ",") + "\n"
        for a in answers {
            out += (["\(a.line ?? 0)"] + a.mu.values.map { "\($0)" } + ["\(a.outputs[k])", "\(a.outputBounds[k])"]).joined(separator: ",") + "\n"
        }
        return out
    }

    /// One output of an answer as a JSON object: `{"mu": …, NAME: value, "NAME_bound": bound}`.
    func json(_ a: Answer, output k: Int, extra: [(String, JSONValue)] = []) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let line = a.line { members.append(("line", .int(line))) }
        members += [("mu", .numbers(a.mu.values)), (outputNames[k], .number(a.outputs[k])), (outputNames[k] + "_bound", .number(a.outputBounds[k]))]
        return .object(members + extra)
    }

    /// The human-readable answer to one query.
    func text(_ a: Answer, model: String) -> String {
        var out = "model: \(model)\nmu: " + zip(names, a.mu.values).map { "\($0) = \($1)" }.joined(separator: ", ") + "\n"
        if isComplex {
            let n = a.coefficients.count / 2
            out += "reduced coefficients u_N (N = \(n), complex: real imaginary):\n  "
                + (0..<n).map { String(format: "%.10e %.10e", a.coefficients[2 * $0], a.coefficients[2 * $0 + 1]) }.joined(separator: "\n  ") + "\n"
        } else {
            out += "reduced coefficients u_N (N = \(a.coefficients.count)):\n  " + a.coefficients.map { String(format: "%.10e", $0) }.joined(separator: "\n  ") + "\n"
        }
        let parts = Dictionary(a.details.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        if estimateKind == .certifiedBound, let r = parts["residual_norm"], let alpha = parts["coercivity_lower_bound"] {
            out += String(format: "error estimate Δ(μ) = %.4e  (residual dual norm %.4e / coercivity lower bound %.6g)\n",
                          a.errorEstimate, r, alpha)
        } else if estimateKind != .none {
            out += String(format: "error %@ = %.4e\n", estimateKind == .indicator ? "indicator" : "estimate", a.errorEstimate)
        }
        for (j, s) in a.outputs.enumerated() {
            let label = outputNames[j] == "output_\(j)" ? "output \(j)" : outputNames[j]
            out += String(format: "%@: %.12g ± %.3e\n", label, s, a.outputBounds[j])
        }
        out += "time per query: \(Self.duration(secondsPerQuery)) (solve + estimate + outputs, mean of \(queriesTimed))\n"
        return out
    }

    /// "1.23 µs", "4.5 ms".
    static func duration(_ seconds: Double) -> String { NumberText.seconds(seconds) }
}
