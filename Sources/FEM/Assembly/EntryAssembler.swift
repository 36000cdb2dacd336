import LinearAlgebra

/// A few entries of an assembled matrix without assembling it: for each wanted entry (i, j) the
/// cells that hold both dofs, their quadrature points and shape functions, precomputed once; then
/// `entries(_:)` integrates the form over those cells only, with the assembler's quadrature rule,
/// so the values equal the assembled ones to round-off. What the nonintrusive reduced basis reads
/// online (its "magic entries"): the cost is that of a few cells, not of the mesh.
public struct EntryAssembler: Sendable {
    /// The entries (row dof, column dof), in the order `entries` returns them.
    public let positions: [(row: Int, column: Int)]
    private let records: [Record]
    /// Per cell used (slot s) and point q, at s·Q + q: the quadrature point and its weight.
    private let points: [QuadraturePoint], weights: [Double]
    /// The shape functions at (s·Q + q)·L + e.
    private let shapes: [ShapeFunction]
    /// Per record r and point q, at r·Q + q: ∇φ_b · ∇φ_a and φ_b φ_a (`gradientInner`, `inner`), the
    /// kernels of the built-in terms (`PointwiseTerms`), so their entries read no shape functions.
    private let gradientKernels: [Double], valueKernels: [Double]
    private let pointsPerCell: Int, localCount: Int
    /// Number of cells the entries touch.
    public let cellCount: Int
    /// The quadrature degree the entries are integrated to.
    public let degree: Int

    /// One cell's contribution to one entry: local dofs a (row) and b (column) of cell slot `slot`.
    private struct Record: Sendable { let position: Int, slot: Int, a: Int, b: Int }

    /// Prepares the entries `positions` (global dof numbers of `space`) of forms integrated to
    /// `quadratureDegree` (use `BilinearForm.quadratureDegree(for:)` of the form to evaluate).
    public init(space: FunctionSpace, positions: [(row: Int, column: Int)], quadratureDegree: Int) {
        self.positions = positions
        degree = quadratureDegree
        let mesh = space.mesh, d = mesh.dimension, k = d + 1, m = space.element.count, C = space.components, L = m * C
        let dofs = space.allCellDofs
        var cellsOfDof = [Int: [Int]]()
        let wanted = Set(positions.flatMap { [$0.row, $0.column] })
        for c in 0..<mesh.cellCount { for e in 0..<L where wanted.contains(dofs[c * L + e]) { cellsOfDof[dofs[c * L + e], default: []].append(c) } }
        var slotOf = [Int: Int](), cells: [Int] = [], records: [Record] = []
        for (p, position) in positions.enumerated() {
            let shared = Set(cellsOfDof[position.row] ?? []).intersection(cellsOfDof[position.column] ?? []).sorted()
            for c in shared {
                let slot = slotOf[c] ?? { cells.append(c); slotOf[c] = cells.count - 1; return cells.count - 1 }()
                let local = Array(dofs[(c * L)..<((c + 1) * L)])
                for a in 0..<L where local[a] == position.row {
                    for b in 0..<L where local[b] == position.column { records.append(Record(position: p, slot: slot, a: a, b: b)) }
                }
            }
        }
        self.records = records
        let rule = QuadratureRule(dimension: d, degree: Swift.max(quadratureDegree, 0))
        let values = rule.points.map { space.element.values(at: $0) }
        let gradients = rule.points.map { space.element.gradients(at: $0) }
        var points: [QuadraturePoint] = [], weights: [Double] = [], shapes: [ShapeFunction] = []
        mesh.cells.withUnsafeBufferPointer { nodes in
            mesh.coordinates.withUnsafeBufferPointer { x in
                for c in cells {
                    let g = AffineGeometry(nodes: nodes, first: k * c, vertexCount: k, dimension: d, coordinates: x)
                    for q in 0..<rule.count {
                        points.append(QuadraturePoint(x: g.point(rule.points[q]), cell: c, region: mesh.regions[c]))
                        weights.append(rule.weights[q] * g.measureFactor)
                        for e in 0..<L { shapes.append(ShapeFunction(value: values[q][e / C], gradient: g.gradient(gradients[q][e / C]), component: e % C)) }
                    }
                }
            }
        }
        pointsPerCell = rule.count
        localCount = L
        cellCount = cells.count
        self.points = points
        self.weights = weights
        self.shapes = shapes
        let nq = rule.count
        gradientKernels = records.flatMap { r in (0..<nq).map { q in
            gradientInner(shapes[(r.slot * nq + q) * L + r.b], shapes[(r.slot * nq + q) * L + r.a]) } }
        valueKernels = records.flatMap { r in (0..<nq).map { q in
            inner(shapes[(r.slot * nq + q) * L + r.b], shapes[(r.slot * nq + q) * L + r.a]) } }
    }

