/// A failure of the hyper-reduction stages (NNLS, empirical cubature, Gappy-POD, the reduced
/// Newton): each case names the method, the step or point, and what went wrong. Bad shapes and
/// non-finite input are the shared `ROMError` cases.
public enum HyperReductionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An iterative method stopped at its limit before its tolerance.
    case notConverged(method: String, iterations: Int, detail: String)
    /// The reduced Newton did not converge at time step `step` (0-based).
    case newtonFailed(step: Int, iterations: Int, relativeResidual: Double)
    /// The constitutive law failed at reduced point `point` (0-based) of time step `step`.
    case lawFailed(step: Int, point: Int, detail: String)
    /// The reduced tangent is singular at time step `step` (no positive weight reaches a mode).
    case singularTangent(step: Int, detail: String)

    public var description: String {
        switch self {
        case let .notConverged(method, iterations, detail):
            return "\(method) did not converge in \(iterations) iterations: \(detail)"
        case let .newtonFailed(step, iterations, residual):
            return "the reduced Newton did not converge at time step \(step) in \(iterations) iterations (relative residual \(residual))"
        case let .lawFailed(step, point, detail):
            return "the constitutive law failed at reduced point \(point) of time step \(step): \(detail)"
        case let .singularTangent(step, detail):
            return "the reduced tangent is singular at time step \(step): \(detail)"
        }
    }
}
