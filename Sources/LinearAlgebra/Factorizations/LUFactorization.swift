import ComplexModule
import CSuiteSparse
import RealModule

/// A sparse LU factorization P R A Q = L U by UMFPACK (multifrontal, with fill-reducing column
/// ordering), for general square matrices, real or complex.
///
/// The CSR arrays of A are the CSC arrays of Aᵀ, the form UMFPACK takes; solving the transposed
/// system of that matrix (`UMFPACK_At` for real, the non-conjugate `UMFPACK_Aat` for complex) is
/// solving A x = b, so no copy or transposition is made. As a `LinearOperator` (real only) it
/// applies A⁻¹.
public final class LUFactorization: LinearOperator {
    /// Matrix order.
    public let rows: Int
    /// Matrix order.
    public var columns: Int { rows }
    /// Whether the factored matrix is complex.
    public let isComplex: Bool

    private let rowPointers: [Int]
    private let columnIndices: [Int]
    /// Real values, or interleaved (re, im) pairs for a complex matrix.
    private let values: [Double]
    private var numeric: UnsafeMutableRawPointer?
    private var info = [Double](repeating: 0, count: Int(UMFPACK_INFO))

    /// Factors the square real matrix `a`.
    /// - Throws: `notSquare`, `notFinite`, `singular(pivot:)` for a zero (or negligible) pivot,
    ///   `suiteSparse` for other UMFPACK failures.
    public convenience init(_ a: SparseMatrix) throws {
        try self.init(rows: a.rows, columns: a.columns, rowPointers: a.rowPointers, columnIndices: a.columnIndices,
                      values: a.values, isComplex: false)
    }

    /// Factors the square complex matrix `a`.
    public convenience init(_ a: ComplexSparseMatrix) throws {
        var interleaved = [Double](repeating: 0, count: 2 * a.nonzeroCount)
        for (k, z) in a.values.enumerated() {
            interleaved[2 * k] = z.real
            interleaved[2 * k + 1] = z.imaginary
        }
        try self.init(rows: a.rows, columns: a.columns, rowPointers: a.rowPointers, columnIndices: a.columnIndices,
                      values: interleaved, isComplex: true)
    }

    private init(rows: Int, columns: Int, rowPointers: [Int], columnIndices: [Int], values: [Double], isComplex: Bool) throws {
        guard rows == columns else { throw LinearAlgebraError.notSquare(rows: rows, columns: columns) }
        try checkFinite(values, isComplex ? "complex matrix values (interleaved re, im)" : "matrix values")
        self.rows = rows
        self.isComplex = isComplex
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
        try factor()
    }

    deinit {
        if isComplex { umfpack_zl_free_numeric(&numeric) } else { umfpack_dl_free_numeric(&numeric) }
    }

    /// UMFPACK's estimate of the reciprocal condition number (min |U_kk| / max |U_kk|).
    public var reciprocalConditionEstimate: Double { info[Int(UMFPACK_RCOND)] }

    /// Solves A x = b for a real matrix.
    public func solve(_ b: [Double]) throws -> [Double] {
        precondition(!isComplex, "LUFactorization.solve: real right-hand side for a complex matrix")
        precondition(b.count == rows, "LUFactorization.solve: right-hand side has \(b.count) entries, matrix order \(rows)")
        try checkFinite(b, "right-hand side")
        var x = [Double](repeating: 0, count: rows)
        let status = x.withUnsafeMutableBufferPointer { xp in b.withUnsafeBufferPointer { solveReal($0, xp) } }
        try check(status, "umfpack_dl_solve")
        return x
    }

    /// Solves A X = B for every column of `b` (real matrix).
    public func solve(_ b: Matrix) throws -> Matrix {
        var x = Matrix(rows: rows, columns: b.columns)
        for j in 0..<b.columns { x.setColumn(j, to: try solve(b.column(j))) }
        return x
    }

    /// Solves A x = b for a complex matrix.
    public func solve(_ b: [Complex<Double>]) throws -> [Complex<Double>] {
        precondition(isComplex, "LUFactorization.solve: complex right-hand side for a real matrix")
        precondition(b.count == rows, "LUFactorization.solve: right-hand side has \(b.count) entries, matrix order \(rows)")
        var bx = [Double](repeating: 0, count: 2 * rows)
        for (k, z) in b.enumerated() { bx[2 * k] = z.real; bx[2 * k + 1] = z.imaginary }
        try checkFinite(bx, "right-hand side (interleaved re, im)")
        var xx = [Double](repeating: 0, count: 2 * rows)
        let status = umfpack_zl_solve(Int(UMFPACK_Aat), rowPointers, columnIndices, values, nil, &xx, nil, bx, nil,
                                      numeric, nil, &info)
        try check(status, "umfpack_zl_solve")
        return (0..<rows).map { Complex(xx[2 * $0], xx[2 * $0 + 1]) }
    }

