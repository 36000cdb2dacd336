import CBLAS
import CSuiteSparse
import Foundation

/// A sparse Cholesky factorization P A Pᵀ = L Lᵀ (or L D Lᵀ) by CHOLMOD, for symmetric positive
/// definite matrices.
///
/// The symbolic analysis (fill-reducing ordering, elimination tree, supernodes) is done once in
/// `init` and kept: `refactor(values:)` computes a new numeric factor for new values on the same
/// pattern, which is what a parametric problem does for every parameter. Several right-hand sides
/// are solved at once by `solve(_: Matrix)`. As a `LinearOperator` it applies A⁻¹.
///
/// The matrix is passed in full (both triangles, as FEM assembles it); it is checked for symmetry
/// and finite values, since CHOLMOD would silently read one triangle only.
///
/// Not thread-safe: one factorization serves one thread at a time (it keeps solve workspace).
public final class CholeskyFactorization: LinearOperator {
    /// Choices CHOLMOD otherwise makes itself.
    public struct Options: Sendable, Equatable {
        /// The fill-reducing ordering.
        public enum Ordering: Sendable, Equatable {
            /// CHOLMOD's default: AMD, and METIS when AMD's fill is poor.
            case automatic
            /// Approximate minimum degree: the fastest analysis.
            case amd
            /// METIS nested dissection: a slower analysis, less fill on 2D/3D meshes (the
            /// choice when one analysis serves many factorizations).
            case metis
            /// CAMD with the given unknowns ordered after all others, and no postordering
            /// (simplicial factor): the trailing block of L is then the factor of the Schur
            /// complement onto them (`whitenedTrailing`).
            case constrainedLast([Int])
        }

        /// Simplicial (column by column, LDLᵀ) or supernodal (dense blocks through BLAS, LLᵀ).
        public enum Kind: Sendable, Equatable {
            /// CHOLMOD decides from the flop count per entry of L.
            case automatic, simplicial, supernodal
        }

        /// The ordering.
        public var ordering: Ordering
        /// The factor kind.
        public var kind: Kind

        /// Options (CHOLMOD's defaults unless given).
        public init(ordering: Ordering = .automatic, kind: Kind = .automatic) {
            self.ordering = ordering
            self.kind = kind
        }

        func apply(to common: UnsafeMutablePointer<cholmod_common>) {
            switch ordering {
            case .automatic: break
            case .amd: common.pointee.nmethods = 1; common.pointee.method.0.ordering = Int32(CHOLMOD_AMD)
            case .metis: common.pointee.nmethods = 1; common.pointee.method.0.ordering = Int32(CHOLMOD_METIS)
            case .constrainedLast:
                common.pointee.nmethods = 1
                common.pointee.method.0.ordering = Int32(CHOLMOD_GIVEN)
                common.pointee.postorder = 0
            }
            switch kind {
            case .automatic: break
            case .simplicial: common.pointee.supernodal = Int32(CHOLMOD_SIMPLICIAL)
            case .supernodal: common.pointee.supernodal = Int32(CHOLMOD_SUPERNODAL)
            }
            if case .constrainedLast = ordering { common.pointee.supernodal = Int32(CHOLMOD_SIMPLICIAL) }
        }
    }

    /// Matrix order.
    public let rows: Int
    /// Number of unknowns ordered last (`.constrainedLast`), else 0.
    public private(set) var trailingCount = 0
    /// Matrix order.
    public var columns: Int { rows }

    private let common: UnsafeMutablePointer<cholmod_common>
    private let matrix: UnsafeMutablePointer<cholmod_sparse>
    private let factor: UnsafeMutablePointer<cholmod_factor>
    /// Position of entry (j, i) for the entry (i, j) at each position: the symmetry check of a refill.
    private let transposePosition: [Int]
    private var solution: UnsafeMutablePointer<cholmod_dense>?
    private var workspaceY: UnsafeMutablePointer<cholmod_dense>?
    private var workspaceE: UnsafeMutablePointer<cholmod_dense>?