    /// The entries of `form`'s matrix at `positions` (0 where no cell holds both dofs).
    public func entries(_ form: BilinearForm) -> [Double] {
        var out = [Double](repeating: 0, count: positions.count)
        out.withUnsafeMutableBufferPointer { entries(form, into: $0) }
        return out
    }

    /// The entries into `out` (`positions.count` values). A form of built-in terms
    /// (`PointwiseTerms`: diffusion, mass) has its coefficients evaluated once per quadrature
    /// point of the cells used, then summed over the records; any other form calls its integrand
    /// per record and point.
    public func entries(_ form: BilinearForm, into out: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<out.count { out[i] = 0 }
        let nq = pointsPerCell, L = localCount
        records.withUnsafeBufferPointer { rs in
        shapes.withUnsafeBufferPointer { s in
        points.withUnsafeBufferPointer { x in
        weights.withUnsafeBufferPointer { w in
            if let pointwise = form.pointwise {
                pointwiseEntries(pointwise, records: rs, points: x, weights: w, into: out)
            } else {
                let integrand = form.integrand
                for r in rs {
                    var sum = 0.0
                    for q in 0..<nq {
                        let p = r.slot * nq + q
                        sum += w[p] * integrand(s[p * L + r.b], s[p * L + r.a], x[p])
                    }
                    out[r.position] += sum
                }
            }
        }}}}
    }
}

extension EntryAssembler {
    /// Σ over the records of w_p (Σ_t c_t(x_p) k_t), the c_t once per point of the cells used and
    /// the kernels from the tables: the integrand's value in its own order of operations.
    private func pointwiseEntries(_ pointwise: PointwiseTerms, records rs: UnsafeBufferPointer<Record>,
                                  points x: UnsafeBufferPointer<QuadraturePoint>, weights w: UnsafeBufferPointer<Double>,
                                  into out: UnsafeMutableBufferPointer<Double>) {
        let nq = pointsPerCell, terms = pointwise.terms, t = terms.count
        gradientKernels.withUnsafeBufferPointer { g in
        valueKernels.withUnsafeBufferPointer { v in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(t * x.count, 1)) { c in
            for p in 0..<x.count { pointwise.evaluate(at: x[p], into: UnsafeMutableBufferPointer(rebasing: c[(p * t)..<(p * t + t)])) }
            for (index, r) in rs.enumerated() {
                var sum = 0.0
                for q in 0..<nq {
                    let p = r.slot * nq + q, rq = index * nq + q
                    var value = c[p * t] * (terms[0].kernel == .gradients ? g[rq] : v[rq])
                    for j in 1..<t { value += c[p * t + j] * (terms[j].kernel == .gradients ? g[rq] : v[rq]) }
                    sum += w[p] * value
                }
                out[r.position] += sum
            }
        }}}
    }
}

extension BilinearForm {
    /// The quadrature degree the assembler uses for this form on elements of `order`.
    public func quadratureDegree(for order: Int) -> Int { degree(order) }
}
