/// A linear map from 𝕂^columns to 𝕂^rows, 𝕂 its `Element` (`Double` unless said otherwise, or
/// `Complex<Double>`): the seam every solver, reduced model and distributed operator meets at
/// (pyMOR's `Operator`, MFEM's `Operator`). Sparse and dense matrices apply
/// themselves; a factorization applies its inverse (so it serves as a preconditioner);
/// `JacobiPreconditioner` applies D⁻¹; `FastSummation` applies a kernel matrix without forming it.
///
/// Beyond y = A x the seam offers what the reduction algorithms need from any operator:
/// - `applyAdjoint` (y = Aᴴ x, the transpose for real operators): dual problems, adjoint-based error estimates, transposed
///   projections. Operators that cannot form it throw `LinearAlgebraError.unsupported`.
/// - `apply(block:into:)` (Y = A X on a matrix of columns): one call per block of snapshots or
///   basis vectors; a dense matrix runs one `dgemm`.
/// - `restricted(rows:)`: the selected rows of A x computed from the entries of x they read
///   (pyMOR's `restricted(dofs)`): what EIM and DEIM need to evaluate a nonlinear or non-affine
///   operator at their interpolation points only, whatever solver owns it.
///
/// `apply(_:into:)` writes into caller-provided storage and must not allocate, so it can sit in
/// an iteration loop. The architecture and the other seams: docs/architecture.md.
public protocol LinearOperator<Element> {
    /// The scalar of the vectors it maps.
    associatedtype Element: Scalar = Double
    /// Length of the output.
    var rows: Int { get }
    /// Length of the input.
    var columns: Int { get }
    /// Writes y = A x into `y` (`x.count == columns`, `y.count == rows`; x and y do not overlap).
    func apply(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>)
    /// Writes y = Aᴴ x into `y` (`x.count == rows`, `y.count == columns`). The default throws
    /// `LinearAlgebraError.unsupported`: an operator that knows its adjoint implements it.
    func applyAdjoint(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) throws
    /// Y = A X for every column of `x` (`x.rows == columns`), into `y` (`rows`×`x.columns`). The
    /// default applies the columns one by one.
    func apply(block x: DenseMatrix<Element>, into y: inout DenseMatrix<Element>)
    /// The rows `rows` of A (in the given order) as an operator on the entries of x they read.
    /// The default reads every entry of x and applies the whole operator.
    func restricted(rows: [Int]) throws -> RestrictedOperator<Element>
}

/// The rows of an operator that an empirical interpolation samples: (A x)[rows] =
/// `operator.apply(x[sourceIndices])`. For a sparse matrix the source indices are the columns
/// the selected rows touch, so the evaluation costs O(entries of those rows), not O(n).
public struct RestrictedOperator<Element: Scalar> {
    /// The selected rows of the original operator, in order.
    public let rows: [Int]
    /// The entries of x the selected rows read, increasing.
    public let sourceIndices: [Int]
    /// The restricted map, `rows.count`×`sourceIndices.count`.
    public let `operator`: any LinearOperator<Element>

    /// A restriction from its parts; the operator's shape must match the index lists.
    public init(rows: [Int], sourceIndices: [Int], operator restricted: any LinearOperator<Element>) throws {
        guard restricted.rows == rows.count, restricted.columns == sourceIndices.count else {
            throw LinearAlgebraError.dimensionMismatch(what: "restricted operator", expected: "\(rows.count)×\(sourceIndices.count)",
                                                       found: "\(restricted.rows)×\(restricted.columns)")
        }
        self.rows = rows
        self.sourceIndices = sourceIndices
        self.operator = restricted
    }

    /// (A x)[rows] from the full vector x: gathers x[sourceIndices], then applies the restriction.
    public func apply(fullVector x: [Element]) -> [Element] {
        `operator`.apply(sourceIndices.map { x[$0] })
    }
}

