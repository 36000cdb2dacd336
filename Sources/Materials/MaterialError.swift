/// A failure of a constitutive law: bad parameters, a bad model-file description, or an update
/// that could not be computed. Each case names the law and the place.
public enum MaterialError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A parameter is outside its admissible range (`detail` says which range).
    case invalidParameter(law: String, parameter: String, detail: String)
    /// A description names a law that no registered type reads.
    case unknownLaw(String)
    /// A description lacks a parameter the law needs, or gives it with the wrong length.
    case malformedDescription(law: String, parameter: String, detail: String)
    /// The local (return-mapping) Newton did not converge.
    case returnMappingFailed(law: String, iterations: Int, residual: Double)
    /// An input of the update (strain, temperature, time step, state) is NaN or infinite.
    case notFinite(law: String, what: String)
    /// A buffer handed to the update has the wrong length.
    case wrongBufferLength(law: String, what: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .invalidParameter(law, parameter, detail):
            return "\(law): parameter \(parameter) is invalid: \(detail)"
        case let .unknownLaw(name):
            return "unknown constitutive law \"\(name)\" (known: \(ConstitutiveLaws.names.joined(separator: ", ")))"
        case let .malformedDescription(law, parameter, detail):
            return "\(law): parameter \(parameter) of the description is malformed: \(detail)"
        case let .returnMappingFailed(law, iterations, residual):
            return "\(law): the return mapping did not converge in \(iterations) iterations (residual \(residual))"
        case let .notFinite(law, what):
            return "\(law): \(what) is NaN or infinite"
        case let .wrongBufferLength(law, what, expected, found):
            return "\(law): \(what) has \(found) entries, expected \(expected)"
        }
    }
}
