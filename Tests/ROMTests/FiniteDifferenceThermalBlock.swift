import LinearAlgebra
import ROM

/// A finite-difference thermal block for tests (no FEM): −∇·(μ_b ∇u) = 1 on the unit square with
/// u = 0 on the boundary, B×B blocks, the 5-point scheme on an n×n interior grid. Each grid edge
/// carries the diffusivity of the block holding its midpoint, so A(μ) = Σ_b μ_b A_b with every
/// A_b positive semidefinite and Σ A_b the Laplacian: X = Σ A_b is the energy product at μ = 1
/// and the min-θ bound holds with α(1) = 1.
func finiteDifferenceThermalBlock(blocks: Int, n: Int) throws -> AffineProblem {
    let h = 1.0 / Double(n + 1)
    let order = n * n
    var builders = (0..<(blocks * blocks)).map { _ in SparseBuilder<Double>(rows: order, columns: order) }
    func block(_ x: Double, _ y: Double) -> Int {
        min(Int(x * Double(blocks)), blocks - 1) + blocks * min(Int(y * Double(blocks)), blocks - 1)
    }
    // Every edge between grid points (i, j) and its right / upper neighbour, boundary points included.
    for j in 0...(n + 1) {
        for i in 0...(n + 1) {
            for (di, dj) in [(1, 0), (0, 1)] {
                let i2 = i + di, j2 = j + dj
                guard i2 <= n + 1, j2 <= n + 1 else { continue }
                let interior1 = i >= 1 && i <= n && j >= 1 && j <= n
                let interior2 = i2 >= 1 && i2 <= n && j2 >= 1 && j2 <= n
                guard interior1 || interior2 else { continue }
                let b = block((Double(i) + Double(di) / 2) * h, (Double(j) + Double(dj) / 2) * h)
                let w = 1 / (h * h)
                let k1 = (i - 1) + (j - 1) * n, k2 = (i2 - 1) + (j2 - 1) * n
                if interior1 { builders[b].add(k1, k1, w) }
                if interior2 { builders[b].add(k2, k2, w) }
                if interior1 && interior2 {
                    builders[b].add(k1, k2, -w)
                    builders[b].add(k2, k1, -w)
                }
            }
        }
    }
    // One shared pattern: every term gets the union pattern (explicit zeros).
    let terms = builders.map { $0.build() }
    let union = SparseMatrix.linearCombination(terms.map { (1.0, $0) })
    let shared = terms.map { term in
        SparseMatrix.linearCombination([(1.0, union), (-1.0, union), (1.0, term)])
    }.map { m -> SparseMatrix in
        var values = [Double](repeating: 0, count: union.nonzeroCount)
        for i in 0..<union.rows {
            for k in union.rowPointers[i]..<union.rowPointers[i + 1] { values[k] = m[i, union.columnIndices[k]] }
        }
        return SparseMatrix(rows: union.rows, columns: union.columns, rowPointers: union.rowPointers,
                            columnIndices: union.columnIndices, values: values)
    }
    let space = try ParameterSpace(prefix: "diffusion", count: blocks * blocks, lower: 0.1, upper: 1)
    let decomposition = try AffineDecomposition(
        operators: shared, operatorCoefficients: (0..<(blocks * blocks)).map { ParameterFunction.component($0) },
        rightHandSides: [[Double](repeating: 1, count: order)], rightHandSideCoefficients: [.constant(1)],
        outputs: [[Double](repeating: h * h, count: order)])
    return try AffineProblem(parameterSpace: space, decomposition: decomposition, innerProduct: .weighted(by: union),
                             coercivityBound: .minTheta(reference: [Double](repeating: 1, count: blocks * blocks), referenceConstant: 1))
}
