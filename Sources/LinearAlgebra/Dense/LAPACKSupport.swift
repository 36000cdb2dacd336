import CLAPACKE

/// A LAPACKE character argument ("V", "S", "L", …).
@usableFromInline
func lapackChar(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }

/// Throws `LinearAlgebraError.lapack` for a negative `info` (an illegal argument: a bug on our
/// side, still reported rather than ignored). Positive values are routine-specific and handled by
/// the caller before this check.
@usableFromInline
func checkLAPACK(_ info: romkit_lapack_int, _ routine: String) throws {
    if info != 0 { throw LinearAlgebraError.lapack(routine: routine, info: Int(info)) }
}

extension Matrix {
    /// Throws `LinearAlgebraError.notFinite` when an entry is NaN or infinite (LAPACK would return garbage).
    func checkFinite(_ what: String) throws {
        if let index = firstNonFiniteIndex {
            throw LinearAlgebraError.notFinite(what: "\(what) (entry (\(index % Swift.max(rows, 1)), \(index / Swift.max(rows, 1))))", index: index)
        }
    }

    /// Throws `LinearAlgebraError.notSquare` unless the matrix is square.
    func checkSquare() throws {
        if rows != columns { throw LinearAlgebraError.notSquare(rows: rows, columns: columns) }
    }

    /// The leading dimension LAPACK expects (at least 1).
    var leadingDimension: romkit_lapack_int { romkit_lapack_int(Swift.max(rows, 1)) }
}
