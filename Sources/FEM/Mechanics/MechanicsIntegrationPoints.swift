import LinearAlgebra
import Materials

/// The integration points of small-strain mechanics on a P1 or P2 displacement space of a
/// tetrahedral mesh: for every cell and quadrature point, its position, its weight
/// w_k = ŵ_q |det J| and the physical gradients of the cell's basis functions, from which the
/// strain–displacement operator B_k is applied (never stored as a matrix).
///
/// Points are numbered cell-major: point k = `pointsPerCell · cell + q`. Strains and stresses
/// follow ``Voigt`` (11, 22, 33, 23, 13, 12; engineering shears), 6 numbers per point.
///
/// The default rule has degree 2(order − 1): the centroid for P1 and the 4-point rule for P2,
/// which integrates the P2 stiffness exactly on affine cells (the linear-elasticity form of
/// ``BilinearForm/elasticity(lambda:mu:)`` uses the same rule).
public struct MechanicsIntegrationPoints: Sendable {
    /// The displacement space (3 components on a 3D mesh).
    public let space: FunctionSpace
    /// The reference rule.
    public let rule: QuadratureRule
    /// Points per cell.
    public var pointsPerCell: Int { rule.count }
    /// Number of points.
    public let count: Int
    /// w_k = ŵ_q |det J_cell| (they sum to the mesh volume).
    public let weights: [Double]
    /// Positions, 3 per point.
    public let positions: [Double]
    /// Physical gradients of the m local basis functions, 3m per point.
    let gradients: [Double]
    /// The dofs of every cell (3m per cell).
    let cellDofs: [Int]

    /// The points of `space` with a rule exact to `quadratureDegree` (default 2(order − 1)).
    /// - Throws: ``MechanicsError/unsupportedSpace(_:)`` unless the space is a 3-component space on
    ///   a tetrahedral mesh.
    public init(space: FunctionSpace, quadratureDegree: Int? = nil) throws {
        guard space.mesh.dimension == 3, space.components == 3 else {
            throw MechanicsError.unsupportedSpace("a 3D mesh and 3 displacement components are needed, got dimension \(space.mesh.dimension), \(space.components) components")
        }
        self.space = space
        let rule = QuadratureRule(dimension: 3, degree: quadratureDegree ?? 2 * (space.element.order - 1))
        self.rule = rule
        let mesh = space.mesh, m = space.element.count, nq = rule.count
        count = mesh.cellCount * nq
        let reference = rule.points.map { space.element.gradients(at: $0) }
        var weights = [Double](repeating: 0, count: count)
        var positions = [Double](repeating: 0, count: 3 * count)
        var gradients = [Double](repeating: 0, count: 3 * m * count)
        mesh.cells.withUnsafeBufferPointer { cells in
            mesh.coordinates.withUnsafeBufferPointer { x in
                for c in 0..<mesh.cellCount {
                    let g = AffineGeometry(nodes: cells, first: 4 * c, vertexCount: 4, dimension: 3, coordinates: x)
                    for q in 0..<nq {
                        let k = c * nq + q
                        weights[k] = rule.weights[q] * g.measureFactor
                        let p = g.point(rule.points[q])
                        for a in 0..<3 { positions[3 * k + a] = p[a] }
                        for b in 0..<m {
                            let grad = g.gradient(reference[q][b])
                            for a in 0..<3 { gradients[3 * (m * k + b) + a] = grad[a] }
                        }
                    }
                }
            }
        }
        self.weights = weights
        self.positions = positions
        self.gradients = gradients
        cellDofs = space.allCellDofs
    }

    /// The position of point `k`.
    public func position(_ k: Int) -> SIMD3<Double> { SIMD3(positions[3 * k], positions[3 * k + 1], positions[3 * k + 2]) }