    /// Analyzes and factors the symmetric positive definite matrix `a`.
    /// - Throws: `notSquare`, `notFinite`, `suiteSparse` (not symmetric, out of memory),
    ///   `notPositiveDefinite(column:)` with the column where the factorization failed.
    public init(_ a: SparseMatrix, options: Options = Options()) throws {
        guard a.rows == a.columns else { throw LinearAlgebraError.notSquare(rows: a.rows, columns: a.columns) }
        rows = a.rows
        transposePosition = Self.transposePositions(a)
        try Self.validate(a.values, transposePosition) { Self.position(of: $0, a.rowPointers, a.columnIndices) }
        common = UnsafeMutablePointer<cholmod_common>.allocate(capacity: 1)
        cholmod_l_start(common)
        common.pointee.print = 0
        options.apply(to: common)
        // CSR arrays of A read as CSC are those of Aᵀ = A; stype = 1 reads the upper triangle.
        guard let m = cholmod_l_allocate_sparse(a.rows, a.columns, a.nonzeroCount, 1, 1, 1, CHOLMOD_REAL, common) else {
            cholmod_l_finish(common)
            common.deallocate()
            throw LinearAlgebraError.suiteSparse(routine: "cholmod_l_allocate_sparse", status: -2, message: "out of memory")
        }
        matrix = m
        let p = m.pointee.p.assumingMemoryBound(to: Int.self)
        let i = m.pointee.i.assumingMemoryBound(to: Int.self)
        for k in 0...a.rows { p[k] = a.rowPointers[k] }
        for k in 0..<a.nonzeroCount { i[k] = a.columnIndices[k] }
        m.pointee.x.assumingMemoryBound(to: Double.self).update(from: a.values, count: a.nonzeroCount)
        let clock = Stopwatch()
        let common = self.common
        // CHOLMOD's error, after freeing what the failed initializer holds.
        func failure(_ routine: String) -> LinearAlgebraError {
            let error = Self.statusError(routine, common)
            var mm: UnsafeMutablePointer<cholmod_sparse>? = m
            cholmod_l_free_sparse(&mm, common)
            cholmod_l_finish(common)
            common.deallocate()
            return error
        }
        var given: [Int]? = nil
        if case .constrainedLast(let last) = options.ordering {
            var member = [Int](repeating: 0, count: a.rows)
            for i in last {
                precondition(i >= 0 && i < a.rows && member[i] == 0, "CholeskyFactorization: unknown \(i) to order last is outside 0..<\(a.rows) or repeated")
                member[i] = 1
            }
            var permutation = [Int](repeating: 0, count: a.rows)
            if cholmod_l_camd(m, nil, 0, &member, &permutation, common) == 0 { throw failure("cholmod_l_camd") }
            given = permutation
            trailingCount = last.count
        }
        let analyzed = given == nil ? cholmod_l_analyze(m, common) : cholmod_l_analyze_p(m, &given!, nil, 0, common)
        guard let f = analyzed else { throw failure("cholmod_l_analyze") }
        factor = f
        timings.analyze = clock.seconds
        if case .constrainedLast(let last) = options.ordering {
            let permutation = f.pointee.Perm.assumingMemoryBound(to: Int.self)
            guard Set((rows - last.count..<rows).map { permutation[$0] }) == Set(last) else {
                throw LinearAlgebraError.suiteSparse(routine: "cholmod_l_analyze_p", status: -4, message: "the constrained ordering did not put the given unknowns last")
            }
        }
        try numericFactorization()
    }

    deinit {
        var f: UnsafeMutablePointer<cholmod_factor>? = factor
        cholmod_l_free_factor(&f, common)
        var m: UnsafeMutablePointer<cholmod_sparse>? = matrix
        cholmod_l_free_sparse(&m, common)
        for var d in [solution, workspaceY, workspaceE] where d != nil { cholmod_l_free_dense(&d, common) }
        cholmod_l_finish(common)
        common.deallocate()
    }

    /// Computes the numeric factor of a matrix with the same pattern and new `values` (CSR order),
    /// reusing the symbolic analysis.
    public func refactor(values: [Double]) throws {
        precondition(values.count == transposePosition.count,
                     "CholeskyFactorization.refactor: \(values.count) values for \(transposePosition.count) stored entries")
        try copyValues(values)
        try numericFactorization()
    }

    /// Computes the numeric factor of `a`, which must have the pattern of the analyzed matrix.
    public func refactor(_ a: SparseMatrix) throws {
        precondition(a.rows == rows && a.nonzeroCount == transposePosition.count,
                     "CholeskyFactorization.refactor: the matrix does not have the analyzed pattern")
        try refactor(values: a.values)
    }

    /// Wall-clock seconds of the symbolic analysis (in `init`) and of the latest numeric factorization.
    public private(set) var timings: (analyze: Double, factor: Double) = (0, 0)

    /// Whether CHOLMOD chose a supernodal factor (large matrices) or a simplicial one.
    public var isSupernodal: Bool { factor.pointee.is_super != 0 }

