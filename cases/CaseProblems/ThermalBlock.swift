import Foundation
import FEM
import LinearAlgebra
import ROM

/// pyMOR's thermal block: −∇·(μ_b ∇u) = 1 on the unit square, u = 0 on the whole boundary, the
/// square cut into B×B blocks with diffusivity μ_b ∈ [0.1, 1] each; P1 elements on the n×n mesh
/// whose squares are split into 4 triangles through their centre (pyMOR's mesh: 20,201 vertices
/// for n = 100).
///
/// The operator is affine, A(μ) = Σ_b μ_b A_b, each A_b the stiffness matrix of block b assembled
/// on the shared pattern and restricted to the free dofs. X is the H¹₀ seminorm product Σ_b A_b
/// (A at μ = 1), so the min-θ bound holds with α(1) = 1. Output: the mean temperature ∫u.
public struct ThermalBlock {
    /// Blocks per side.
    public let blocks: Int
    /// Squares per side.
    public let n: Int
    /// The mesh (regions = block index b = bx + B·by).
    public let mesh: Mesh
    /// Free dofs and the map back to mesh nodes.
    public let elimination: DirichletElimination
    /// The reduction's view of the problem.
    public let problem: AffineProblem
    /// Seconds spent assembling the affine terms.
    public let assembleSeconds: Double

    /// Assembles the problem.
    public init(blocks: Int, n: Int) throws {
        precondition(blocks >= 1 && n >= 1, "ThermalBlock: blocks and n must be positive")
        self.blocks = blocks
        self.n = n
        let clock = Stopwatch()
        mesh = Mesh.rectangle(n, n, split: .four).taggingRegions { centre in
            let bx = Swift.min(Int(centre.x * Double(blocks)), blocks - 1)
            let by = Swift.min(Int(centre.y * Double(blocks)), blocks - 1)
            return bx + blocks * by
        }
        let space = FunctionSpace(mesh: mesh, order: 1)
        let assembler = Assembler(space: space)
        let elimination = DirichletElimination(space: space)
        self.elimination = elimination
        let regionCount = blocks * blocks
        let terms = (0..<regionCount).map { b -> SparseMatrix in
            var table = [Int: Double]()
            for r in 0..<regionCount { table[r] = r == b ? 1 : 0 }
            return elimination.restrict(assembler.assemble(.diffusion(.perRegion(table))))
        }
        let load = elimination.restrict(assembler.assemble(.source(1)))
        assembleSeconds = clock.seconds
        let x = SparseMatrix.linearCombination(terms.map { (1.0, $0) })
        let parameterSpace = try ParameterSpace(prefix: "diffusion", count: regionCount, lower: 0.1, upper: 1)
        let decomposition = try AffineDecomposition(
            operators: terms, operatorCoefficients: (0..<regionCount).map { ParameterFunction.component($0) },
            rightHandSides: [load], rightHandSideCoefficients: [.constant(1)], outputs: [load])
        problem = try AffineProblem(parameterSpace: parameterSpace, decomposition: decomposition, innerProduct: .weighted(by: x),
                                    coercivityBound: .minTheta(reference: [Double](repeating: 1, count: regionCount), referenceConstant: 1))
    }

    /// Number of free dofs (the truth dimension).
    public var dofs: Int { problem.dimension }

    /// The nodal field on the whole mesh (zero on the boundary) of a free-dof vector.
    public func field(_ free: [Double]) -> [Double] { elimination.expand(free) }
}
