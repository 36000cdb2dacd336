import Foundation
import FEM
import LinearAlgebra
import ROM

/// The non-affine diffusion problem of the nonintrusive RB: −∇·(κ(x; μ)∇u) = 1 on the unit
/// square, u = 0 on the boundary, κ = 1 + μ₀ exp(−‖x − (μ₁, μ₂)‖²/0.02), μ₀ ∈ [0, 10],
/// μ₁, μ₂ ∈ [0.2, 0.8]. P1 on the n×n mesh of squares split in two. κ is a function of x, so
/// A(μ) has no affine decomposition: the nonintrusive path sees only `matrix(at:)` and, online,
/// the few entries `entries(at:positions:)` computes from the cells that hold them
/// (`EntryAssembler`). X is the stiffness at κ = 1 (the H¹₀ seminorm); since κ ≥ 1 the
/// coercivity constant in X is at least 1.
public final class GaussianBump: MatrixFamily, @unchecked Sendable {
    /// Squares per side.
    public let n: Int
    /// The mesh.
    public let mesh: Mesh
    /// The space (P1).
    public let space: FunctionSpace
    /// Free dofs and the map back to mesh nodes.
    public let elimination: DirichletElimination
    /// The parameter box (height, centre x, centre y).
    public let parameterSpace: ParameterSpace
    /// X: the stiffness at κ = 1 on the free dofs.
    public let innerProduct: SparseMatrix
    private let assembler: Assembler
    private let load: [Double]
    private let lock = NSLock()
    /// The entry assemblers made so far, one per set of positions (an hp model has one per subdomain).
    private var entryAssemblers: [[MatrixPosition]: EntryAssembler] = [:]

    /// Builds the mesh, the space and X.
    public init(n: Int) throws {
        precondition(n >= 2, "GaussianBump: n must be at least 2")
        self.n = n
        mesh = Mesh.rectangle(n, n)
        space = FunctionSpace(mesh: mesh, order: 1)
        assembler = Assembler(space: space)
        elimination = DirichletElimination(space: space)
        parameterSpace = try ParameterSpace(names: ["height", "centre_x", "centre_y"], lower: [0, 0.2, 0.2], upper: [10, 0.8, 0.8])
        innerProduct = elimination.restrict(assembler.assemble(.diffusion(1)))
        load = elimination.restrict(assembler.assemble(.source(1)))
    }

    /// Number of free dofs.
    public var order: Int { elimination.freeDofs.count }

    /// κ(·; μ).
    public static func diffusivity(_ mu: Parameter) -> Coefficient {
        let (height, cx, cy) = (mu[0], mu[1], mu[2])
        return .function { x in
            let dx = x.x - cx, dy = x.y - cy
            return 1 + height * Foundation.exp(-(dx * dx + dy * dy) / 0.02)
        }
    }

    /// A(μ) on the free dofs.
    public func matrix(at mu: Parameter) throws -> SparseMatrix {
        elimination.restrict(assembler.assemble(.diffusion(Self.diffusivity(mu))))
    }

    /// f = 1 (does not depend on μ).
    public func rightHandSide(at mu: Parameter) throws -> [Double] { load }

    /// The entries of A(μ) at free-dof positions, from the cells that hold them only.
    public func entries(at mu: Parameter, positions: [MatrixPosition]) throws -> [Double] {
        let entry = entryAssembler(for: positions)
        return entry.entries(.diffusion(Self.diffusivity(mu)))
    }

    /// f at `indices`.
    public func rightHandSideEntries(at mu: Parameter, indices: [Int]) throws -> [Double] { indices.map { load[$0] } }

    /// Entries are cheap.
    public var evaluatesEntriesCheaply: Bool { true }

    /// The entry assembler of `positions`, made once for each set of positions a model reads.
    private func entryAssembler(for positions: [MatrixPosition]) -> EntryAssembler {
        lock.lock()
        defer { lock.unlock() }
        if let cached = entryAssemblers[positions] { return cached }
        let free = elimination.freeDofs
        let global = positions.map { (row: free[$0.row], column: free[$0.column]) }
        let made = EntryAssembler(space: space, positions: global, quadratureDegree: BilinearForm.diffusion(.function { _ in 1 }).quadratureDegree(for: 1))
        entryAssemblers[positions] = made
        return made
    }

    /// The training set of a sub-box of the parameter box (a subdomain of the hp method): the
    /// tensor grid of `heights` values of μ₀ and `grid` × `grid` centres, each spanning the box's
    /// range, bounds included (one value: the middle).
    public func trainingSet(heights: Int, grid: Int, in box: ParameterSpace) -> [Parameter] {
        func axis(_ c: Int, _ count: Int) -> [Double] {
            count > 1 ? (0..<count).map { $0 == count - 1 ? box.upper[c] : box.lower[c] + (box.upper[c] - box.lower[c]) * Double($0) / Double(count - 1) }
                      : [(box.lower[c] + box.upper[c]) / 2]
        }
        let hs = axis(0, heights), xs = axis(1, grid), ys = axis(2, grid)
        var set: [Parameter] = []
        for h in hs { for y in ys { for x in xs { set.append(Parameter([h, x, y])) } } }
        return set
    }

    /// The nodal field on the whole mesh (zero on the boundary).
    public func field(_ free: [Double]) -> [Double] { elimination.expand(free) }

    /// The training set: `heights` values of μ₀ (evenly from 10/heights to 10) times a
    /// `grid`×`grid` grid of centres, and μ₀ = 0 once.
    public func trainingSet(heights: Int, grid: Int) -> [Parameter] {
        var set = [Parameter([0, 0.5, 0.5])]
        for h in 1...heights {
            for j in 0..<grid {
                for i in 0..<grid {
                    let step = grid > 1 ? 0.6 / Double(grid - 1) : 0
                    set.append(Parameter([10 * Double(h) / Double(heights), 0.2 + step * Double(i), 0.2 + step * Double(j)]))
                }
            }
        }
        return set
    }
}