    /// y = A⁻¹ x (real matrix).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(!isComplex && x.count == rows && y.count == rows, "LUFactorization.apply: real vectors of the matrix order")
        let status = solveReal(x, y)
        precondition(status >= 0, "LUFactorization.apply: umfpack_dl_solve failed with status \(status)")
    }

    /// y = A⁻ᵀ x (real matrix): UMFPACK solves with the transposed factors, no second factorization.
    public func applyAdjoint(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) throws {
        guard !isComplex else { throw LinearAlgebraError.unsupported(operation: "real adjoint product", of: "complex LUFactorization") }
        guard x.count == rows, y.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(what: "LUFactorization.applyAdjoint vectors", expected: "\(rows)", found: "\(x.count), \(y.count)")
        }
        // The factors are of the stored CSC arrays, which hold Aᵀ: UMFPACK_A solves Aᵀ y = x.
        try check(umfpack_dl_solve(Int(UMFPACK_A), rowPointers, columnIndices, values, y.baseAddress, x.baseAddress, numeric, nil, &info),
                  "umfpack_dl_solve")
    }

    // MARK: - Internals

    private func solveReal(_ b: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>) -> Int {
        umfpack_dl_solve(Int(UMFPACK_At), rowPointers, columnIndices, values, x.baseAddress, b.baseAddress, numeric, nil, &info)
    }

    private func factor() throws {
        var symbolic: UnsafeMutableRawPointer?
        let n = rows
        if isComplex {
            try check(umfpack_zl_symbolic(n, n, rowPointers, columnIndices, values, nil, &symbolic, nil, &info), "umfpack_zl_symbolic")
            let status = umfpack_zl_numeric(rowPointers, columnIndices, values, nil, symbolic, &numeric, nil, &info)
            umfpack_zl_free_symbolic(&symbolic)
            try check(status, "umfpack_zl_numeric")
        } else {
            try check(umfpack_dl_symbolic(n, n, rowPointers, columnIndices, values, &symbolic, nil, &info), "umfpack_dl_symbolic")
            let status = umfpack_dl_numeric(rowPointers, columnIndices, values, symbolic, &numeric, nil, &info)
            umfpack_dl_free_symbolic(&symbolic)
            try check(status, "umfpack_dl_numeric")
        }
        // UMFPACK flags only exactly zero pivots. A pivot at round-off level relative to the largest
        // one (min |U_kk| / max |U_kk| below 16 ε) means a singular matrix as well: the solution
        // would be noise.
        if n > 0 && !(reciprocalConditionEstimate >= 16 * Double.ulpOfOne) {
            throw LinearAlgebraError.singular(pivot: smallestPivot(), routine: isComplex ? "UMFPACK zl" : "UMFPACK dl")
        }
    }

    /// The elimination step whose pivot |U_kk| is smallest (the first exactly zero one if any).
    private func smallestPivot() -> Int {
        var diagonal = [Double](repeating: 0, count: (isComplex ? 2 : 1) * rows)
        var doRecip = 0
        let status = isComplex
            ? umfpack_zl_get_numeric(nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, &diagonal, nil, &doRecip, nil, numeric)
            : umfpack_dl_get_numeric(nil, nil, nil, nil, nil, nil, nil, nil, &diagonal, &doRecip, nil, numeric)
        guard status == Int(UMFPACK_OK) else { return -1 }
        let magnitudes = isComplex
            ? (0..<rows).map { Complex(diagonal[2 * $0], diagonal[2 * $0 + 1]).length }
            : diagonal.map(abs)
        return magnitudes.indices.min { magnitudes[$0] < magnitudes[$1] } ?? -1
    }

    private func check(_ status: Int, _ routine: String) throws {
        switch status {
        case Int(UMFPACK_OK): return
        case Int(UMFPACK_WARNING_singular_matrix):
            throw LinearAlgebraError.singular(pivot: numeric == nil ? -1 : smallestPivot(), routine: routine)
        case Int(UMFPACK_ERROR_out_of_memory):
            throw LinearAlgebraError.suiteSparse(routine: routine, status: status, message: "out of memory")
        case Int(UMFPACK_ERROR_invalid_matrix):
            throw LinearAlgebraError.suiteSparse(routine: routine, status: status, message: "invalid matrix (pattern not sorted or out of range)")
        default:
            if status > 0 { return }  // other warnings (divide by zero in the scale factors) are not failures
            throw LinearAlgebraError.suiteSparse(routine: routine, status: status, message: "UMFPACK error")
        }
    }
}
