/// Closed-form P1 element matrices (diffusion and mass with coefficients constant per region)
/// and the P1 load of a piecewise-constant source: the fast path of `Assembler`.
///
/// P1 gradients are constant on a cell: ∇λᵢ from the inverse Jacobian (in 2D the classical
/// (bᵢ, cᵢ)/det), so K = κ |T| ∇λᵢ·∇λⱼ and M = c |T| (1 + δᵢⱼ)/((d+1)(d+2)), written straight into
/// the CSR values (triangles row by row from the pattern's dof → cell incidences, intervals and
/// tetrahedra cell by cell through the scatter map); no allocation in the loops.
struct P1Kernel: Sendable {
    /// Σ of the diffusion coefficients per region (table, region offset).
    let diffusion: (table: [Double], offset: Int)
    /// Σ of the mass coefficients per region.
    let mass: (table: [Double], offset: Int)
    let hasMass: Bool

    init(diffusion: [(table: [Double], offset: Int)], mass: [(table: [Double], offset: Int)]) {
        func sum(_ terms: [(table: [Double], offset: Int)]) -> (table: [Double], offset: Int) {
            guard let first = terms.first else { return ([0], 0) }
            var table = first.table
            for t in terms.dropFirst() { for k in table.indices { table[k] += t.table[k] } }
            return (table, first.offset)
        }
        let d = sum(diffusion), m = sum(mass)
        hasMass = !mass.isEmpty
        // Both tables span the same regions (the mesh's); an empty list is a table of zeros.
        let offset = diffusion.first?.offset ?? mass.first?.offset ?? 0
        let width = max(d.table.count, m.table.count)
        self.diffusion = (d.table.count == width ? d.table : [Double](repeating: 0, count: width), offset)
        self.mass = (m.table.count == width ? m.table : [Double](repeating: 0, count: width), offset)
    }

    /// Triangles: the values of the rows `rows` of the matrix on `pattern`, each entry the sum over
    /// the row's incident cells in cell order (`values` entries outside those rows are not touched;
    /// inside them every one is written). A cell's gradients (bᵢ, cᵢ)/det are recomputed for each
    /// of its vertices, which costs less than a scatter map and per-thread copies of the values.
    func triangleRows(mesh: Mesh, pattern: SparsityPattern, rows: Range<Int>, into values: UnsafeMutableBufferPointer<Double>) {
        precondition(mesh.dimension == 2, "P1Kernel.triangleRows: a \(mesh.dimension)D mesh")
        let massScale = 1.0 / 12
        let position = UnsafeMutableBufferPointer<Int32>.allocate(capacity: pattern.size)
        defer { position.deallocate() }
        mesh.cells.withUnsafeBufferPointer { cells in
        mesh.coordinates.withUnsafeBufferPointer { x in
        mesh.regions.withUnsafeBufferPointer { regions in
        pattern.incidenceStarts.withUnsafeBufferPointer { start in
        pattern.incidences.withUnsafeBufferPointer { incidence in
        pattern.rowPointers.withUnsafeBufferPointer { pointers in
        pattern.columnIndices.withUnsafeBufferPointer { columns in
        diffusion.table.withUnsafeBufferPointer { kappa in
        mass.table.withUnsafeBufferPointer { rho in
            let offset = diffusion.offset
            for i in rows {
                for o in pointers[i]..<pointers[i + 1] {
                    position[columns[o]] = Int32(truncatingIfNeeded: o)
                    values[o] = 0
                }
                for p in start[i]..<start[i + 1] {
                    let entry = Int(incidence[p]), c = entry / 3, a = entry - 3 * c
                    let n0 = cells[3 * c], n1 = cells[3 * c + 1], n2 = cells[3 * c + 2]
                    let x0 = x[2 * n0], y0 = x[2 * n0 + 1], x1 = x[2 * n1], y1 = x[2 * n1 + 1], x2 = x[2 * n2], y2 = x[2 * n2 + 1]
                    let b = SIMD3(y1 - y2, y2 - y0, y0 - y1), e = SIMD3(x2 - x1, x0 - x2, x1 - x0)
                    let det = abs((x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0))
                    let r = regions[c] - offset
                    let s = kappa[r] / (2 * det), m = rho[r] * det * 0.5 * massScale
                    let row = s * (b[a] * b + e[a] * e)
                    for j in 0..<3 {
                        values[Int(position[cells[3 * c + j]])] += row[j] + (hasMass ? m * (a == j ? 2 : 1) : 0)
                    }
                }
            }
        }}}}}}}}}
    }

    /// Intervals and tetrahedra: adds the element matrices of `cells` into `values` through the
    /// scatter map (a tetrahedron's inverse Jacobian is worth computing once, not per vertex).
    func matrix(mesh: Mesh, scatter: [Int32], cells range: Range<Int>, into values: UnsafeMutableBufferPointer<Double>) {
        let d = mesh.dimension, k = d + 1, L2 = k * k
        let massScale = 1 / Double((d + 1) * (d + 2))
        mesh.cells.withUnsafeBufferPointer { cells in
        mesh.coordinates.withUnsafeBufferPointer { x in
        mesh.regions.withUnsafeBufferPointer { regions in
        scatter.withUnsafeBufferPointer { scatter in
        diffusion.table.withUnsafeBufferPointer { kappa in
        mass.table.withUnsafeBufferPointer { rho in
            let offset = diffusion.offset
            for c in range {
                let g = AffineGeometry(nodes: cells, first: k * c, vertexCount: k, dimension: d, coordinates: x)
                let grads = (-(g.k0 + g.k1 + g.k2), g.k0, g.k1, g.k2)
                func grad(_ i: Int) -> SIMD3<Double> { i == 0 ? grads.0 : i == 1 ? grads.1 : i == 2 ? grads.2 : grads.3 }
                let volume = g.measureFactor / (d == 3 ? 6 : 1)
                let r = regions[c] - offset
                let s = kappa[r] * volume, m = rho[r] * volume * massScale
                let base = L2 * c
                for i in 0..<k {
                    let gi = grad(i)
                    for j in 0..<k {
                        values[Int(scatter[base + k * i + j])] += s * (gi * grad(j)).sum() + m * (i == j ? 2 : 1)
                    }
                }
            }
        }}}}}}
    }

    /// Adds ∫ f λᵢ = f |T| / (d + 1) for the vertices of `cells` into `values`.
    static func load(mesh: Mesh, source: (table: [Double], offset: Int), cells range: Range<Int>,
                     into values: UnsafeMutableBufferPointer<Double>) {
        let d = mesh.dimension, k = d + 1
        let scale = 1 / (Double(k) * (d == 3 ? 6 : Double(d)))
        mesh.cells.withUnsafeBufferPointer { cells in
        mesh.coordinates.withUnsafeBufferPointer { x in
        mesh.regions.withUnsafeBufferPointer { regions in
        source.table.withUnsafeBufferPointer { f in
            for c in range {
                let det: Double
                if d == 2 {
                    let n0 = cells[3 * c], n1 = cells[3 * c + 1], n2 = cells[3 * c + 2]
                    det = abs((x[2 * n1] - x[2 * n0]) * (x[2 * n2 + 1] - x[2 * n0 + 1])
                              - (x[2 * n2] - x[2 * n0]) * (x[2 * n1 + 1] - x[2 * n0 + 1]))
                } else {
                    det = AffineGeometry(nodes: cells, first: k * c, vertexCount: k, dimension: d, coordinates: x).measureFactor
                }
                let share = f[regions[c] - source.offset] * det * scale
                for i in 0..<k { values[cells[k * c + i]] += share }
            }
        }}}}
    }
}