    /// CHOLMOD's flop count of one numeric factorization (from the analysis).
    public var factorFlops: Double { common.pointee.fl }

    /// Number of entries in L (fill-in included).
    public var factorNonzeros: Int { Int(common.pointee.lnz) }

    /// log det A, from the diagonal of the factor (no overflow for large matrices).
    public var logDeterminant: Double {
        let f = factor.pointee
        let x = f.x.assumingMemoryBound(to: Double.self)
        var sum = 0.0
        if f.is_super != 0 {
            let superStart = f.super.assumingMemoryBound(to: Int.self)
            let pi = f.pi.assumingMemoryBound(to: Int.self)
            let px = f.px.assumingMemoryBound(to: Int.self)
            for s in 0..<Int(f.nsuper) {
                let width = superStart[s + 1] - superStart[s], height = pi[s + 1] - pi[s]
                for jj in 0..<width { sum += log(x[px[s] + jj * height + jj]) }
            }
            return 2 * sum
        }
        let p = f.p.assumingMemoryBound(to: Int.self)
        for j in 0..<rows { sum += log(x[p[j]]) }
        return f.is_ll != 0 ? 2 * sum : sum
    }

    /// Solves A X = B for all columns of `b` at once.
    public func solve(_ b: Matrix) throws -> Matrix {
        precondition(b.rows == rows, "CholeskyFactorization.solve: right-hand side has \(b.rows) rows, matrix \(rows)")
        try b.checkFinite("right-hand side")
        var x = Matrix(rows: rows, columns: b.columns)
        guard b.columns > 0 else { return x }
        var bCopy = b.storage
        try bCopy.withUnsafeMutableBufferPointer { bp in
            try x.storage.withUnsafeMutableBufferPointer { xp in
                try solveInto(bp.baseAddress!, columns: b.columns, output: xp.baseAddress!)
            }
        }
        return x
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, storage: b)).storage
    }

    /// W = L⁻¹ P B for the factor P A Pᵀ = L Lᵀ (D^(-1/2) L⁻¹ P B for L D Lᵀ), half of a solve:
    /// WᵀW = Bᵀ A⁻¹ B, so ‖W c‖₂ is the dual norm √(gᵀ A⁻¹ g) of the functional g = B c, obtained
    /// without forming the squared quantity (the accurate residual norm of the reduced basis
    /// estimator rests on this).
    public func whitened(_ b: Matrix) throws -> Matrix {
        precondition(b.rows == rows, "CholeskyFactorization.whitened: \(b.rows) rows for order \(rows)")
        try b.checkFinite("functionals to whiten")
        var result = Matrix(rows: rows, columns: b.columns)
        guard b.columns > 0 else { return result }
        let f = factor.pointee
        let permutation = f.Perm.assumingMemoryBound(to: Int.self)
        var permuted = [Double](repeating: 0, count: rows * b.columns)
        b.storage.withUnsafeBufferPointer { source in
            for j in 0..<b.columns {
                let base = j * rows
                for i in 0..<rows { permuted[base + i] = source[base + permutation[i]] }
            }
        }
        try permuted.withUnsafeMutableBufferPointer { bp in
            try result.storage.withUnsafeMutableBufferPointer { rp in
                try solveInto(bp.baseAddress!, columns: b.columns, output: rp.baseAddress!, system: CHOLMOD_L)
            }
        }
        if f.is_ll == 0 {
            // Simplicial LDLᵀ: L is unit lower triangular and D sits on its diagonal.
            let p = f.p.assumingMemoryBound(to: Int.self), x = f.x.assumingMemoryBound(to: Double.self)
            result.storage.withUnsafeMutableBufferPointer { w in
                for i in 0..<rows {
                    let scale = 1 / x[p[i]].squareRoot()
                    for j in 0..<b.columns { w[j * rows + i] *= scale }
                }
            }
        }
        return result
    }

    /// The last `trailingCount` rows of `whitened(b)` for a factorization ordered with
    /// `.constrainedLast(β)` and a b that vanishes outside β (the coupling of a subdomain to its
    /// interface): L⁻¹P b vanishes above them, so they are L_ββ⁻¹ P_β b (D_β^(-1/2) L_ββ⁻¹ P_β b for
    /// L D Lᵀ) with the dense trailing block L_ββ of the factor: one BLAS `dtrsm` of order |β| in
    /// place of b.columns sparse half-solves.
    /// - Throws: `LinearAlgebraError.dimensionMismatch`-style `suiteSparse` error when b has an entry outside β.
    public func whitenedTrailing(_ b: SparseMatrix) throws -> Matrix {
        precondition(b.rows == rows, "CholeskyFactorization.whitenedTrailing: \(b.rows) rows for order \(rows)")
        precondition(trailingCount > 0, "CholeskyFactorization.whitenedTrailing: the factorization was not ordered with .constrainedLast")
        let m = trailingCount, first = rows - m, k = b.columns
        let f = factor.pointee
        let permutation = f.Perm.assumingMemoryBound(to: Int.self)
        var position = [Int](repeating: -1, count: rows)
        for r in 0..<m { position[permutation[first + r]] = r }
        var result = Matrix(rows: m, columns: k)
        for i in 0..<rows {
            for q in b.rowPointers[i]..<b.rowPointers[i + 1] where b.values[q] != 0 {
                guard position[i] >= 0 else {
                    throw LinearAlgebraError.suiteSparse(routine: "CholeskyFactorization.whitenedTrailing", status: -4,
                                                         message: "row \(i) of the right-hand sides is not among the unknowns ordered last")
                }
                result[position[i], b.columnIndices[q]] = b.values[q]
            }
        }
        // L_ββ from the simplicial factor's trailing columns (every entry of column j ≥ first lies in a row ≥ j).
        var trailing = Matrix(rows: m, columns: m)
        let p = f.p.assumingMemoryBound(to: Int.self), rowIndex = f.i.assumingMemoryBound(to: Int.self)
        let count = f.nz.assumingMemoryBound(to: Int.self), x = f.x.assumingMemoryBound(to: Double.self)
        for j in first..<rows {
            for q in p[j]..<(p[j] + count[j]) { trailing[rowIndex[q] - first, j - first] = x[q] }
        }
        let isLL = f.is_ll != 0
        trailing.storage.withUnsafeBufferPointer { l in
            result.storage.withUnsafeMutableBufferPointer { w in
                cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, isLL ? CblasNonUnit : CblasUnit,
                            Int32(m), Int32(k), 1, l.baseAddress, Int32(m), w.baseAddress, Int32(m))
            }
        }
        if !isLL {
            for r in 0..<m {
                let scale = 1 / trailing[r, r].squareRoot()
                for c in 0..<k { result[r, c] *= scale }
            }
        }
        return result
    }

    /// y = A⁻¹ x, reusing CHOLMOD's workspace (no allocation after the first call).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == rows && y.count == rows, "CholeskyFactorization.apply: vectors of length \(x.count), \(y.count) for order \(rows)")
        do {
            try solveInto(UnsafeMutablePointer(mutating: x.baseAddress!), columns: 1, output: y.baseAddress!)
        } catch {
            preconditionFailure("CholeskyFactorization.apply: \(error)")
        }
    }

    /// y = A⁻¹ x: A is symmetric, so its inverse is its own adjoint.
    public func applyAdjoint(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        apply(x, into: y)
    }

    /// The kind of factor CHOLMOD computes.
    public var kind: Options.Kind { isSupernodal ? .supernodal : .simplicial }

    // MARK: - Internals

    /// Solves with the factor (`system`: CHOLMOD_A for A, CHOLMOD_L for L alone) into `output`.
    private func solveInto(_ b: UnsafeMutablePointer<Double>, columns k: Int, output: UnsafeMutablePointer<Double>,
                           system: Int32 = CHOLMOD_A) throws {
        var rhs = cholmod_dense(nrow: rows, ncol: k, nzmax: rows * k, d: rows, x: UnsafeMutableRawPointer(b), z: nil,
                                xtype: CHOLMOD_REAL, dtype: CHOLMOD_DOUBLE)
        guard cholmod_l_solve2(system, factor, &rhs, nil, &solution, nil, &workspaceY, &workspaceE, common) != 0,
              let s = solution else { throw Self.statusError("cholmod_l_solve2", common) }
        output.update(from: s.pointee.x.assumingMemoryBound(to: Double.self), count: rows * k)
    }

    private func copyValues(_ values: [Double]) throws {
        let n = rows, nonzeros = transposePosition.count, m = matrix
        try Self.validate(values, transposePosition) { k in
            Self.position(of: k, UnsafeBufferPointer(start: m.pointee.p.assumingMemoryBound(to: Int.self), count: n + 1),
                          UnsafeBufferPointer(start: m.pointee.i.assumingMemoryBound(to: Int.self), count: nonzeros))
        }
        let x = matrix.pointee.x.assumingMemoryBound(to: Double.self)
        values.withUnsafeBufferPointer { x.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Throws unless `values` are finite and symmetric (to 1e-12 relative) on the CSR pattern:
    /// `notSymmetric` names the first entry (i, j) that differs from (j, i).
    private static func validate(_ values: [Double], _ transposePosition: [Int], locate: (Int) -> (row: Int, column: Int)) throws {
        try checkFinite(values, "matrix values")
        for k in values.indices {
            let mirror = transposePosition[k] >= 0 ? values[transposePosition[k]] : 0
            if abs(values[k] - mirror) > 1e-12 * Swift.max(abs(values[k]), abs(mirror)) {
                let (row, column) = locate(k)
                throw LinearAlgebraError.notSymmetric(row: row, column: column, routine: "CholeskyFactorization")
            }
        }
    }

    /// (row, column) of stored entry k of a CSR pattern: the last row whose first entry is at or before k.
    private static func position<P: RandomAccessCollection<Int>>(of k: Int, _ rowPointers: P, _ columnIndices: P) -> (row: Int, column: Int)
        where P.Index == Int {
        var low = 0, high = rowPointers.count - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if rowPointers[mid] <= k { low = mid } else { high = mid }
        }
        return (low, columnIndices[k])
    }

    private func numericFactorization() throws {
        timings.factor = Stopwatch.measure { Self.withSerialOpenMP { _ = cholmod_l_factorize(matrix, factor, common) } }.seconds
        if common.pointee.status < 0 { throw Self.statusError("cholmod_l_factorize", common) }
        let f = factor.pointee
        let permutation = f.Perm.assumingMemoryBound(to: Int.self)
        if common.pointee.status == CHOLMOD_NOT_POSDEF {
            let step = Int(f.minor)
            throw LinearAlgebraError.notPositiveDefinite(column: step < rows ? permutation[step] : -1, routine: "CHOLMOD")
        }
        // A simplicial LDLᵀ factor does not fail on an indefinite matrix: D must be checked.
        if f.is_super == 0 && f.is_ll == 0 {
            let p = f.p.assumingMemoryBound(to: Int.self), x = f.x.assumingMemoryBound(to: Double.self)
            for step in 0..<rows where !(x[p[step]] > 0) {
                throw LinearAlgebraError.notPositiveDefinite(column: permutation[step], routine: "CHOLMOD")
            }
        }
    }

    /// Runs `body` with CHOLMOD's OpenMP loops on the calling thread (see `shim.h`: its fixed
    /// 4-thread parallel regions per supernode made a supernodal factorization 2× slower on this
    /// 2-core machine), then restores the calling thread's OpenMP settings.
    private static func withSerialOpenMP<T>(_ body: () throws -> T) rethrows -> T {
        let dynamic = omp_get_dynamic(), threads = omp_get_max_threads()
        omp_set_dynamic(1)
        omp_set_num_threads(1)
        defer {
            omp_set_dynamic(dynamic)
            omp_set_num_threads(threads)
        }
        return try body()
    }

    private static func statusError(_ routine: String, _ common: UnsafeMutablePointer<cholmod_common>) -> LinearAlgebraError {
        let status = Int(common.pointee.status)
        let message: String
        switch common.pointee.status {
        case CHOLMOD_OUT_OF_MEMORY: message = "out of memory"
        case CHOLMOD_TOO_LARGE: message = "problem too large"
        case CHOLMOD_INVALID: message = "invalid input"
        case CHOLMOD_NOT_INSTALLED: message = "method not installed"
        default: message = "CHOLMOD status \(status)"
        }
        return .suiteSparse(routine: routine, status: status, message: message)
    }

    /// For each stored entry (i, j), the position of (j, i), or -1 when the pattern lacks it.
    private static func transposePositions(_ a: SparseMatrix) -> [Int] {
        var result = [Int](repeating: 0, count: a.nonzeroCount)
        var cursor = Array(a.rowPointers.dropLast())
        for i in 0..<a.rows {
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                let j = a.columnIndices[k]
                // Entries (j, i) with i ascending are met in order: walk row j's cursor forward.
                while cursor[j] < a.rowPointers[j + 1] && a.columnIndices[cursor[j]] < i { cursor[j] += 1 }
                result[k] = (cursor[j] < a.rowPointers[j + 1] && a.columnIndices[cursor[j]] == i) ? cursor[j] : -1
            }
        }
        return result
    }
}
