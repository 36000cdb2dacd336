/// Errors of the reduction stages (POD, greedy, estimators, model files).
public enum ROMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An input array holds NaN or infinity.
    case notFinite(what: String, index: Int)
    /// An input is empty where data is needed.
    case empty(what: String)
    /// An option is out of its range.
    case invalidOption(name: String, detail: String)
    /// Arrays of different sizes were combined.
    case dimensionMismatch(what: String, expected: Int, found: Int)
    /// An online model file is malformed: names the entry and the problem.
    case invalidModel(file: String, detail: String)

    public var description: String {
        switch self {
        case let .notFinite(what, index): return "\(what) holds a NaN or infinite value at index \(index)"
        case let .empty(what): return "\(what) is empty"
        case let .invalidOption(name, detail): return "invalid \(name): \(detail)"
        case let .dimensionMismatch(what, expected, found): return "\(what): expected size \(expected), found \(found)"
        case let .invalidModel(file, detail): return "model file \(file): \(detail)"
        }
    }
}
