import LinearAlgebra

/// Dirichlet conditions by elimination: the system A u = b with u = g on the constrained dofs
/// becomes A_ff u_f = b_f − A_fc g_c on the free dofs.
///
/// The restriction is a gather of values: every matrix on the same full pattern (each affine term
/// A_q of a parametric operator) restricts to the same free-dof pattern, so A_ff(μ) = Σ θ_q(μ) A_q,ff
/// holds term by term and one symbolic Cholesky analysis serves all μ. The lifting A_fc g_c of
/// each term is its own affine right-hand-side term.
public struct DirichletElimination: Sendable {
    /// Total number of dofs.
    public let dofCount: Int
    /// The constrained dofs, ascending.
    public let constrainedDofs: [Int]
    /// The free dofs, ascending.
    public let freeDofs: [Int]
    /// Position of each dof among the free ones, or −1 when constrained.
    public let freeIndex: [Int]

    /// Eliminates `constrained` among `dofCount` dofs.
    public init(dofCount: Int, constrained: [Int]) {
        var index = [Int](repeating: 0, count: dofCount)
        for dof in constrained {
            precondition(dof >= 0 && dof < dofCount, "DirichletElimination: dof \(dof) outside 0..<\(dofCount)")
            index[dof] = -1
        }
        var free = [Int]()
        for dof in 0..<dofCount where index[dof] == 0 { index[dof] = free.count; free.append(dof) }
        self.dofCount = dofCount
        constrainedDofs = Array(Set(constrained)).sorted()
        freeDofs = free
        freeIndex = index
    }

    /// Eliminates the dofs of `space` on the boundary facets tagged `tags` (all when nil), in
    /// `components` (all when nil).
    public init(space: FunctionSpace, tags: Set<Int>? = nil, components: [Int]? = nil) {
        self.init(dofCount: space.dofCount, constrained: space.boundaryDofs(tags: tags, components: components))
    }

    /// A_ff: the rows and columns of the free dofs (pattern and order deterministic).
    public func restrict(_ a: SparseMatrix) -> SparseMatrix {
        precondition(a.rows == dofCount && a.columns == dofCount, "DirichletElimination: \(a.rows)×\(a.columns) matrix for \(dofCount) dofs")
        var pointers = [0], columns = [Int](), values = [Double]()
        columns.reserveCapacity(a.nonzeroCount)
        values.reserveCapacity(a.nonzeroCount)
        for i in freeDofs {
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] {
                let j = freeIndex[a.columnIndices[k]]
                if j >= 0 { columns.append(j); values.append(a.values[k]) }
            }
            pointers.append(columns.count)
        }
        return SparseMatrix(rows: freeDofs.count, columns: freeDofs.count, rowPointers: pointers, columnIndices: columns, values: values)
    }

    /// b_f, the free entries of a full vector.
    public func restrict(_ b: [Double]) -> [Double] {
        precondition(b.count == dofCount, "DirichletElimination: vector of \(b.count) for \(dofCount) dofs")
        return freeDofs.map { b[$0] }
    }

    /// A_fc g_c: the lifting of the boundary values `g` (a full vector; only its constrained
    /// entries are read). Subtract it from b_f.
    public func lifting(_ a: SparseMatrix, values g: [Double]) -> [Double] {
        precondition(g.count == dofCount, "DirichletElimination: boundary values of \(g.count) for \(dofCount) dofs")
        var result = [Double](repeating: 0, count: freeDofs.count)
        for (f, i) in freeDofs.enumerated() {
            var sum = 0.0
            for k in a.rowPointers[i]..<a.rowPointers[i + 1] where freeIndex[a.columnIndices[k]] < 0 {
                sum += a.values[k] * g[a.columnIndices[k]]
            }
            result[f] = sum
        }
        return result
    }

    /// The reduced right-hand side b_f − A_fc g_c.
    public func rightHandSide(_ a: SparseMatrix, _ b: [Double], values g: [Double]) -> [Double] {
        let lift = lifting(a, values: g)
        return zip(restrict(b), lift).map { $0 - $1 }
    }

    /// The full vector: `free` on the free dofs, `g` on the constrained ones (zero when nil).
    public func expand(_ free: [Double], values g: [Double]? = nil) -> [Double] {
        precondition(free.count == freeDofs.count, "DirichletElimination: \(free.count) free values for \(freeDofs.count) free dofs")
        var u = g ?? [Double](repeating: 0, count: dofCount)
        for (f, i) in freeDofs.enumerated() { u[i] = free[f] }
        return u
    }
}
