import LinearAlgebra

/// The incremental hierarchical approximate POD (HAPOD) of Himpe, Leibner and Rave, "Hierarchical
/// approximate proper orthogonal decomposition", SIAM J. Sci. Comput. 40 (2018): a POD of a
/// snapshot set too large to keep, computed batch by batch with an a priori bound on the final
/// error.
///
/// The snapshots arrive in at most `steps` batches. Each batch is a leaf of a chain-shaped tree:
/// node t takes the scaled modes U Σ of node t − 1 and batch t, and keeps the modes of their POD
/// whose discarded energy is at most ε_t² = n_t (1 − ω²) ε² / (L − 1), where n_t is the number of
/// snapshots seen so far and L − 1 = `steps` the number of such nodes; `finish` is the root, a
/// last POD of U Σ with ε_ρ² = |S| ω² ε². With ε(α) the tolerance of node α, HLR18 (Theorem 3.5)
/// bounds the error of the root's modes by the sum over the nodes,
///
///     Σ_{s ∈ S} ‖s − P s‖²_M ≤ Σ_α ε(α)² ≤ |S| ε²,
///
/// so the mean squared projection error is at most ε² (pyMOR's `inc_hapod`, `l2_err`), and the
/// root keeps no more modes than a POD of all snapshots with tolerance ε_ρ would (HLR18,
/// Theorem 3.6 — checked in the tests). ω ∈ (0, 1) trades the intermediate truncation against
/// the final one: a larger ω truncates less on the way and more at the root.
///
/// Memory is n × (modes + batch), as `IncrementalPOD`; unlike it, the tolerances are absolute
/// and the bound is known before any snapshot is seen. The inner product's reduction makes the
/// same code a distributed HAPOD on row-distributed snapshots (every node POD is collective).
public struct IncrementalHAPOD: Sendable {
    /// The inner product of the modes and of the error.
    public let innerProduct: InnerProduct
    /// ε: the bound on the root-mean-square projection error of the snapshots.
    public let meanError: Double
    /// ω ∈ (0, 1).
    public let omega: Double
    /// The largest number of batches (L − 1 in HLR18's rule); more is an error.
    public let steps: Int
    /// The current modes (M-orthonormal columns).
    public private(set) var modes: Matrix
    /// The singular values of the current modes.
    public private(set) var singularValues: [Double] = []
    /// Snapshots absorbed so far.
    public private(set) var snapshotCount = 0
    /// Batches absorbed so far.
    public private(set) var batchCount = 0
    /// Σ_t of the energy each node discarded so far (each at most its ε_t²).
    public private(set) var discardedEnergy = 0.0
    /// n_t: the snapshots seen when node t ran.
    private var nodeCounts: [Int] = []

    /// An empty HAPOD for snapshots of length `dimension` (rows held by this process).
    /// - Throws: `ROMError.invalidOption` unless ε ≥ 0 is finite, 0 < ω < 1 and `steps` ≥ 1.
    public init(dimension: Int, innerProduct: InnerProduct = .euclidean, meanError: Double, omega: Double = 0.9, steps: Int) throws {
        guard meanError >= 0, meanError.isFinite else {
            throw ROMError.invalidOption(name: "HAPOD mean error", detail: "must be finite and ≥ 0, got \(meanError)")
        }
        guard omega > 0, omega < 1 else { throw ROMError.invalidOption(name: "HAPOD ω", detail: "must lie in (0, 1), got \(omega)") }
        guard steps >= 1 else { throw ROMError.invalidOption(name: "HAPOD steps", detail: "must be at least 1, got \(steps)") }
        self.innerProduct = innerProduct
        self.meanError = meanError
        self.omega = omega
        self.steps = steps
        modes = Matrix(rows: dimension, columns: 0)
    }

    /// ε_t² of the node that absorbs a batch when `count` snapshots have been seen.
    public func nodeTolerance(snapshots count: Int) -> Double {
        Double(count) * (1 - omega * omega) * meanError * meanError / Double(steps)
    }

