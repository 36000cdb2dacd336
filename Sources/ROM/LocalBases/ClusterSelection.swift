/// How a dictionary of local reduced models picks the cluster that answers a query μ.
public enum ClusterSelection: Sendable, Equatable {
    /// The cluster whose representative snapshot's parameter is nearest μ (in the box scaled
    /// to the unit cube).
    case nearestRepresentative
    /// The majority label of the k training parameters nearest μ (ties: the nearest of the tied
    /// labels' neighbours): a classifier trained on the snapshots' labels.
    case nearestNeighbours(Int)
    /// Every local model solves; the one with the smallest error bound Δ(μ) answers (k solves).
    case smallestResidual

    /// The key of `model.json` and of the command line ("nearest-medoid", "knn", "smallest-residual").
    public var key: String {
        switch self {
        case .nearestRepresentative: return "nearest-medoid"
        case .nearestNeighbours: return "knn"
        case .smallestResidual: return "smallest-residual"
        }
    }

    /// The k of `.nearestNeighbours`, else 0.
    public var neighbours: Int {
        if case .nearestNeighbours(let k) = self { return k }
        return 0
    }

    /// The selection named `key`; `neighbours` is the k of "knn".
    /// - Throws: `ROMError.invalidOption` for an unknown key or k < 1.
    public init(key: String, neighbours: Int = 5) throws {
        switch key {
        case "nearest-medoid": self = .nearestRepresentative
        case "smallest-residual": self = .smallestResidual
        case "knn":
            guard neighbours >= 1 else { throw ROMError.invalidOption(name: "cluster selection", detail: "knn needs k ≥ 1, got \(neighbours)") }
            self = .nearestNeighbours(neighbours)
        default:
            throw ROMError.invalidOption(name: "cluster selection", detail: "'\(key)' (expected nearest-medoid, knn or smallest-residual)")
        }
    }
}