    /// The strains of the displacement `u` (full dof vector) at the points of `cells`, written to
    /// `strain` (6 per point, indexed by the global point number).
    @inline(__always)
    func strains(_ u: UnsafeBufferPointer<Double>, cells: Range<Int>, gradients g: UnsafeBufferPointer<Double>,
                 dofs: UnsafeBufferPointer<Int>, into strain: UnsafeMutableBufferPointer<Double>) {
        let m = space.element.count, nq = rule.count, L = 3 * m
        for c in cells {
            for q in 0..<nq {
                let k = c * nq + q
                var e0 = 0.0, e1 = 0.0, e2 = 0.0, e3 = 0.0, e4 = 0.0, e5 = 0.0
                for b in 0..<m {
                    let gx = g[3 * (m * k + b)], gy = g[3 * (m * k + b) + 1], gz = g[3 * (m * k + b) + 2]
                    let ux = u[dofs[L * c + 3 * b]], uy = u[dofs[L * c + 3 * b + 1]], uz = u[dofs[L * c + 3 * b + 2]]
                    e0 += gx * ux; e1 += gy * uy; e2 += gz * uz
                    e3 += gz * uy + gy * uz; e4 += gz * ux + gx * uz; e5 += gy * ux + gx * uy
                }
                strain[6 * k] = e0; strain[6 * k + 1] = e1; strain[6 * k + 2] = e2
                strain[6 * k + 3] = e3; strain[6 * k + 4] = e4; strain[6 * k + 5] = e5
            }
        }
    }

    /// The strains of the displacement `u` at every point: 6 per point (Voigt, engineering shears).
    public func strains(of u: [Double]) -> [Double] {
        precondition(u.count == space.dofCount, "MechanicsIntegrationPoints: \(u.count) values for \(space.dofCount) dofs")
        var strain = [Double](repeating: 0, count: 6 * count)
        u.withUnsafeBufferPointer { u in
            gradients.withUnsafeBufferPointer { g in
                cellDofs.withUnsafeBufferPointer { dofs in
                    strain.withUnsafeMutableBufferPointer { out in
                        let target = UncheckedSendable(out)
                        let source = UncheckedSendable((u, g, dofs))
                        Parallelism.forEachChunk(of: space.mesh.cellCount, chunks: Self.chunks(space.mesh.cellCount)) { cells in
                            strains(source.value.0, cells: cells, gradients: source.value.1, dofs: source.value.2, into: target.value)
                        }
                    }
                }
            }
        }
        return strain
    }

    /// The strains of each column of `fields` (full dof vectors, e.g. POD modes) at every point:
    /// a (6 · count) × columns matrix, row 6k + i holding component i at point k. With the
    /// weights, this is what an empirical cubature needs: σ(u_i)(x_k) : ε(ψ_n)(x_k) w_k.
    public func strains(of fields: Matrix) -> Matrix {
        precondition(fields.rows == space.dofCount, "MechanicsIntegrationPoints: fields of \(fields.rows) rows for \(space.dofCount) dofs")
        var result = Matrix(rows: 6 * count, columns: fields.columns)
        for j in 0..<fields.columns { result.setColumn(j, to: strains(of: fields.column(j))) }
        return result
    }

    /// Adds Σ_k w_k B_kᵀ σ_k over the points of `cells` into `force` (a full dof vector).
    @inline(__always)
    func addInternalForce(stress s: UnsafeBufferPointer<Double>, cells: Range<Int>, gradients g: UnsafeBufferPointer<Double>,
                          dofs: UnsafeBufferPointer<Int>, weights w: UnsafeBufferPointer<Double>,
                          into force: UnsafeMutableBufferPointer<Double>) {
        let m = space.element.count, nq = rule.count, L = 3 * m
        for c in cells {
            for q in 0..<nq {
                let k = c * nq + q, wk = w[k]
                let s0 = s[6 * k], s1 = s[6 * k + 1], s2 = s[6 * k + 2], s3 = s[6 * k + 3], s4 = s[6 * k + 4], s5 = s[6 * k + 5]
                for b in 0..<m {
                    let gx = g[3 * (m * k + b)], gy = g[3 * (m * k + b) + 1], gz = g[3 * (m * k + b) + 2]
                    force[dofs[L * c + 3 * b]] += wk * (gx * s0 + gz * s4 + gy * s5)
                    force[dofs[L * c + 3 * b + 1]] += wk * (gy * s1 + gz * s3 + gx * s5)
                    force[dofs[L * c + 3 * b + 2]] += wk * (gz * s2 + gy * s3 + gx * s4)
                }
            }
        }
    }

