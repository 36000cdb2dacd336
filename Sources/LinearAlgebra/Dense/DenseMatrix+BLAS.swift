/// Products and sums of dense matrices of any scalar, by the scalar's BLAS (`d…` for `Matrix`,
/// `z…` for `ComplexMatrix`). Inlinable: each use specializes to one direct BLAS call.
extension DenseMatrix {
    /// y ← α op(A) x + β y by BLAS `gemv` (op: as it is, transposed, or conjugate transposed),
    /// into caller storage.
    @inlinable
    public func gemv(_ transpose: Transpose, _ x: UnsafeBufferPointer<Element>, into y: UnsafeMutableBufferPointer<Element>,
                     alpha: Element = 1, beta: Element = 0) {
        let (outLength, inLength) = transpose == .none ? (rows, columns) : (columns, rows)
        precondition(x.count == inLength && y.count == outLength,
                     "Matrix.gemv: \(rows)×\(columns) matrix (\(transpose)), x has \(x.count) entries, y \(y.count)")
        if outLength == 0 { return }
        if inLength == 0 {
            for i in y.indices { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        storage.withUnsafeBufferPointer { a in
            Element.gemv(transpose, m: rows, n: columns, alpha: alpha, a: a.baseAddress!, lda: Swift.max(rows, 1),
                         x: x.baseAddress!, beta: beta, y: y.baseAddress!)
        }
    }

    /// C ← α op(A) op(B) + β C by BLAS `gemm`, with C provided by the caller.
    @inlinable
    public static func gemm(_ ta: Transpose, _ a: DenseMatrix, _ tb: Transpose, _ b: DenseMatrix, into c: inout DenseMatrix,
                            alpha: Element = 1, beta: Element = 0) {
        let (m, k) = ta == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = tb == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(k == kb && c.rows == m && c.columns == n,
                     "Matrix.gemm: op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.columns)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.storage.indices { c.storage[i] = beta == 0 ? 0 : beta * c.storage[i] }
            return
        }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    Element.gemm(ta, tb, m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress!, lda: Swift.max(a.rows, 1),
                                 b: bp.baseAddress!, ldb: Swift.max(b.rows, 1), beta: beta, c: cp.baseAddress!, ldc: Swift.max(m, 1))
                }
            }
        }
    }

    /// op(A) op(B) as a new matrix.
    @inlinable
    public static func product(_ ta: Transpose, _ a: DenseMatrix, _ tb: Transpose, _ b: DenseMatrix) -> DenseMatrix {
        var c = DenseMatrix(rows: ta == .none ? a.rows : a.columns, columns: tb == .none ? b.columns : b.rows)
        gemm(ta, a, tb, b, into: &c)
        return c
    }

    /// A B.
    @inlinable
    public static func * (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix { product(.none, a, .none, b) }

    /// op(A) x as a new array.
    @inlinable
    public func applied(_ transpose: Transpose = .none, to x: [Element]) -> [Element] {
        var y = [Element](repeating: .zero, count: transpose == .none ? rows : columns)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { gemv(transpose, xp, into: $0) } }
        return y
    }

    /// A + B (BLAS `axpy`).
    @inlinable
    public static func + (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix { a.adding(b, scaledBy: 1) }

    /// A − B (BLAS `axpy`).
    @inlinable
    public static func - (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix { a.adding(b, scaledBy: -1) }

    /// A + s B.
    @inlinable
    func adding(_ b: DenseMatrix, scaledBy s: Element) -> DenseMatrix {
        precondition(rows == b.rows && columns == b.columns, "Matrix ±: \(rows)×\(columns) and \(b.rows)×\(b.columns)")
        var c = self
        let n = storage.count
        if n == 0 { return c }
        b.storage.withUnsafeBufferPointer { bp in
            c.storage.withUnsafeMutableBufferPointer { Element.axpy(n: n, s, bp.baseAddress!, $0.baseAddress!) }
        }
        return c
    }
}

extension DenseMatrix {
    /// x with A x = b for this square matrix, by LAPACK `gesv` (`dgesv` or `zgesv`: LU with
    /// partial pivoting). Throws `notSquare`, `notFinite`, `singular(pivot:)`.
    public func solve(_ b: [Element]) throws -> [Element] {
        guard rows == columns else { throw LinearAlgebraError.notSquare(rows: rows, columns: columns) }
        guard b.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(what: "right-hand side", expected: "\(rows) entries", found: "\(b.count)")
        }
        if let bad = firstNonFiniteIndex { throw LinearAlgebraError.notFinite(what: "matrix to solve with", index: bad) }
        if let bad = b.firstIndex(where: { !$0.isFinite }) { throw LinearAlgebraError.notFinite(what: "right-hand side", index: bad) }
        guard rows > 0 else { return [] }
        var factors = storage, x = b
        var pivots = [Int32](repeating: 0, count: rows)
        let info = factors.withUnsafeMutableBufferPointer { a in
            x.withUnsafeMutableBufferPointer { xb in
                pivots.withUnsafeMutableBufferPointer { Element.gesv(n: rows, nrhs: 1, a: a.baseAddress!, b: xb.baseAddress!, pivots: $0.baseAddress!) }
            }
        }
        if info > 0 { throw LinearAlgebraError.singular(pivot: info - 1, routine: Element.isComplex ? "LAPACK zgesv" : "LAPACK dgesv") }
        if info < 0 { throw LinearAlgebraError.lapack(routine: Element.isComplex ? "zgesv" : "dgesv", info: info) }
        return x
    }
}

extension CSRMatrix {
    /// A X for a dense block X of the same scalar (one pass over the rows per column).
    @inlinable
    public func multiplied(by x: DenseMatrix<Element>) -> DenseMatrix<Element> {
        precondition(x.rows == columns, "CSRMatrix.multiplied(by:): \(rows)×\(columns) matrix, block of \(x.rows) rows")
        var y = DenseMatrix<Element>(rows: rows, columns: x.columns)
        for j in 0..<x.columns {
            let offset = j * columns, out = j * rows
            for i in 0..<rows {
                var sum = Element.zero
                for k in rowPointers[i]..<rowPointers[i + 1] { sum += values[k] * x.storage[offset + columnIndices[k]] }
                y.storage[out + i] = sum
            }
        }
        return y
    }
}

extension SparseMatrix {
    /// A x for a vector of any scalar (a real inner-product matrix applied to complex vectors).
    @inlinable
    public func apply<Vector: Scalar>(scalars x: [Vector]) -> [Vector] {
        precondition(x.count == columns, "SparseMatrix.apply(scalars:): x has \(x.count) entries, expected \(columns)")
        var y = [Vector](repeating: .zero, count: rows)
        for i in 0..<rows {
            var sum = Vector.zero
            for k in rowPointers[i]..<rowPointers[i + 1] { sum += Vector(real: values[k]) * x[columnIndices[k]] }
            y[i] = sum
        }
        return y
    }
}
