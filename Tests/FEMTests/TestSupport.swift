import Foundation
import FEM
import LinearAlgebra
import TestSupport

/// −Δu = f with u = g on the whole boundary, solved by elimination and CHOLMOD.
func solvePoisson(mesh: Mesh, order: Int, source: Coefficient, boundary g: (SIMD3<Double>) -> Double = { _ in 0 }) throws
    -> (space: FunctionSpace, u: [Double]) {
    let space = FunctionSpace(mesh: mesh, order: order)
    let assembler = Assembler(space: space)
    let a = assembler.assemble(.diffusion())
    let b = assembler.assemble(.source(source))
    let dirichlet = DirichletElimination(space: space)
    let lifting = space.interpolate(g)
    let uf = try CholeskyFactorization(dirichlet.restrict(a)).solve(dirichlet.rightHandSide(a, b, values: lifting))
    return (space, dirichlet.expand(uf, values: lifting))
}

/// The smooth manufactured solution Π sin(π xₐ) of −Δu = d π² u with u = 0 on the unit box.
struct SineSolution {
    let dimension: Int
    func value(_ x: SIMD3<Double>) -> Double { (0..<dimension).reduce(1) { $0 * sin(Double.pi * x[$1]) } }
    func gradient(_ x: SIMD3<Double>) -> SIMD3<Double> {
        var g = SIMD3<Double>.zero
        for a in 0..<dimension {
            g[a] = (0..<dimension).reduce(1) { $0 * ($1 == a ? Double.pi * cos(Double.pi * x[$1]) : sin(Double.pi * x[$1])) }
        }
        return g
    }
    var source: Coefficient {
        let d = dimension
        return .function { x in Double(d) * Double.pi * Double.pi * (0..<d).reduce(1) { $0 * sin(Double.pi * x[$1]) } }
    }
}

func unitMesh(dimension: Int, _ n: Int) -> Mesh {
    switch dimension {
    case 1: return .interval(n)
    case 2: return .rectangle(n, n)
    default: return .box(n, n, n)
    }
}

/// Observed rate log₂(e_h / e_{h/2}).
func rate(_ coarse: Double, _ fine: Double) -> Double { log2(coarse / fine) }

/// A fresh scratch folder for a FEM test; the caller removes it (`defer { folder.remove() }`).
func scratchFolder() throws -> TemporaryFolder { try TemporaryFolder("femtests") }
