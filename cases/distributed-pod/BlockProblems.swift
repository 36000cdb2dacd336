import CaseProblems
import FEM
import LinearAlgebra
import ROM

/// The problems `distributed-pod` takes snapshots of, on the nodes of their mesh (zero on the
/// Dirichlet boundary): the thermal block (2D, `CaseProblems.ThermalBlock`) and its 3D analogue,
/// −∇·(μ_b ∇u) = 1 on the unit cube cut into 2×2×2 blocks, μ_b ∈ [0.1, 1], u = 0 on ∂Ω.
struct BlockProblem {
    let mesh: Mesh
    let problem: AffineProblem
    let elimination: DirichletElimination

    /// The nodal field of u(μ).
    func nodalSolution(_ mu: Parameter) throws -> [Double] { elimination.expand(try problem.solve(mu)) }

    /// The bilinear form of A(μ) = Σ_b μ_b A_b: diffusivity μ_b on region b (both problems tag
    /// block b as region b), which GenEO assembles on each subdomain's cells.
    func form(at mu: Parameter) -> BilinearForm {
        var table = [Int: Double]()
        for (b, value) in mu.values.enumerated() { table[b] = value }
        return .diffusion(.perRegion(table))
    }

    static func thermalBlock(n: Int) throws -> BlockProblem {
        let block = try ThermalBlock(blocks: 2, n: n)
        return BlockProblem(mesh: block.mesh, problem: block.problem, elimination: block.elimination)
    }

    static func poisson3D(n: Int) throws -> BlockProblem {
        let mesh = Mesh.box(n, n, n).taggingRegions { c in
            Swift.min(Int(c.x * 2), 1) + 2 * Swift.min(Int(c.y * 2), 1) + 4 * Swift.min(Int(c.z * 2), 1)
        }
        let space = FunctionSpace(mesh: mesh, order: 1)
        let assembler = Assembler(space: space)
        let elimination = DirichletElimination(space: space)
        let terms = (0..<8).map { b -> SparseMatrix in
            var table = [Int: Double]()
            for r in 0..<8 { table[r] = r == b ? 1 : 0 }
            return elimination.restrict(assembler.assemble(.diffusion(.perRegion(table))))
        }
        let load = elimination.restrict(assembler.assemble(.source(1)))
        let x = SparseMatrix.linearCombination(terms.map { (1.0, $0) })
        let decomposition = try AffineDecomposition(
            operators: terms, operatorCoefficients: (0..<8).map { ParameterFunction.component($0) },
            rightHandSides: [load], rightHandSideCoefficients: [.constant(1)], outputs: [load])
        let problem = try AffineProblem(parameterSpace: try ParameterSpace(prefix: "diffusion", count: 8, lower: 0.1, upper: 1),
                                        decomposition: decomposition, innerProduct: .weighted(by: x),
                                        coercivityBound: .minTheta(reference: [Double](repeating: 1, count: 8), referenceConstant: 1))
        return BlockProblem(mesh: mesh, problem: problem, elimination: elimination)
    }
}
