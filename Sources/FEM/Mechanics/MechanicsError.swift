/// A failure of the nonlinear mechanics solver or of its inputs, naming the place.
public enum MechanicsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The space is not a 3-component displacement space on a tetrahedral mesh.
    case unsupportedSpace(String)
    /// The global Newton of a time step did not reach the tolerance.
    case newtonDidNotConverge(step: Int, time: Double, iterations: Int, relativeResidual: Double)
    /// The constitutive law failed at an integration point.
    case lawFailed(point: Int, cell: Int, detail: String)
    /// An input array has the wrong length.
    case wrongLength(what: String, expected: Int, found: Int)
    /// An input is out of range (a time step that does not increase, a NaN load).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .unsupportedSpace(detail):
            return "mechanics: unsupported space: \(detail)"
        case let .newtonDidNotConverge(step, time, iterations, residual):
            return "mechanics: Newton did not converge at step \(step) (t = \(time)) in \(iterations) iterations (relative residual \(residual))"
        case let .lawFailed(point, cell, detail):
            return "mechanics: the constitutive law failed at integration point \(point) (cell \(cell)): \(detail)"
        case let .wrongLength(what, expected, found):
            return "mechanics: \(what) has \(found) entries, expected \(expected)"
        case let .invalidInput(detail):
            return "mechanics: \(detail)"
        }
    }
}
