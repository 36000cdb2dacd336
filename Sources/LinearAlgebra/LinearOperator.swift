/// A linear map from ℝ^columns to ℝ^rows: the seam every solver, reduced model and distributed
/// operator meets at. Sparse and dense matrices apply themselves; a factorization applies its
/// inverse (so it serves as a preconditioner); `JacobiPreconditioner` applies D⁻¹.
///
/// `apply(_:into:)` writes into caller-provided storage and must not allocate, so it can sit in
/// an iteration loop.
public protocol LinearOperator {
    /// Length of the output.
    var rows: Int { get }
    /// Length of the input.
    var columns: Int { get }
    /// Writes y = A x into `y` (`x.count == columns`, `y.count == rows`; x and y do not overlap).
    func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>)
}

extension LinearOperator {
    /// y = A x into an array the caller keeps.
    @inlinable
    public func apply(_ x: [Double], into y: inout [Double]) {
        precondition(x.count == columns && y.count == rows,
                     "LinearOperator.apply: \(rows)×\(columns) operator, x has \(x.count) entries, y \(y.count)")
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { apply(xp, into: $0) } }
    }

    /// y = A x as a new array.
    @inlinable
    public func apply(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: rows)
        apply(x, into: &y)
        return y
    }
}
