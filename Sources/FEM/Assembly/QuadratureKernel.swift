/// Element matrices and vectors of any form by quadrature: reference basis values and gradients
/// tabulated once at the quadrature points, mapped per cell by the affine geometry, the integrand
/// called for each pair of local dofs and each point. Scratch buffers are allocated once per call.
struct QuadratureKernel: Sendable {
    let space: FunctionSpace
    let rule: QuadratureRule
    /// φₐ(ξ_q) at `q * m + a`.
    let basisValues: [Double]
    /// ∇̂φₐ(ξ_q) at `q * m + a`.
    let basisGradients: [SIMD3<Double>]

    init(space: FunctionSpace, degree: Int) {
        self.space = space
        let rule = QuadratureRule(dimension: space.mesh.dimension, degree: max(degree, 0))
        self.rule = rule
        basisValues = rule.points.flatMap { space.element.values(at: $0) }
        basisGradients = rule.points.flatMap { space.element.gradients(at: $0) }
    }

    /// Calls `body(cell, geometry, q, point, weight, gradients)` for each quadrature point of `cells`,
    /// with the physical gradients of the m basis functions in `gradients`.
    @inline(__always)
    func forEachPoint(cells range: Range<Int>,
                      _ body: (Int, Int, QuadraturePoint, Double, UnsafeMutableBufferPointer<SIMD3<Double>>) -> Void) {
        let mesh = space.mesh, d = mesh.dimension, k = d + 1, m = space.element.count
        let gradients = UnsafeMutableBufferPointer<SIMD3<Double>>.allocate(capacity: m)
        defer { gradients.deallocate() }
        mesh.cells.withUnsafeBufferPointer { cells in
        mesh.coordinates.withUnsafeBufferPointer { x in
        basisGradients.withUnsafeBufferPointer { refGradients in
            for c in range {
                let g = AffineGeometry(nodes: cells, first: k * c, vertexCount: k, dimension: d, coordinates: x)
                for q in 0..<rule.count {
                    for a in 0..<m { gradients[a] = g.gradient(refGradients[q * m + a]) }
                    let point = QuadraturePoint(x: g.point(rule.points[q]), cell: c, region: mesh.regions[c])
                    body(c, q, point, rule.weights[q] * g.measureFactor, gradients)
                }
            }
        }}}
    }

    /// Adds the element matrices of `form` over `cells` into `values` through `scatter`. A form of
    /// built-in terms (`PointwiseTerms`) has its coefficients evaluated once per point.
    func matrix(_ form: BilinearForm, scatter: [Int32], cells range: Range<Int>,
                into values: UnsafeMutableBufferPointer<Double>) {
        let m = space.element.count, C = space.components, L = m * C
        let local = UnsafeMutableBufferPointer<Double>.allocate(capacity: L * L)
        defer { local.deallocate() }
        let integrand = form.integrand, pointwise = form.pointwise
        let coefficients = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(pointwise?.terms.count ?? 0, 1))
        defer { coefficients.deallocate() }
        var current = -1
        func flush() {
            guard current >= 0 else { return }
            let base = L * L * current
            for e in 0..<(L * L) { values[Int(scatter[base + e])] += local[e] }
        }
        forEachPoint(cells: range) { c, q, point, weight, gradients in
            if c != current { flush(); current = c; local.update(repeating: 0) }
            pointwise?.evaluate(at: point, into: coefficients)
            for a in 0..<m {
                for ca in 0..<C {
                    let v = ShapeFunction(value: basisValues[q * m + a], gradient: gradients[a], component: ca)
                    let row = (a * C + ca) * L
                    for b in 0..<m {
                        for cb in 0..<C {
                            let u = ShapeFunction(value: basisValues[q * m + b], gradient: gradients[b], component: cb)
                            let value = pointwise.map { $0.value(u, v, coefficients: coefficients) } ?? integrand(u, v, point)
                            local[row + b * C + cb] += weight * value
                        }
                    }
                }
            }
        }
        flush()
    }

    /// Adds the element vectors of ∫ f v over `cells` into `values` (a scalar space): f once per
    /// quadrature point, no gradients, then its share w f φ_a to each of the cell's dofs.
    func source(_ f: Coefficient, cells range: Range<Int>, into values: UnsafeMutableBufferPointer<Double>) {
        let mesh = space.mesh, d = mesh.dimension, k = d + 1, m = space.element.count
        mesh.cells.withUnsafeBufferPointer { cells in
        mesh.coordinates.withUnsafeBufferPointer { x in
        space.cellNodes.withUnsafeBufferPointer { nodes in
        basisValues.withUnsafeBufferPointer { phi in
            for c in range {
                let g = AffineGeometry(nodes: cells, first: k * c, vertexCount: k, dimension: d, coordinates: x)
                let region = mesh.regions[c], measure = g.measureFactor
                for q in 0..<rule.count {
                    let point = QuadraturePoint(x: g.point(rule.points[q]), cell: c, region: region)
                    let share = rule.weights[q] * measure * f.value(at: point)
                    for a in 0..<m { values[nodes[m * c + a]] += share * phi[q * m + a] }
                }
            }
        }}}}
    }

    /// Adds the element vectors of `cells` into `values`.
    func vector(_ integrand: LinearIntegrand, cells range: Range<Int>, into values: UnsafeMutableBufferPointer<Double>) {
        let m = space.element.count, C = space.components
        space.cellNodes.withUnsafeBufferPointer { nodes in
            forEachPoint(cells: range) { c, q, point, weight, gradients in
                for a in 0..<m {
                    for ca in 0..<C {
                        let v = ShapeFunction(value: basisValues[q * m + a], gradient: gradients[a], component: ca)
                        values[C * nodes[m * c + a] + ca] += weight * integrand(v, point)
                    }
                }
            }
        }
    }
}

