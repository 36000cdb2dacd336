import CLAPACKE

/// The Householder QR factorization Y = Q R of a tall matrix that grows by blocks of columns,
/// keeping R and the reflectors (not Y): appending a block costs one application of Qᵀ to it and a
/// QR of its trailing rows, never a refactorization.
///
/// Each block's reflectors are kept in LAPACK's compact WY form (V and the triangular T of
/// `dlarft`), so Qᵀ is applied block by block with `dlarfb` (BLAS-3). Householder QR is backward
/// stable whatever the conditioning of Y: ‖R c‖₂ equals ‖Y c‖₂ to round-off relative to
/// ‖R‖‖c‖, without squaring, also when columns are nearly dependent (R is not truncated; a
/// dependent column gets a tiny diagonal entry). This is what makes the residual norm of the
/// reduced basis estimator accurate near machine precision (`ResidualRieszRepresentation`).
public struct GrowingHouseholderQR: Sendable {
    /// Row count of Y.
    public let rows: Int
    /// Reflectors, column j's below the diagonal (LAPACK `dgeqrf` layout); rows × reflectorCount.
    private var reflectors: [Double] = []
    /// One entry per block: its first reflector, its size and its T (size × size, column-major).
    private var blocks: [(first: Int, size: Int, t: [Double])] = []
    /// R by columns: column j holds min(j + 1, rows) entries.
    private var rColumns: [[Double]] = []

    /// An empty factorization for columns of length `rows`.
    public init(rows: Int) {
        precondition(rows > 0, "GrowingHouseholderQR: rows must be positive, got \(rows)")
        self.rows = rows
    }

    /// Number of columns of Y factored so far.
    public var columnCount: Int { rColumns.count }

    /// Number of reflectors, min(rows, columnCount): the row count of R.
    public var reflectorCount: Int { blocks.last.map { $0.first + $0.size } ?? 0 }

    /// R (reflectorCount × columnCount, upper trapezoidal): Y = Q R.
    public var r: Matrix {
        var result = Matrix(rows: reflectorCount, columns: columnCount)
        for (j, column) in rColumns.enumerated() { for (i, value) in column.enumerated() { result[i, j] = value } }
        return result
    }

    /// Appends the columns of `block` (rows × b) to Y and returns their columns of R.
    /// - Throws: `LinearAlgebraError.notFinite` for NaN or infinite entries, a LAPACK error otherwise.
    @discardableResult
    public mutating func append(_ block: Matrix) throws -> [[Double]] {
        precondition(block.rows == rows, "GrowingHouseholderQR.append: columns of length \(block.rows), factorization of \(rows) rows")
        try block.checkFinite("GrowingHouseholderQR block")
        let b = block.columns
        guard b > 0 else { return [] }
        var c = block.storage
        let ld = romkit_lapack_int(rows)
        // Qᵀ C, one stored block of reflectors after the other (the `_work` interface: LAPACKE's
        // NaN scan of every block would read the reflectors twice).
        var work = [Double](repeating: 0, count: b * (blocks.map(\.size).max() ?? 0))
        for (first, size, t) in blocks {
            try reflectors.withUnsafeBufferPointer { v in
                try c.withUnsafeMutableBufferPointer { cp in
                    try checkLAPACK(LAPACKE_dlarfb_work(LAPACK_COL_MAJOR, lapackChar("L"), lapackChar("T"), lapackChar("F"), lapackChar("C"),
                                                        romkit_lapack_int(rows - first), romkit_lapack_int(b), romkit_lapack_int(size),
                                                        v.baseAddress! + first * rows + first, ld, t, romkit_lapack_int(size),
                                                        cp.baseAddress! + first, ld, &work, romkit_lapack_int(b)), "dlarfb")
                }
            }
        }
        // QR of the rows below the existing reflectors.
        let start = reflectorCount
        let size = Swift.min(rows - start, b)
        if size > 0 {
            var tau = [Double](repeating: 0, count: size)
            var t = [Double](repeating: 0, count: size * size)
            try c.withUnsafeMutableBufferPointer { cp in
                let trailing = cp.baseAddress! + start
                try checkLAPACK(LAPACKE_dgeqrf(LAPACK_COL_MAJOR, romkit_lapack_int(rows - start), romkit_lapack_int(b), trailing, ld, &tau), "dgeqrf")
                try checkLAPACK(LAPACKE_dlarft(LAPACK_COL_MAJOR, lapackChar("F"), lapackChar("C"), romkit_lapack_int(rows - start),
                                               romkit_lapack_int(size), trailing, ld, tau, &t, romkit_lapack_int(size)), "dlarft")
            }
            reflectors.append(contentsOf: c.prefix(size * rows))
            blocks.append((start, size, t))
        }
        var added: [[Double]] = []
        for j in 0..<b {
            let height = Swift.min(start + j + 1, rows)
            added.append(Array(c[(j * rows)..<(j * rows + height)]))
        }
        rColumns.append(contentsOf: added)
        return added
    }
}
