import Foundation

/// A JSON value with ordered object keys, as the drivers, `rom` and `rom-bench` write them: numbers
/// in Swift's shortest round-trip form (so a reader gets the same `Double` bits back), non-finite
/// numbers as `null`.
public enum JSONValue: Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A number (`null` when not finite).
    case number(Double)
    /// A string (escaped as JSON requires).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, keys in this order.
    case object([(String, JSONValue)])

    /// An array of numbers.
    public static func numbers(_ values: [Double]) -> JSONValue { .array(values.map(JSONValue.number)) }

    /// A string, or null when nil.
    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// The text: indented objects when `pretty` (arrays of scalars stay on one line), else one line.
    public func serialized(pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: "")
        return out
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private func write(to out: inout String, pretty: Bool, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += "\(i)"
        case .number(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            let inline = !pretty || items.allSatisfy(\.isScalar)
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += inline ? (pretty ? ", " : ",") : "," }
                if !inline { out += "\n" + indent + "  " }
                item.write(to: &out, pretty: pretty, indent: indent + "  ")
            }
            if !inline && !items.isEmpty { out += "\n" + indent }
            out += "]"
        case .object(let members):
            out += "{"
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out += "," }
                if pretty { out += "\n" + indent + "  " }
                Self.writeString(key, to: &out)
                out += pretty ? ": " : ":"
                value.write(to: &out, pretty: pretty, indent: indent + "  ")
            }
            if pretty && !members.isEmpty { out += "\n" + indent }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// Where `--json`, `--csv` and similar options send their text: `-` is stdout, anything else a
/// file written atomically (its folder created).
public enum OutputDestination {
    /// Writes `text` to `destination`.
    public static func write(_ text: String, to destination: String) throws {
        if destination == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            let url = URL(fileURLWithPath: destination)
            try AtomicFile.createParentFolder(of: url)
            try AtomicFile.write(Data(text.utf8), to: url)
        }
    }

    /// Whether `destination` is stdout (so the human-readable text must not go there).
    public static func isStandardOutput(_ destination: String?) -> Bool { destination == "-" }
}
