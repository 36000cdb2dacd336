import ArgumentParser
import ComplexModule
import RealModule
import DriverOptions
import Foundation
import LinearAlgebra
import ROM

/// `rom online MODEL.npz --mu a,b,c`: reduced solution, error bound and outputs at one μ, or at
/// every μ of a CSV file, with the time per query.
struct OnlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "online",
        abstract: "Query an online model: reduced coefficients, error estimate, outputs with bounds, time per query.",
        discussion: """
            One μ: --mu 0.1,0.5,1,0.3 (components in the order 'rom info' lists; write --mu=-1,2 when the first is negative). \
            Many: --mu-file PARAMS.csv, one μ per line, comma-separated, '#' comments, an optional header line naming the \
            parameters (then columns are matched by name); the answers go to stdout (or --csv PATH) as CSV, or with --json as \
            JSON lines, one object per μ; the timing goes to stderr.
            """
    )

    @Argument(help: "Online model file (.npz).")
    var model: String

    @Option(help: "One parameter: comma-separated components.")
    var mu: String?

    @Option(name: .customLong("mu-file"), help: "CSV file of parameters, one per line.")
    var muFile: String?

    @Option(help: "JSON output (one object; with --mu-file, JSON lines) to this file, or '-' for stdout.")
    var json: String?

    @Option(help: "With --mu-file: write the CSV table to this file instead of stdout.")
    var csv: String?

    @Option(help: "Write the reconstructed field (needs a model that keeps its basis): 1-D .npy for --mu, (dofs, count) for --mu-file.")
    var field: String?

    @Option(help: "Nonintrusive models: the external code's assembled A(μ) (.mtx); its magic entries are read from it.")
    var matrix: String?

    @Option(help: "With --matrix: f(μ) (.npy or .mtx); without it, f's coefficients are interpolated at μ.")
    var rhs: String?

    @Option(help: "Nonintrusive models: the magic entries (.npy), operator's then optionally the right-hand side's, in the order 'rom info' lists (hp models: those of the subdomain of --mu).")
    var entries: String?

    @Option(help: "Print only this output and its bound (a name 'rom info' lists: logdet or quadratic_form of a matrix-functions model, output_0, … of others).")
    var output: String?

    @Option(help: "Timing: passes over the parameters (default: as many as fill about 0.05 s).")
    var repeats: Int?

    @Flag(help: "With --mu-file: no timing line on stderr.")
    var quiet = false

    func validate() throws {
        if (mu == nil) == (muFile == nil) { throw ValidationError("give exactly one of --mu and --mu-file") }
        if csv != nil && muFile == nil { throw ValidationError("--csv needs --mu-file (one --mu query prints text or JSON)") }
        if matrix != nil && entries != nil { throw ValidationError("give --matrix or --entries, not both") }
        if rhs != nil && matrix == nil { throw ValidationError("--rhs goes with --matrix") }
        if (matrix != nil || entries != nil) && mu == nil { throw ValidationError("--matrix and --entries answer one query: give --mu") }
        if let r = repeats { try ResourceBudget.check("--repeats", r, in: 1...10_000_000, meaning: "the timing passes") }
        try OutputPreflight.checkFiles([("--json", json), ("--csv", csv), ("--field", field)])
    }

    func run() throws {
        var reduced = try OnlineModelFile.load(URL(fileURLWithPath: model)).model
        if matrix != nil || entries != nil {
            let mu = try ParameterInput.parse(self.mu!, space: reduced.parameterSpace, place: "--mu")
            reduced = try EntryQuery(reduced, mu: mu, matrix: matrix, rhs: rhs, entries: entries, file: model)
        }
        if field != nil && !reduced.canReconstruct {
            throw ToolError("--field: \(model) was saved without its basis, so no field can be reconstructed")
        }
        let space = reduced.parameterSpace
        let parameters: [(line: Int?, mu: Parameter)]
        if let mu {
            parameters = [(nil, try ParameterInput.parse(mu, space: space, place: "--mu"))]
        } else {
            parameters = try ParameterInput.readCSV(muFile!, space: space).map { ($0.line, $0.mu) }
        }
        var selectedOutput: Int?
        if let output {
            guard let k = reduced.outputNames.firstIndex(of: output) else {
                let known = reduced.outputNames.isEmpty ? "it has no outputs" : "its outputs are " + reduced.outputNames.joined(separator: ", ")
                throw ToolError("--output \(output): \(model) has no output of that name (\(known))")
            }
            selectedOutput = k
        }
        let queries = try OnlineQueries(model: reduced, parameters: parameters, passes: repeats)
        if let field { try writeField(queries, model: reduced, to: field) }
        let timing: [(String, JSONValue)] = [("seconds_per_query", .number(queries.secondsPerQuery)), ("queries_timed", .int(queries.queriesTimed))]
        if let k = selectedOutput {
            try printOutput(k, queries: queries, timing: timing)
            return
        }

        if mu != nil {
            let answer = queries.answers[0]
            if let json {
                let value = queries.json(answer, extra: [("parameter_names", .array(space.names.map(JSONValue.string)))] + timing
                                         + [("field", .optional(field))])
                try OutputDestination.write(value.serialized() + "\n", to: json)
            }
            if !OutputDestination.isStandardOutput(json) { print(queries.text(answer, model: model), terminator: "") }
            return
        }
        if let json {
            try OutputDestination.write(queries.answers.map { queries.json($0).serialized(pretty: false) + "\n" }.joined(), to: json)
        }
        if let csv {
            try OutputDestination.write(queries.csv, to: csv)
        } else if !OutputDestination.isStandardOutput(json) {
            print(queries.csv, terminator: "")
        }
        if !quiet {
            let line = "\(queries.answers.count) queries; \(OnlineQueries.duration(queries.secondsPerQuery)) per query "
                + "(solve + estimate + outputs, mean of \(queries.queriesTimed))\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// `--output NAME`: that output and its bound for every μ — one line of text (or one JSON
    /// object) for --mu, the CSV table (or JSON lines) for --mu-file.
    private func printOutput(_ k: Int, queries: OnlineQueries, timing: [(String, JSONValue)]) throws {
        if mu != nil {
            let answer = queries.answers[0]
            if let json { try OutputDestination.write(queries.json(answer, output: k, extra: timing).serialized() + "\n", to: json) }
            if !OutputDestination.isStandardOutput(json) {
                print(String(format: "%@: %.15g ± %.3e", queries.outputNames[k], answer.outputs[k], answer.outputBounds[k]))
            }
            return
        }
        if let json {
            try OutputDestination.write(queries.answers.map { queries.json($0, output: k).serialized(pretty: false) + "\n" }.joined(), to: json)
        }
        if let csv {
            try OutputDestination.write(queries.csv(output: k), to: csv)
        } else if !OutputDestination.isStandardOutput(json) {
            print(queries.csv(output: k), terminator: "")
        }
        if !quiet {
            FileHandle.standardError.write(Data("\(queries.answers.count) queries; \(OnlineQueries.duration(queries.secondsPerQuery)) per query\n".utf8))
        }
    }

    /// The fields V u_N(μ): a vector for one μ, a (dofs, count) matrix for many.
    private func writeField(_ queries: OnlineQueries, model reduced: any OnlineModel, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try AtomicFile.createParentFolder(of: url)
        let fields = try reduced.reconstruct(columns: queries.answers.map(\.coefficients))
        if reduced.isComplex {
            // Interleaved (re, im) columns of 2n reals: written as complex128, (n,) or (n, count).
            let n = fields.rows / 2
            let values = (0..<(n * fields.columns)).map { i in Complex(fields.storage[2 * i], fields.storage[2 * i + 1]) }
            try NPY.write(NPYArray(shape: mu != nil ? [n] : [n, fields.columns], fortranOrder: true, elements: .complex128(values)), to: url)
        } else if mu != nil {
            try NPY.write(fields.column(0), to: url)
        } else {
            try NPY.write(fields, to: url)
        }
    }
}
