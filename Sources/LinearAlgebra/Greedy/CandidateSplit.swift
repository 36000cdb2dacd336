/// How the candidates of a greedy are shared among processes: each evaluates the estimates of its
/// share, and the worst candidate is agreed on by all (an MPI `Allgather` in DomainDecomp's
/// `MPICandidateSplit`). The loop then extends every process's surrogate with the same candidate,
/// so the selections and the bases are those of the serial greedy.
///
/// Ties are broken the way a serial pass over all candidates breaks them: a NaN estimate is the
/// worst (a failing candidate is never hidden), then the largest estimate, then the lowest index.
public protocol CandidateSplit: Sendable {
    /// The indices (into the `count` candidates) this process evaluates, increasing.
    func share(of count: Int) -> [Int]
    /// The worst candidate over every process, from this process's worst (`index` −1 and estimate
    /// −∞ when its share is empty). Collective: every process calls it at every step.
    func agree(index: Int, estimate: Double) throws -> (index: Int, estimate: Double)
}

extension CandidateSplit {
    /// The worst of (index, estimate) pairs by the serial rule (NaN, then largest, then lowest index).
    public static func worst(of pairs: [(index: Int, estimate: Double)]) -> (index: Int, estimate: Double) {
        var best = (index: -1, estimate: -Double.infinity)
        for pair in pairs where pair.index >= 0 {
            let better: Bool
            if best.index < 0 {
                better = true
            } else if pair.estimate.isNaN || best.estimate.isNaN {
                better = pair.estimate.isNaN && (!best.estimate.isNaN || pair.index < best.index)
            } else {
                better = pair.estimate > best.estimate || (pair.estimate == best.estimate && pair.index < best.index)
            }
            if better { best = pair }
        }
        return best
    }
}