    /// ε_ρ² of the root for `count` snapshots.
    public func rootTolerance(snapshots count: Int) -> Double { Double(count) * omega * omega * meanError * meanError }

    /// Absorbs one batch (its columns): the POD of [U Σ, batch] truncated at its node's ε_t.
    /// - Throws: `ROMError.dimensionMismatch` for another snapshot length, `.invalidOption` past
    ///   `steps` batches, and what `POD` throws (NaN in the batch).
    public mutating func add(_ batch: Matrix) throws {
        guard batch.columns > 0 else { return }
        guard batch.rows == modes.rows else {
            throw ROMError.dimensionMismatch(what: "snapshot length", expected: modes.rows, found: batch.rows)
        }
        guard batchCount < steps else {
            throw ROMError.invalidOption(name: "HAPOD steps", detail: "batch \(batchCount + 1) exceeds the \(steps) the tolerances were set for")
        }
        if let index = batch.firstNonFiniteIndex { throw ROMError.notFinite(what: "HAPOD batch \(batchCount)", index: index) }
        let count = snapshotCount + batch.columns
        let energy = singularValues.reduce(0) { $0 + $1 * $1 } + frobeniusSquared(batch)
        var combined = scaledModes()
        combined.appendColumns(batch)
        (modes, singularValues, discardedEnergy) = try truncatedPOD(combined, energy: energy, tolerance: nodeTolerance(snapshots: count),
                                                                  discarded: discardedEnergy)
        snapshotCount = count
        batchCount += 1
        nodeCounts.append(count)
    }

    /// The root's POD: the final modes, their singular values, and the a priori bound Σ_α ε(α)²
    /// on Σ_s ‖s − P s‖²_M (with the energy actually discarded, which is at most the bound).
    public func finish() throws -> (modes: Matrix, singularValues: [Double], errorBound: Double, discardedEnergy: Double) {
        guard snapshotCount > 0 else { throw ROMError.empty(what: "HAPOD (no snapshots were added)") }
        let energy = singularValues.reduce(0) { $0 + $1 * $1 }
        let root = rootTolerance(snapshots: snapshotCount)
        let (u, sigma, discarded) = try truncatedPOD(scaledModes(), energy: energy, tolerance: root, discarded: discardedEnergy)
        let bound = nodeCounts.reduce(root) { $0 + nodeTolerance(snapshots: $1) }
        return (u, sigma, bound, discarded)
    }

    /// U Σ.
    private func scaledModes() -> Matrix {
        var scaled = modes
        for j in 0..<scaled.columns { for i in 0..<scaled.rows { scaled[i, j] *= singularValues[j] } }
        return scaled
    }

    /// ‖X‖²_F in the inner product, completed over the processes.
    private func frobeniusSquared(_ x: Matrix) -> Double {
        let weighted = innerProduct.apply(x)
        let local = x.storage.withUnsafeBufferPointer { a in weighted.storage.withUnsafeBufferPointer { b in BLAS.dot(a, b) } }
        return innerProduct.reduction.sumOverParts(local)
    }

    /// The POD of `x` (total energy `energy`) keeping the fewest modes whose discarded energy is
    /// at most `tolerance`; the discarded energy added to `discarded`.
    private func truncatedPOD(_ x: Matrix, energy: Double, tolerance: Double, discarded: Double) throws
        -> (Matrix, [Double], Double) {
        let fraction = energy > 0 ? Swift.min(tolerance / energy, 0.999_999) : 0
        let pod = try POD(snapshots: x, innerProduct: innerProduct, truncation: .relativeEnergy(fraction))
        let kept = pod.modes.columns
        let sigma = Array(pod.singularValues.prefix(kept))
        let lost = Swift.max(energy - sigma.reduce(0) { $0 + $1 * $1 }, 0)
        return (pod.modes, sigma, discarded + lost)
    }
}
