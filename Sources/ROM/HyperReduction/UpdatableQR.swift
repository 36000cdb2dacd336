import CBLAS

/// The thin QR factorization A_P = Q R of the columns of a passive set, updated when a column is
/// appended (two rounds of classical Gram–Schmidt, BLAS-2) or removed (Givens rotations, BLAS
/// `drot`), with Qᵀ b kept alongside: each least-squares solve on the passive set is then one
/// triangular solve (`dtrsv`), O(k²), instead of a new factorization, O(m k²). This is what makes
/// the active-set loops of ``NonNegativeLeastSquares`` and ``EmpiricalCubature`` cheap.
///
/// All storage is allocated once, for `capacity` ≤ `rows` columns; no call allocates.
struct UpdatableQR {
    /// Length of the columns (m).
    let rows: Int
    /// Most columns the factorization holds (≤ m).
    let capacity: Int
    /// Columns factored so far (k).
    private(set) var count = 0
    /// Q, m × capacity, column-major; the first k columns are orthonormal.
    private var q: [Double]
    /// R, capacity × capacity, column-major; the leading k × k block is upper triangular.
    private var r: [Double]
    /// Qᵀ b for the first k columns of Q.
    private var qtb: [Double]
    /// The right-hand side b (m).
    private let target: [Double]
    /// A column of length m (the vector being orthogonalized).
    private var work: [Double]
    /// Projection coefficients (capacity).
    private var h: [Double]

    /// A column whose part orthogonal to the others is below this fraction of its norm is taken as
    /// dependent and refused (its least-squares coefficient would be meaningless).
    static let dependenceTolerance = 1e-11

    init(rows: Int, capacity: Int, target: [Double]) {
        precondition(capacity >= 0 && capacity <= rows && target.count == rows, "UpdatableQR: capacity \(capacity), rows \(rows), b of \(target.count)")
        self.rows = rows
        self.capacity = capacity
        q = [Double](repeating: 0, count: rows * capacity)
        r = [Double](repeating: 0, count: capacity * capacity)
        qtb = [Double](repeating: 0, count: capacity)
        self.target = target
        work = [Double](repeating: 0, count: rows)
        h = [Double](repeating: 0, count: capacity)
    }

    /// Appends the column read from `column` with stride `stride` (m entries). Returns false and
    /// leaves the factorization unchanged when the column is numerically in the span of the others
    /// or the capacity is reached.
    mutating func append(_ column: UnsafePointer<Double>, stride: Int) -> Bool {
        guard count < capacity else { return false }
        let m = Int32(rows), k = count
        let accepted: Bool = q.withUnsafeMutableBufferPointer { qp in
            work.withUnsafeMutableBufferPointer { v in
                h.withUnsafeMutableBufferPointer { hp in
                    r.withUnsafeMutableBufferPointer { rp in
                        cblas_dcopy(m, column, Int32(stride), v.baseAddress, 1)
                        let norm = cblas_dnrm2(m, v.baseAddress, 1)
                        guard norm > 0 else { return false }
                        let rk = rp.baseAddress! + k * capacity
                        for i in 0..<k { rk[i] = 0 }
                        if k > 0 {
                            for _ in 0..<2 {  // CGS2: the second round restores orthogonality to round-off
                                cblas_dgemv(CblasColMajor, CblasTrans, m, Int32(k), 1, qp.baseAddress, m, v.baseAddress, 1, 0, hp.baseAddress, 1)
                                cblas_dgemv(CblasColMajor, CblasNoTrans, m, Int32(k), -1, qp.baseAddress, m, hp.baseAddress, 1, 1, v.baseAddress, 1)
                                cblas_daxpy(Int32(k), 1, hp.baseAddress, 1, rk, 1)
                            }
                        }
                        let rho = cblas_dnrm2(m, v.baseAddress, 1)
                        guard rho > Self.dependenceTolerance * norm else { return false }
                        rk[k] = rho
                        let qk = qp.baseAddress! + k * rows
                        cblas_dcopy(m, v.baseAddress, 1, qk, 1)
                        cblas_dscal(m, 1 / rho, qk, 1)
                        return true
                    }
                }
            }
        }
        guard accepted else { return false }
        qtb[k] = q.withUnsafeBufferPointer { qp in target.withUnsafeBufferPointer { cblas_ddot(m, qp.baseAddress! + k * rows, 1, $0.baseAddress, 1) } }
        count += 1
        return true
    }

    /// Removes the column at `position` (0..<k): R loses that column, and Givens rotations of the
    /// rows below restore its triangle (Q and Qᵀ b rotated alike).
    mutating func remove(at position: Int) {
        precondition(position >= 0 && position < count, "UpdatableQR.remove: position \(position) outside 0..<\(count)")
        let k = count, c = capacity, m = Int32(rows)
        r.withUnsafeMutableBufferPointer { rp in
            q.withUnsafeMutableBufferPointer { qp in
                qtb.withUnsafeMutableBufferPointer { t in
                    let rb = rp.baseAddress!
                    // Shift the columns right of `position` one to the left (each keeps its entries 0...j+1).
                    for j in position..<(k - 1) {
                        for i in 0...(j + 1) { rb[i + j * c] = rb[i + (j + 1) * c] }
                    }
                    // R is now upper Hessenberg in columns position..<k-1: rotate rows i, i+1.
                    for i in position..<(k - 1) {
                        var a = rb[i + i * c], b = rb[i + 1 + i * c]
                        var cs = 0.0, sn = 0.0
                        cblas_drotg(&a, &b, &cs, &sn)
                        cblas_drot(Int32(k - 1 - i), rb + i + i * c, Int32(c), rb + i + 1 + i * c, Int32(c), cs, sn)
                        rb[i + 1 + i * c] = 0
                        cblas_drot(m, qp.baseAddress! + i * rows, 1, qp.baseAddress! + (i + 1) * rows, 1, cs, sn)
                        let ti = t[i], tj = t[i + 1]
                        t[i] = cs * ti + sn * tj
                        t[i + 1] = cs * tj - sn * ti
                    }
                }
            }
        }
        count -= 1
    }

    /// Writes the least-squares solution on the k columns, R⁻¹ Qᵀ b, into `solution` (≥ k entries).
    func solve(into solution: UnsafeMutableBufferPointer<Double>) {
        let k = count
        guard k > 0 else { return }
        for i in 0..<k { solution[i] = qtb[i] }
        r.withUnsafeBufferPointer { rp in
            cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(k), rp.baseAddress, Int32(capacity), solution.baseAddress, 1)
        }
    }

    /// The diagonal entry R_ii (for a conditioning estimate of the passive set).
    func diagonal(_ i: Int) -> Double { r[i + i * capacity] }
}
