import LinearAlgebra

/// One sign convention for modes, independent of how rows are split: each mode is flipped so that
/// its first entry in the global numbering whose magnitude is at least `threshold` times the
/// mode's largest is positive. A 1/100 threshold keeps the choice away from entries that vanish
/// by symmetry, where round-off would decide the sign. Three small Allreduces (k values each).
enum ModeSigns {
    static let threshold = 0.01

    /// Flips the columns of `modes` (local rows of `distribution`) to the convention. Collective.
    static func normalize(_ modes: inout Matrix, distribution: RowDistribution, communicator: Communicator) throws {
        let k = modes.columns, owned = distribution.ownedCount
        guard k > 0 else { return }
        var largest = [Double](repeating: 0, count: k)
        for j in 0..<k { for i in 0..<owned { largest[j] = Swift.max(largest[j], abs(modes[i, j])) } }
        largest = try communicator.allreduce(largest, .max)
        var first = [Int](repeating: Int.max, count: k)
        for j in 0..<k {
            for i in 0..<owned where abs(modes[i, j]) >= threshold * largest[j] {
                first[j] = Swift.min(first[j], distribution.localRows[i])
            }
        }
        first = try communicator.allreduce(first, .min)
        var signs = [Double](repeating: 0, count: k)
        for i in 0..<owned {
            let row = distribution.localRows[i]
            for j in 0..<k where row == first[j] { signs[j] = modes[i, j] < 0 ? -1 : 1 }
        }
        signs = try communicator.allreduce(signs, .sum)
        for j in 0..<k where signs[j] < 0 {
            for i in 0..<modes.rows { modes[i, j] = -modes[i, j] }
        }
    }
}
