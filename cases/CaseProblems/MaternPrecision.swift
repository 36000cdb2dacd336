import Foundation
import FEM
import LinearAlgebra
import ROM

/// The precision matrix of a Gaussian Markov random field from the SPDE approach to Matérn fields
/// (Lindgren, Rue, Lindström 2011, α = 2): Q(κ) = κ⁴ M + 2κ² K + K M_L⁻¹ K on P1 elements of the
/// unit square (natural boundary conditions), M the mass matrix, M_L its lumped (row-sum)
/// diagonal, K the stiffness matrix.
///
/// The parameter is s = log₁₀ κ ∈ [s_min, s_max] (κ ∈ [1, 100] by default), so that a uniform
/// training set covers every decade; Q(s) = θ₁ M + θ₂ K + θ₃ K M_L⁻¹ K with θ = (κ⁴, 2κ², 1),
/// every term positive semidefinite and every θ positive (the min-θ bound holds); θ are
/// expressions (`ParameterFunction`), so the online models built on them can be stored.
public struct MaternPrecision {
    /// Squares per side (the mesh has (n + 1)² vertices, the unknowns).
    public let n: Int
    /// The affine decomposition of Q.
    public let decomposition: AffineDecomposition
    /// s = log₁₀ κ.
    public let parameterSpace: ParameterSpace
    /// Seconds spent assembling M, K and K M_L⁻¹ K.
    public let assembleSeconds: Double

    /// Assembles the terms on the n × n mesh (squares split into 2 triangles). With `regions` = 2
    /// the range parameter is one per half of the square (x < ½ and x > ½; n even, so no
    /// triangle straddles the line): Q(s₀, s₁) = Σ_r (κ_r⁴ M_r + 2κ_r² K_r) + K M_L⁻¹ K, M_r and K_r
    /// the mass and stiffness matrices of region r — the weak form of κ⁴ − 2∇·(κ²∇) + Δ², which is
    /// (κ² − Δ)² where κ is constant (Lindgren, Rue, Lindström 2011, §3.2, for κ varying in
    /// space): a non-stationary field, every term semidefinite, every θ positive.
    public init(n: Int, regions: Int = 1, logKappa: ClosedRange<Double> = 0...2) throws {
        precondition(n >= 1, "MaternPrecision: n must be positive")
        guard regions == 1 || (regions == 2 && n % 2 == 0) else {
            throw ROMError.invalidOption(name: "regions", detail: "\(regions) on \(n) squares per side (1, or 2 with an even n)")
        }
        self.n = n
        let clock = Stopwatch()
        let mesh = regions == 1 ? Mesh.rectangle(n, n) : Mesh.rectangle(n, n).taggingRegions { $0.x < 0.5 ? 0 : 1 }
        let space = FunctionSpace(mesh: mesh, order: 1)
        let assembler = Assembler(space: space)
        let mass = assembler.assemble(.mass())
        let stiffness = assembler.assemble(.diffusion())
        var lumpedInverse = [Double](repeating: 0, count: mass.rows)
        for i in 0..<mass.rows {
            lumpedInverse[i] = 1 / mass.values[mass.rowPointers[i]..<mass.rowPointers[i + 1]].reduce(0, +)
        }
        let biharmonic = try stiffness.multiplied(by: stiffness, scaling: lumpedInverse)
        // The three terms on the pattern of K M_L⁻¹ K (which holds those of M and K): A(μ) is then
        // a sum of value arrays, and CHOLMOD refactors on one pattern.
        // θ as expressions (κ² = 10^(2s)), so that an online model built on them can be stored.
        let unscattered: [SparseMatrix], expressions: [String]
        if regions == 1 {
            unscattered = [mass, stiffness, biharmonic]
            expressions = ["(10 ^ (2 * mu[0])) ^ 2", "2 * 10 ^ (2 * mu[0])", "1"]
            parameterSpace = try ParameterSpace(names: ["log10_kappa"], lower: [logKappa.lowerBound], upper: [logKappa.upperBound])
        } else {
            let region = { (r: Int) -> [Int: Double] in [0: r == 0 ? 1 : 0, 1: r == 1 ? 1 : 0] }
            unscattered = (0..<2).map { assembler.assemble(.mass(.perRegion(region($0)))) }
                + (0..<2).map { assembler.assemble(.diffusion(.perRegion(region($0)))) } + [biharmonic]
            expressions = ["(10 ^ (2 * mu[0])) ^ 2", "(10 ^ (2 * mu[1])) ^ 2", "2 * 10 ^ (2 * mu[0])", "2 * 10 ^ (2 * mu[1])", "1"]
            parameterSpace = try ParameterSpace(names: ["log10_kappa_left", "log10_kappa_right"], lower: [logKappa.lowerBound, logKappa.lowerBound],
                                                upper: [logKappa.upperBound, logKappa.upperBound])
        }
        let terms = unscattered.map { Self.scatter($0, onto: biharmonic) }
        assembleSeconds = clock.seconds
        let theta = try expressions.map { try ParameterFunction($0) }
        let ones = [Double](repeating: 1, count: mass.rows)
        decomposition = try AffineDecomposition(operators: terms, coefficients: theta,
                                                rightHandSides: [mass.apply(ones)],
                                                rightHandSideCoefficients: [ParameterFunction.constant(1)])
    }

    /// `a` on the pattern of `b` (which must hold every entry of a).
    static func scatter(_ a: SparseMatrix, onto b: SparseMatrix) -> SparseMatrix {
        var values = [Double](repeating: 0, count: b.nonzeroCount)
        for i in 0..<a.rows {
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                guard let position = b.index(row: i, column: a.columnIndices[k]) else {
                    preconditionFailure("MaternPrecision: entry (\(i), \(a.columnIndices[k])) outside the pattern of K M_L⁻¹ K")
                }
                values[position] += a.values[k]
            }
        }
        var result = b
        result.refill(values: values)
        return result
    }
}