    /// Adds the element matrices Σ_q w_k B_kᵀ C_k B_k of `cells` into `values` (the assembler's
    /// pattern) through `scatter`; `symmetric` averages each element matrix with its transpose,
    /// so the assembled matrix is symmetric to the last bit (what CHOLMOD's check asks).
    func addTangent(tangent t: UnsafeBufferPointer<Double>, cells: Range<Int>, gradients g: UnsafeBufferPointer<Double>,
                    weights w: UnsafeBufferPointer<Double>, scatter: UnsafeBufferPointer<Int32>, symmetric: Bool,
                    into values: UnsafeMutableBufferPointer<Double>) {
        let m = space.element.count, nq = rule.count, L = 3 * m
        let local = UnsafeMutableBufferPointer<Double>.allocate(capacity: L * L)
        let cb = UnsafeMutableBufferPointer<Double>.allocate(capacity: 6 * L)
        let bRows = UnsafeMutableBufferPointer<Int>.allocate(capacity: 3 * L)
        let bValues = UnsafeMutableBufferPointer<Double>.allocate(capacity: 3 * L)
        defer { local.deallocate(); cb.deallocate(); bRows.deallocate(); bValues.deallocate() }
        // The three nonzero rows of B's column (b, i): (ε₁₁, γ₁₃, γ₁₂), (ε₂₂, γ₂₃, γ₁₂), (ε₃₃, γ₂₃, γ₁₃).
        let rowsOf = [[0, 4, 5], [1, 3, 5], [2, 3, 4]]
        let axesOf = [[0, 2, 1], [1, 2, 0], [2, 1, 0]]
        for c in cells {
            local.update(repeating: 0)
            for q in 0..<nq {
                let k = c * nq + q, wk = w[k]
                for b in 0..<m {
                    for i in 0..<3 {
                        let e = 3 * b + i
                        for r in 0..<3 {
                            bRows[3 * e + r] = rowsOf[i][r]
                            bValues[3 * e + r] = g[3 * (m * k + b) + axesOf[i][r]]
                        }
                    }
                }
                // C B, column by column (6 × L).
                for e in 0..<L {
                    for row in 0..<6 {
                        var sum = 0.0
                        for r in 0..<3 { sum += t[36 * k + 6 * row + bRows[3 * e + r]] * bValues[3 * e + r] }
                        cb[6 * e + row] = sum
                    }
                }
                for e in 0..<L {
                    for f in 0..<L {
                        var sum = 0.0
                        for r in 0..<3 { sum += bValues[3 * e + r] * cb[6 * f + bRows[3 * e + r]] }
                        local[e * L + f] += wk * sum
                    }
                }
            }
            if symmetric {
                for e in 0..<L {
                    for f in (e + 1)..<max(L, e + 1) {
                        let mean = 0.5 * (local[e * L + f] + local[f * L + e])
                        local[e * L + f] = mean
                        local[f * L + e] = mean
                    }
                }
            }
            let base = L * L * c
            for e in 0..<(L * L) { values[Int(scatter[base + e])] += local[e] }
        }
    }

    /// Parts of a loop over `cells` cells (one part below 2048 cells, as the assembler does).
    static func chunks(_ cells: Int) -> Int { max(1, min(Parallelism.threadCount, cells / 2048)) }
}