/// The rows of an operator computed by applying the whole operator: the fallback restriction.
struct RowSelection<Base: LinearOperator>: LinearOperator {
    typealias Element = Base.Element
    let base: Base
    let selected: [Int]
    var rows: Int { selected.count }
    var columns: Int { base.columns }

    func apply(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) {
        var full = [Element](repeating: .zero, count: base.rows)
        full.withUnsafeMutableBufferPointer { base.apply(x, into: $0) }
        for (k, i) in selected.enumerated() { y[k] = full[i] }
    }

    func applyAdjoint(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) throws {
        var full = [Element](repeating: .zero, count: base.rows)
        for (k, i) in selected.enumerated() { full[i] += x[k] }
        try full.withUnsafeBufferPointer { try base.applyAdjoint($0, into: y) }
    }
}

extension LinearOperator {
    /// Throws `LinearAlgebraError.unsupported`: this operator does not know its adjoint.
    public func applyAdjoint(_ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>) throws {
        throw LinearAlgebraError.unsupported(operation: "adjoint product", of: "\(Self.self)")
    }

    /// Y = A X column by column.
    public func apply(block x: DenseMatrix<Element>, into y: inout DenseMatrix<Element>) {
        precondition(x.rows == columns && y.rows == rows && y.columns == x.columns,
                     "LinearOperator.apply(block:): \(rows)×\(columns) operator, X is \(x.rows)×\(x.columns), Y is \(y.rows)×\(y.columns)")
        let (n, m) = (columns, rows)
        x.storage.withUnsafeBufferPointer { xs in
            y.storage.withUnsafeMutableBufferPointer { ys in
                for j in 0..<x.columns {
                    apply(UnsafeBufferPointer(rebasing: xs[(j * n)..<((j + 1) * n)]),
                          into: UnsafeMutableBufferPointer(rebasing: ys[(j * m)..<((j + 1) * m)]))
                }
            }
        }
    }

    /// The selected rows, computed through the whole operator (every entry of x is read).
    public func restricted(rows selected: [Int]) throws -> RestrictedOperator<Element> {
        try Self.checkRows(selected, of: rows)
        return try RestrictedOperator(rows: selected, sourceIndices: Array(0..<columns),
                                      operator: RowSelection(base: self, selected: selected))
    }

    /// Throws `LinearAlgebraError.indexOutOfRange` for a row outside 0..<count.
    static func checkRows(_ selected: [Int], of count: Int) throws {
        if let bad = selected.firstIndex(where: { $0 < 0 || $0 >= count }) {
            throw LinearAlgebraError.indexOutOfRange(what: "restricted row \(bad)", index: selected[bad], count: count)
        }
    }

    /// y = A x into an array the caller keeps.
    @inlinable
    public func apply(_ x: [Element], into y: inout [Element]) {
        precondition(x.count == columns && y.count == rows,
                     "LinearOperator.apply: \(rows)×\(columns) operator, x has \(x.count) entries, y \(y.count)")
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { apply(xp, into: $0) } }
    }

    /// y = A x as a new array.
    @inlinable
    public func apply(_ x: [Element]) -> [Element] {
        var y = [Element](repeating: .zero, count: rows)
        apply(x, into: &y)
        return y
    }

    /// Y = A X as a new matrix.
    public func apply(block x: DenseMatrix<Element>) -> DenseMatrix<Element> {
        var y = DenseMatrix<Element>(rows: rows, columns: x.columns)
        apply(block: x, into: &y)
        return y
    }

    /// y = Aᴴ x as a new array; throws `LinearAlgebraError.dimensionMismatch` for a wrong length.
    public func applyAdjoint(_ x: [Element]) throws -> [Element] {
        guard x.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(what: "adjoint product input", expected: "\(rows)", found: "\(x.count)")
        }
        var y = [Element](repeating: .zero, count: columns)
        try x.withUnsafeBufferPointer { xp in try y.withUnsafeMutableBufferPointer { try applyAdjoint(xp, into: $0) } }
        return y
    }
}
