/// What went wrong while building or using an empirical interpolation; each case names the culprit.
public enum EIMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A snapshot value is NaN or infinite: `point` and `parameter` locate it (0-based).
    case notFinite(point: Int, parameter: Int)
    /// The training set has no parameter, or the family no point.
    case emptyTrainingSet
    /// The family has no point to interpolate at.
    case noPoints
    /// The tolerance must be positive (and finite).
    case nonPositiveTolerance(Double)
    /// A term limit below 1.
    case invalidTermLimit(Int)
    /// A point index outside `0..<count`.
    case pointOutOfRange(index: Int, count: Int)
    /// A parameter index outside `0..<count`.
    case parameterOutOfRange(index: Int, count: Int)
    /// A buffer whose length does not match what the interpolant needs.
    case sizeMismatch(what: String, expected: Int, got: Int)
    /// The weighting operator of the greedy norm is not square of the family's point count.
    case weightSizeMismatch(expected: Int, got: Int)
    /// The weighting operator gave ‖r‖² ≤ 0 for a nonzero r: it is not positive definite.
    case weightNotPositiveDefinite(parameter: Int)
    /// DEIM / Q-DEIM was given an empty basis, or more basis vectors than points.
    case invalidBasis(rows: Int, columns: Int)
    /// The interpolation matrix is singular (a point repeated, or a basis vector zero at every point).
    case singularInterpolationMatrix(pivot: Int)
    /// An adaptive-training option out of range.
    case invalidOption(String)
    /// A saved interpolant that cannot be read back (the message names the file and the fault).
    case badFile(String)
    /// A saved interpolant of a format version this ROMKit does not read.
    case unsupportedFileVersion(file: String, version: Int, supported: Int)
    /// An array of a saved interpolant that is missing or has the wrong type, shape or content.
    case badArray(file: String, array: String, detail: String)

    public var description: String {
        switch self {
        case let .notFinite(point, parameter):
            return "snapshot value at point \(point), parameter \(parameter) is NaN or infinite"
        case .emptyTrainingSet:
            return "the training set is empty: give at least one parameter"
        case .noPoints:
            return "the family has no point to interpolate at"
        case let .nonPositiveTolerance(tol):
            return "the tolerance must be positive and finite, got \(tol)"
        case let .invalidTermLimit(limit):
            return "the term limit must be at least 1, got \(limit)"
        case let .pointOutOfRange(index, count):
            return "point index \(index) is outside 0..<\(count)"
        case let .parameterOutOfRange(index, count):
            return "parameter index \(index) is outside 0..<\(count)"
        case let .sizeMismatch(what, expected, got):
            return "\(what) has \(got) entries, expected \(expected)"
        case let .weightSizeMismatch(expected, got):
            return "the norm's weighting operator is \(got)×\(got), the family has \(expected) points"
        case let .weightNotPositiveDefinite(parameter):
            return "the norm's weighting operator is not positive definite (rᵀ M r ≤ 0 for the residual of parameter \(parameter))"
        case let .invalidBasis(rows, columns):
            return "DEIM needs a nonempty basis with no more vectors than points, got \(rows)×\(columns)"
        case let .singularInterpolationMatrix(pivot):
            return "the interpolation matrix is singular at pivot \(pivot) (a repeated point or a function zero at every point)"
        case let .invalidOption(message):
            return message
        case let .badFile(message):
            return "cannot read the interpolant: \(message)"
        case let .unsupportedFileVersion(file, version, supported):
            return "\(file): interpolant format version \(version); this ROMKit reads version \(supported)"
        case let .badArray(file, array, detail):
            return "\(file): the array '\(array)' \(detail)"
        }
    }
}
