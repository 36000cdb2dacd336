import Foundation
import LinearAlgebra
import ROM

/// What `rom info` says about a model file, as text and as JSON.
struct ModelDescription {
    let file: String
    let contents: OnlineModelFile.Contents

    var model: ReducedModel { contents.model }

    /// The sizes in display order, with their meaning.
    var sizes: [(key: String, value: Int, meaning: String)] {
        let meanings = [("N", "reduced basis size"), ("Q", "operator terms θ_q A_q"), ("P", "right-hand side terms θ'_p f_p"),
                        ("R", "rows of the residual coefficient matrix"), ("outputs", "linear outputs"),
                        ("truth_dimension", "truth unknowns (0: basis not stored)")]
        var result = meanings.map { (key: $0.0, value: contents.sizes[$0.0] ?? 0, meaning: $0.1) }
        for (key, value) in contents.sizes.sorted(by: { $0.key < $1.key }) where !meanings.contains(where: { $0.0 == key }) {
            result.append((key: key, value: value, meaning: ""))
        }
        return result
    }

    var coercivityText: String {
        switch model.coercivityBound {
        case .constant(let c): return "constant: α_LB(μ) = \(c)"
        case let .minTheta(reference, alpha):
            return "min-θ: α_LB(μ) = \(alpha) · min_q θ_q(μ)/θ_q(μ̄), μ̄ = (" + reference.map { "\($0)" }.joined(separator: ", ") + ")"
        }
    }

    var coercivityJSON: JSONValue {
        switch model.coercivityBound {
        case .constant(let c): return .object([("kind", .string("constant")), ("value", .number(c))])
        case let .minTheta(reference, alpha):
            return .object([("kind", .string("min_theta")), ("reference", .numbers(reference)), ("reference_constant", .number(alpha))])
        }
    }

    var estimatorText: String {
        switch model.residualNormMethod {
        case .orthonormalized: return "orthonormalized (accurate residual norm, Buhr et al. 2014)"
        case .standard: return "standard (Gram matrix formula; stalls near 1e-8 relative)"
        }
    }

    var text: String {
        let space = model.parameterSpace
        var out = "\(file): ROMKit online model (format version \(OnlineModelFile.formatVersion)), reduced basis, Galerkin\n"
        out += "sizes:\n"
        for s in sizes { out += "  \(s.key) = \(s.value)" + (s.meaning.isEmpty ? "" : "  (\(s.meaning))") + "\n" }
        out += "parameters (\(space.dimension)):\n"
        for k in 0..<space.dimension { out += "  \(space.names[k]) in [\(space.lower[k]), \(space.upper[k])]\n" }
        out += "operator coefficients:\n"
        for (q, theta) in model.operatorCoefficients.enumerated() { out += "  theta_\(q)(mu) = \(theta.expression)\n" }
        out += "right-hand side coefficients:\n"
        for (p, theta) in model.rightHandSideCoefficients.enumerated() { out += "  theta'_\(p)(mu) = \(theta.expression)\n" }
        out += "coercivity bound: \(coercivityText)\n"
        out += "error estimator: \(estimatorText)\n"
        out += "reduced operators: \(model.isSymmetric ? "symmetric (Cholesky)" : "general (LU)")\n"
        out += "basis stored: \(model.basis.map { "yes (\($0.rows) × \($0.columns)); --field can reconstruct fields" } ?? "no")\n"
        let p = contents.provenance
        out += "provenance:\n  creator: \(p.creator)\n  command: \(p.command)\n  created: \(p.created)\n"
        for (key, value) in p.details.sorted(by: { $0.key < $1.key }) { out += "  \(key): \(value)\n" }
        return out
    }

    var json: JSONValue {
        let space = model.parameterSpace
        let p = contents.provenance
        return .object([
            ("file", .string(file)), ("format_version", .int(OnlineModelFile.formatVersion)), ("method", .string("reduced-basis")),
            ("sizes", .object(sizes.map { ($0.key, JSONValue.int($0.value)) })),
            ("parameters", .array((0..<space.dimension).map {
                .object([("name", .string(space.names[$0])), ("lower", .number(space.lower[$0])), ("upper", .number(space.upper[$0]))])
            })),
            ("operator_coefficients", .array(model.operatorCoefficients.map { .string($0.expression) })),
            ("rhs_coefficients", .array(model.rightHandSideCoefficients.map { .string($0.expression) })),
            ("coercivity_bound", coercivityJSON),
            ("estimator", .string(model.residualNormMethod.rawValue)),
            ("symmetric", .bool(model.isSymmetric)),
            ("has_basis", .bool(model.basis != nil)),
            ("provenance", .object([
                ("creator", .string(p.creator)), ("command", .string(p.command)), ("created", .string(p.created)),
                ("details", .object(p.details.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
            ])),
        ])
    }
}
