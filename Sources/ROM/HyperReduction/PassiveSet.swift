/// The passive set of an active-set non-negative least-squares method, and the inner loop of
/// Lawson and Hanson (1974, *Solving Least Squares Problems*, ch. 23, steps 6–11): after a column
/// enters, solve the unconstrained least-squares problem on the passive set; while some
/// coefficient is not positive, move from the current (feasible) x towards that solution as far
/// as feasibility allows, and drop the columns whose coefficient reached zero.
///
/// ``NonNegativeLeastSquares`` picks the entering column by the largest gradient entry;
/// ``EmpiricalCubature`` by the best-aligned normalized row: both share this loop. The least
/// squares go through an ``UpdatableQR`` of the passive columns.
struct PassiveSet {
    /// The factorization of the passive columns, in `ids` order.
    private(set) var qr: UpdatableQR
    /// The caller's identifier of each passive column (a column of A, a point), in QR order.
    private(set) var ids: [Int] = []
    /// The current coefficients, positive, in QR order.
    private(set) var values: [Double] = []
    /// The unconstrained solution on the passive set (workspace).
    private var trial: [Double]
    /// Inner iterations so far (each is one least-squares solve).
    private(set) var iterations = 0

    init(rows: Int, capacity: Int, target: [Double]) {
        qr = UpdatableQR(rows: rows, capacity: capacity, target: target)
        ids.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        trial = [Double](repeating: 0, count: Swift.max(capacity, 1))
    }

    /// The number of passive columns.
    var count: Int { ids.count }

    /// What happened to an entering column.
    enum Insertion {
        /// It entered; `dropped` are the ids that left the passive set on the way (zero coefficient).
        case entered(dropped: [Int])
        /// It is numerically in the span of the passive columns (or the set is full): refused.
        case dependent
    }

    /// Brings column `id` (read from `column` with `stride`) into the passive set and runs the
    /// inner loop. Throws ``HyperReductionError/notConverged(method:iterations:detail:)`` past
    /// `iterationLimit` inner iterations in total.
    mutating func insert(id: Int, column: UnsafePointer<Double>, stride: Int, iterationLimit: Int, method: String) throws -> Insertion {
        guard qr.append(column, stride: stride) else { return .dependent }
        ids.append(id)
        values.append(0)
        var dropped: [Int] = []
        while true {
            iterations += 1
            if iterations > iterationLimit {
                throw HyperReductionError.notConverged(method: method, iterations: iterationLimit,
                                                       detail: "the active-set inner loop did not settle (\(count) passive columns)")
            }
            let k = count
            trial.withUnsafeMutableBufferPointer { qr.solve(into: $0) }
            var allPositive = true
            var step = 1.0, blocking = -1
            for i in 0..<k where !(trial[i] > 0) {
                allPositive = false
                let gap = values[i] - trial[i]
                let candidate = gap > 0 ? values[i] / gap : 0
                if blocking < 0 || candidate < step { step = candidate; blocking = i }
            }
            if allPositive {
                for i in 0..<k { values[i] = trial[i] }
                return .entered(dropped: dropped)
            }
            // x ← x + step (s − x): the blocking coefficient becomes zero; it and any other that
            // reached zero leave the passive set.
            for i in 0..<k { values[i] += step * (trial[i] - values[i]) }
            values[blocking] = 0
            var i = k - 1
            while i >= 0 {
                if !(values[i] > 0) {
                    dropped.append(ids[i])
                    qr.remove(at: i)
                    ids.remove(at: i)
                    values.remove(at: i)
                }
                i -= 1
            }
            if count == 0 { return .entered(dropped: dropped) }
        }
    }
}
