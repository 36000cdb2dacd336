import Foundation
import ROM

/// Parameters μ given on the command line (`--mu 0.1,0.5`) or in a CSV file (`--mu-file`), checked
/// against the model's parameter space; errors name the option or the file and line.
enum ParameterInput {
    /// One parameter of a CSV file and the 1-based line it came from.
    struct Row {
        let line: Int
        let mu: Parameter
    }

    /// The parameter in `text` ("0.1,0.5,1"): one number per component, in the space's order.
    static func parse(_ text: String, space: ParameterSpace, place: String) throws -> Parameter {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parameter(fields, order: Array(0..<space.dimension), space: space, place: place)
    }

    /// The parameters of a CSV file: one per line, comma-separated, in the space's component order;
    /// `#` starts a comment; blank lines are skipped; the first line may be a header naming the
    /// parameters (in any order: the columns are then matched by name).
    static func readCSV(_ path: String, space: ParameterSpace) throws -> [Row] {
        let text: String
        do { text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8) } catch {
            throw ToolError("--mu-file \(path): cannot read the file (\(error.localizedDescription))")
        }
        var rows: [Row] = []
        var order = Array(0..<space.dimension)
        var sawData = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawData && fields.contains(where: { Double($0) == nil }) {
                sawData = true
                order = try headerOrder(fields, space: space, place: "\(path), line \(line)")
                continue
            }
            sawData = true
            rows.append(Row(line: line, mu: try parameter(fields, order: order, space: space, place: "\(path), line \(line)")))
        }
        guard !rows.isEmpty else { throw ToolError("--mu-file \(path): no parameter line (one μ per line, comma-separated)") }
        return rows
    }

    /// The column of each component, from a header line that names every parameter once.
    private static func headerOrder(_ fields: [String], space: ParameterSpace, place: String) throws -> [Int] {
        let names = space.names.joined(separator: ", ")
        for field in fields where !space.names.contains(field) {
            let kind = Double(field) != nil ? "mixes numbers and names" : "names '\(field)', which is not a parameter"
            throw ToolError("\(place): the header line \(kind) of the model (parameters: \(names))")
        }
        guard fields.count == space.dimension, Set(fields).count == fields.count else {
            throw ToolError("\(place): the header line must name each of the \(space.dimension) parameters once (\(names))")
        }
        // order[k]: the column holding component k.
        return space.names.map { name in fields.firstIndex(of: name)! }
    }

    /// The parameter whose component k is `fields[order[k]]`, checked against the space.
    private static func parameter(_ fields: [String], order: [Int], space: ParameterSpace, place: String) throws -> Parameter {
        guard fields.count == space.dimension else {
            throw ToolError("\(place): \(fields.count) value\(fields.count == 1 ? "" : "s") given, the model has \(space.dimension) "
                + "parameters (\(space.names.joined(separator: ", ")))")
        }
        var values = [Double](repeating: 0, count: space.dimension)
        for k in 0..<space.dimension {
            let field = fields[order[k]]
            guard let value = Double(field) else {
                throw ToolError("\(place): column \(order[k] + 1) ('\(space.names[k])'): '\(field)' is not a number")
            }
            guard value.isFinite else { throw ToolError("\(place): component '\(space.names[k])' is \(field), not a finite number") }
            values[k] = value
        }
        let mu = Parameter(values)
        do { try space.validate(mu) } catch { throw ToolError("\(place): \(error)") }
        return mu
    }
}
