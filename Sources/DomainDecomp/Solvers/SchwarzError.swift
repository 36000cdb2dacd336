/// A Schwarz preconditioner that cannot be built, naming the problem and the subdomain.
public enum SchwarzError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A coarse-space option out of range (a GenEO threshold or vector count).
    case coarseSpace(detail: String)
    /// GenEO needs each subdomain's Neumann matrix, and none was given.
    case neumannMatricesMissing
    /// The Neumann matrix of `part` does not have the order of its dof list.
    case neumannShape(part: Int, expected: Int, found: String)
    /// The dense GenEO eigenproblem of `part` is larger than the limit.
    case subdomainTooLarge(part: Int, dofs: Int, limit: Int)

    public var description: String {
        switch self {
        case let .coarseSpace(detail): return "Schwarz coarse space: \(detail)"
        case .neumannMatricesMissing: return "Schwarz coarse space: GenEO needs the subdomains' Neumann matrices (a mesh and a bilinear form)"
        case let .neumannShape(part, expected, found):
            return "Schwarz coarse space: the Neumann matrix of subdomain \(part) is \(found), expected \(expected)×\(expected) (its dofs)"
        case let .subdomainTooLarge(part, dofs, limit):
            return "Schwarz coarse space: subdomain \(part) has \(dofs) dofs, above GenEO's dense limit of \(limit): use more parts"
        }
    }
}
