import Foundation
import FEM
import LinearAlgebra
import ROM

/// An advection-dominated advection–diffusion problem whose solutions are not close to one
/// low-dimensional space: −ε Δu + b(θ)·∇u = s g on the unit square, u = 0 on the boundary, with a
/// Gaussian source g centred at (0.5, 0.5) and the unit advection field b(θ) = (cos θ, sin θ). The
/// plume leaves the source in the direction θ: as θ turns, it sweeps the square. The parameters
/// are μ = (θ, s), θ ∈ [0, π] and the source strength s ∈ [0.2, 1]: s only scales u, so the sine
/// dissimilarity ignores it and the Euclidean distance does not.
///
/// P1 on the n×n mesh (two triangles per square), SUPG with the τ of `SUPG.tau` for h = 1/n. The
/// stabilized operator and load are affine in (cos θ, sin θ) and s:
///
///     A(μ) = ε K + cos θ C_x + sin θ C_y + cos²θ S_xx + cos θ sin θ (S_xy + S_yx) + sin²θ S_yy
///     f(μ) = s F + s cos θ F_x + s sin θ F_y
///
/// with S_ij = τ ∫ ∂_j u ∂_i v and F_i = τ ∫ g ∂_i v. X is the H¹₀ product K; a(u, u) ≥ ε ‖u‖²_X
/// (the advection term is skew, the streamline term nonnegative), the constant coercivity bound.
public struct AdvectionDiffusion {
    /// Squares per side.
    public let n: Int
    /// The diffusivity ε.
    public let diffusivity: Double
    /// The mesh.
    public let mesh: Mesh
    /// Free dofs and the map back to mesh nodes.
    public let elimination: DirichletElimination
    /// The reduction's view of the problem.
    public let problem: AffineProblem
    /// Seconds spent assembling the affine terms.
    public let assembleSeconds: Double

    /// Assembles the problem: `n` squares per side, diffusivity ε, source width `sourceWidth`.
    public init(n: Int, diffusivity epsilon: Double = 1e-3, sourceWidth: Double = 0.05) throws {
        precondition(n >= 2 && epsilon > 0 && sourceWidth > 0, "AdvectionDiffusion: n ≥ 2, ε > 0 and the width positive")
        self.n = n
        diffusivity = epsilon
        let clock = Stopwatch()
        mesh = Mesh.rectangle(n, n)
        let space = FunctionSpace(mesh: mesh, order: 1)
        let assembler = Assembler(space: space)
        let elimination = DirichletElimination(space: space)
        self.elimination = elimination
        let tau = Coefficient.constant(SUPG.tau(cellSize: 1 / Double(n), speed: 1, diffusivity: epsilon))
        let ex: SIMD3<Double> = [1, 0, 0], ey: SIMD3<Double> = [0, 1, 0]
        let width2 = 2 * sourceWidth * sourceWidth
        let source = Coefficient.function { x in exp(-((x.x - 0.5) * (x.x - 0.5) + (x.y - 0.5) * (x.y - 0.5)) / width2) }
        func matrix(_ form: BilinearForm) -> SparseMatrix { elimination.restrict(assembler.assemble(form)) }
        func vector(_ form: LinearForm) -> [Double] { elimination.restrict(assembler.assemble(form)) }
        let stiffness = matrix(.diffusion())
        let terms = [SparseMatrix.linearCombination([(epsilon, stiffness)]), matrix(.advection(ex)), matrix(.advection(ey)),
                     matrix(.streamlineDiffusion(ex, tau: tau)),
                     matrix(.streamlineDiffusion(ex, test: ey, tau: tau) + .streamlineDiffusion(ey, test: ex, tau: tau)),
                     matrix(.streamlineDiffusion(ey, tau: tau))]
        let loads = [vector(.source(source)), vector(.streamlineSource(source, ex, tau: tau)), vector(.streamlineSource(source, ey, tau: tau))]
        assembleSeconds = clock.seconds
        let parameterSpace = try ParameterSpace(names: ["angle", "strength"], lower: [0, 0.2], upper: [Double.pi, 1])
        let decomposition = try AffineDecomposition(
            operators: terms,
            operatorCoefficients: try ["1", "cos(mu[0])", "sin(mu[0])", "cos(mu[0])^2", "cos(mu[0]) * sin(mu[0])", "sin(mu[0])^2"]
                .map { try ParameterFunction($0) },
            rightHandSides: loads,
            rightHandSideCoefficients: try ["mu[1]", "mu[1] * cos(mu[0])", "mu[1] * sin(mu[0])"].map { try ParameterFunction($0) })
        problem = try AffineProblem(parameterSpace: parameterSpace, decomposition: decomposition, innerProduct: .weighted(by: stiffness),
                                    coercivityBound: .constant(epsilon))
    }

    /// Number of free dofs (the truth dimension).
    public var dofs: Int { problem.dimension }

    /// The nodal field on the whole mesh (zero on the boundary) of a free-dof vector.
    public func field(_ free: [Double]) -> [Double] { elimination.expand(free) }
}