/// Boundary-facet integrals: the facet's own (d − 1)-simplex element and rule; basis functions are
/// the traces of the cell's (values only, gradients zero); entries land on the shared pattern.
struct FacetKernel {
    let space: FunctionSpace
    let element: ReferenceElement
    let rule: QuadratureRule
    let basisValues: [Double]

    init(space: FunctionSpace, degree: Int) {
        self.space = space
        let element = ReferenceElement(dimension: space.mesh.dimension - 1, order: space.element.order)
        let rule = QuadratureRule(dimension: element.dimension, degree: max(degree, 0))
        self.element = element
        self.rule = rule
        basisValues = rule.points.flatMap { element.values(at: $0) }
    }

    func forEachPoint(tags: Set<Int>?, _ body: (_ dofs: [Int], _ q: Int, QuadraturePoint, _ weight: Double) -> Void) {
        let mesh = space.mesh, d = mesh.dimension, C = space.components
        mesh.boundaryFacets.withUnsafeBufferPointer { facets in
        mesh.coordinates.withUnsafeBufferPointer { x in
            for f in 0..<mesh.facetCount where tags?.contains(mesh.boundaryTags[f]) ?? true {
                let g = AffineGeometry(nodes: facets, first: d * f, vertexCount: d, dimension: d, coordinates: x)
                let dofs = space.facetNodes(f).flatMap { node in (0..<C).map { C * node + $0 } }
                for q in 0..<rule.count {
                    let point = QuadraturePoint(x: g.point(rule.points[q]), cell: f, region: mesh.boundaryTags[f])
                    body(dofs, q, point, rule.weights[q] * g.measureFactor)
                }
            }
        }}
    }

    func matrix(_ integrand: BilinearIntegrand, pattern: SparsityPattern, tags: Set<Int>?, into values: inout [Double]) {
        let m = element.count, C = space.components
        forEachPoint(tags: tags) { dofs, q, point, weight in
            for a in 0..<m {
                for ca in 0..<C {
                    let v = ShapeFunction(value: basisValues[q * m + a], gradient: .zero, component: ca)
                    for b in 0..<m {
                        for cb in 0..<C {
                            let u = ShapeFunction(value: basisValues[q * m + b], gradient: .zero, component: cb)
                            let value = weight * integrand(u, v, point)
                            guard value != 0 else { continue }
                            guard let k = pattern.index(row: dofs[a * C + ca], column: dofs[b * C + cb]) else {
                                preconditionFailure("FacetKernel: facet entry outside the cell pattern")
                            }
                            values[k] += value
                        }
                    }
                }
            }
        }
    }

    func vector(_ integrand: LinearIntegrand, tags: Set<Int>?, into values: inout [Double]) {
        let m = element.count, C = space.components
        forEachPoint(tags: tags) { dofs, q, point, weight in
            for a in 0..<m {
                for ca in 0..<C {
                    let v = ShapeFunction(value: basisValues[q * m + a], gradient: .zero, component: ca)
                    values[dofs[a * C + ca]] += weight * integrand(v, point)
                }
            }
        }
    }
}
