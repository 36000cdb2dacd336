/// The Jacobi (diagonal) preconditioner: applies D⁻¹, D the diagonal of A.
public struct JacobiPreconditioner: LinearOperator, Sendable {
    /// 1 / A_ii.
    public let inverseDiagonal: [Double]
    /// Matrix order.
    public var rows: Int { inverseDiagonal.count }
    /// Matrix order.
    public var columns: Int { inverseDiagonal.count }

    /// The preconditioner of the square matrix `a`; throws `notPositiveDefinite(column:)` at the
    /// first diagonal entry that is not positive (an SPD matrix has none).
    public init(_ a: SparseMatrix) throws {
        guard a.rows == a.columns else { throw LinearAlgebraError.notSquare(rows: a.rows, columns: a.columns) }
        let d = a.diagonal
        if let bad = d.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw LinearAlgebraError.notPositiveDefinite(column: bad, routine: "JacobiPreconditioner (diagonal entry \(d[bad]))")
        }
        inverseDiagonal = d.map { 1 / $0 }
    }

    /// y = D⁻¹ x.
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == rows && y.count == rows, "JacobiPreconditioner.apply: vectors of length \(x.count), \(y.count) for order \(rows)")
        inverseDiagonal.withUnsafeBufferPointer { d in
            for i in 0..<d.count { y[i] = d[i] * x[i] }
        }
    }

    /// y = D⁻¹ x (D is diagonal: its own adjoint).
    public func applyAdjoint(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        apply(x, into: y)
    }
}
