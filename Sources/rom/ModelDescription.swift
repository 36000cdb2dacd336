import Foundation
import LinearAlgebra
import ROM

/// What `rom info` says about a model file, as text and as JSON: the parts every `OnlineModel`
/// has (method, sizes, parameters, provenance) and the facts its method adds.
struct ModelDescription {
    let file: String
    let loaded: OnlineModelFile.Loaded

    var model: any OnlineModel { loaded.model }

    var text: String {
        let space = model.parameterSpace
        var out = "\(file): ROMKit online model (format version \(OnlineModelFile.formatVersion)), \(model.methodDescription)\n"
        out += "sizes:\n"
        for s in model.sizes { out += "  \(s.key) = \(s.value)" + (s.meaning.isEmpty ? "" : "  (\(s.meaning))") + "\n" }
        out += "parameters (\(space.dimension)):\n"
        for k in 0..<space.dimension { out += "  \(space.names[k]) in [\(space.lower[k]), \(space.upper[k])]\n" }
        for fact in model.facts {
            if !fact.isList && fact.lines.count == 1 {
                out += "\(fact.label): \(fact.lines[0])\n"
            } else {
                out += "\(fact.label):\n" + fact.lines.map { "  \($0)\n" }.joined()
            }
        }
        let p = loaded.provenance
        out += "provenance:\n  creator: \(p.creator)\n  command: \(p.command)\n  created: \(p.created)\n"
        for (key, value) in p.details.sorted(by: { $0.key < $1.key }) { out += "  \(key): \(value)\n" }
        return out
    }

    var json: JSONValue {
        let space = model.parameterSpace
        let p = loaded.provenance
        let parameters: [JSONValue] = (0..<space.dimension).map {
            .object([("name", .string(space.names[$0])), ("lower", .number(space.lower[$0])), ("upper", .number(space.upper[$0]))])
        }
        let details: [(String, JSONValue)] = p.details.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
        let provenance: JSONValue = .object([("creator", .string(p.creator)), ("command", .string(p.command)),
                                             ("created", .string(p.created)), ("details", .object(details))])
        var members: [(String, JSONValue)] = [
            ("file", .string(file)), ("format_version", .int(OnlineModelFile.formatVersion)), ("method", .string(loaded.method)),
            ("sizes", .object(model.sizes.map { ($0.key, JSONValue.int($0.value)) })), ("parameters", .array(parameters)),
        ]
        members += model.facts.map { ($0.key, $0.json) }
        members.append(("provenance", provenance))
        return .object(members)
    }
}
