/// A numerical failure found by a factorization, a solver or a check of the input.
///
/// Each case names the problem and the place (column, pivot, routine, index), so the message
/// alone tells a user what went wrong: `"matrix is not positive definite: the pivot of column 17 is not positive (CHOLMOD)"`.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A Cholesky factorization met a non-positive pivot at `column` (0-based).
    case notPositiveDefinite(column: Int, routine: String)
    /// An LU factorization met a zero pivot at `pivot` (0-based), or the matrix is singular
    /// to working precision (`pivot` is -1 when the routine does not say where).
    case singular(pivot: Int, routine: String)
    /// A LAPACK routine returned a nonzero `info` that no other case describes.
    case lapack(routine: String, info: Int)
    /// A SuiteSparse routine reported `status` (negative: an error).
    case suiteSparse(routine: String, status: Int, message: String)
    /// An input holds NaN or infinity; `index` is the first offending position in `what`.
    case notFinite(what: String, index: Int)
    /// A matrix that must be square is not.
    case notSquare(rows: Int, columns: Int)
    /// An iterative solver stopped at its iteration limit above its tolerance.
    case notConverged(solver: String, iterations: Int, relativeResidual: Double)
    /// An iterative solver met a direction of non-positive curvature: the operator is not SPD.
    case breakdown(solver: String, iteration: Int, detail: String)
    /// An operator was asked for something it cannot do (the adjoint of a matrix-free kernel).
    case unsupported(operation: String, of: String)
    /// Two operands have incompatible shapes.
    case dimensionMismatch(what: String, expected: String, found: String)
    /// An index lies outside its range 0..<count.
    case indexOutOfRange(what: String, index: Int, count: Int)
    /// A matrix that must be symmetric is not: names the entry that differs from its transpose.
    case notSymmetric(row: Int, column: Int, routine: String)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(column, routine):
            return "matrix is not positive definite: the pivot of column \(column) is not positive (\(routine))"
        case let .singular(pivot, routine):
            return pivot >= 0
                ? "matrix is singular: pivot \(pivot) is zero (\(routine))"
                : "matrix is singular to working precision (\(routine))"
        case let .lapack(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .suiteSparse(routine, status, message):
            return "\(routine) failed with status \(status): \(message)"
        case let .notFinite(what, index):
            return "\(what) holds a NaN or infinite value at index \(index)"
        case let .notSquare(rows, columns):
            return "matrix must be square, got \(rows)×\(columns)"
        case let .notConverged(solver, iterations, residual):
            return "\(solver) did not converge in \(iterations) iterations (relative residual \(residual))"
        case let .breakdown(solver, iteration, detail):
            return "\(solver) broke down at iteration \(iteration): \(detail)"
        case let .unsupported(operation, type):
            return "\(type) does not provide the \(operation)"
        case let .dimensionMismatch(what, expected, found):
            return "\(what): expected \(expected), found \(found)"
        case let .indexOutOfRange(what, index, count):
            return "\(what): index \(index) outside 0..<\(count)"
        case let .notSymmetric(row, column, routine):
            return "matrix is not symmetric: entry (\(row), \(column)) differs from entry (\(column), \(row)) (\(routine))"
        }
    }
}

/// Throws `LinearAlgebraError.notFinite` naming the first NaN or infinity in `values`.
@usableFromInline
func checkFinite(_ values: UnsafeBufferPointer<Double>, _ what: @autoclosure () -> String) throws {
    for i in values.indices where !values[i].isFinite {
        throw LinearAlgebraError.notFinite(what: what(), index: i)
    }
}

@usableFromInline
func checkFinite(_ values: [Double], _ what: @autoclosure () -> String) throws {
    try values.withUnsafeBufferPointer { try checkFinite($0, what()) }
}
