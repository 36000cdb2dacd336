import LinearAlgebra

/// Assembles bilinear and linear forms on a `FunctionSpace` into sparse matrices and vectors.
///
/// The CSR pattern is computed once, in `init`; every matrix the assembler
/// returns has that pattern (cell terms, boundary terms, each affine term of a parametric
/// operator), so they add value-by-value and a Cholesky analysis is reused across them.
/// The closed-form P1 kernel on triangles splits the rows over `Parallelism.threadCount` threads,
/// each writing its rows' values; the other kernels split the cells, each thread adding into its
/// own value array through the pattern's scatter map.
public struct Assembler: Sendable {
    /// The space of trial and test functions.
    public let space: FunctionSpace
    /// The shared pattern (and its scatter map).
    public let pattern: SparsityPattern

    /// The distinct region tags of the mesh, ascending.
    public let regionTags: [Int]

    /// Computes the pattern of `space`.
    public init(space: FunctionSpace) {
        self.space = space
        var tags = Set<Int>()
        var last = Int.min
        for r in space.mesh.regions where r != last { tags.insert(r); last = r }
        regionTags = tags.sorted()
        pattern = SparsityPattern(cellDofs: space.allCellDofs, localCount: space.localDofCount, size: space.dofCount)
    }

    /// The matrix of `form` over all cells: entry (i, j) = a(φⱼ, φᵢ).
    public func assemble(_ form: BilinearForm) -> SparseMatrix {
        pattern.matrix(values: assembleValues(form))
    }

    /// The values of `form`'s matrix on `pattern` (for `SparseMatrix.refill` or a refactorization).
    public func assembleValues(_ form: BilinearForm) -> [Double] {
        let mesh = space.mesh
        if space.element.order == 1 && space.components == 1, let terms = form.p1Terms {
            let tables = (terms.diffusion + terms.mass).map { $0.regionTable(regions: regionTags)! }
            let kernel = P1Kernel(diffusion: Array(tables[..<terms.diffusion.count]), mass: Array(tables[terms.diffusion.count...]))
            if mesh.dimension == 2 {
                return Self.byRows(of: pattern) { rows, values in
                    kernel.triangleRows(mesh: mesh, pattern: pattern, rows: rows, into: values)
                }
            }
            let scatter = pattern.scatter
            return Self.threaded(count: pattern.nonzeroCount, cells: mesh.cellCount) { range, values in
                kernel.matrix(mesh: mesh, scatter: scatter, cells: range, into: values)
            }
        }
        let kernel = QuadratureKernel(space: space, degree: form.degree(space.element.order)), scatter = pattern.scatter
        return Self.threaded(count: pattern.nonzeroCount, cells: mesh.cellCount) { range, values in
            kernel.matrix(form, scatter: scatter, cells: range, into: values)
        }
    }

    /// The vector of `form` over all cells: entry i = l(φᵢ).
    public func assemble(_ form: LinearForm) -> [Double] {
        let mesh = space.mesh
        if space.element.order == 1 && space.components == 1, let f = form.p1Source {
            let table = f.regionTable(regions: regionTags)!
            return Self.threaded(count: space.dofCount, cells: mesh.cellCount) { range, values in
                P1Kernel.load(mesh: mesh, source: table, cells: range, into: values)
            }
        }
        let kernel = QuadratureKernel(space: space, degree: form.degree(space.element.order))
        if space.components == 1, let f = form.source {
            return Self.threaded(count: space.dofCount, cells: mesh.cellCount) { range, values in
                kernel.source(f, cells: range, into: values)
            }
        }
        return Self.threaded(count: space.dofCount, cells: mesh.cellCount) { range, values in
            kernel.vector(form.integrand, cells: range, into: values)
        }
    }

    /// The matrix of `form` integrated over the boundary facets whose tag is in `tags` (all when
    /// nil), on the shared pattern: a Robin or impedance term. Gradients are zero on facets; the
    /// quadrature point's `region` is the facet's tag.
    public func assembleBoundary(_ form: BilinearForm, tags: Set<Int>? = nil) -> SparseMatrix {
        var values = [Double](repeating: 0, count: pattern.nonzeroCount)
        let kernel = FacetKernel(space: space, degree: form.degree(space.element.order))
        kernel.matrix(form.integrand, pattern: pattern, tags: tags, into: &values)
        return pattern.matrix(values: values)
    }

    /// The vector of `form` integrated over the boundary facets whose tag is in `tags` (all when
    /// nil): a Neumann term ∫_Γ g v.
    public func assembleBoundary(_ form: LinearForm, tags: Set<Int>? = nil) -> [Double] {
        var values = [Double](repeating: 0, count: space.dofCount)
        let kernel = FacetKernel(space: space, degree: form.degree(space.element.order))
        kernel.vector(form.integrand, tags: tags, into: &values)
        return values
    }

    /// Runs `body` on the pattern's parts of the rows, one per thread, each writing every value of
    /// its rows into one array of the pattern's values (left uninitialized for it).
    static func byRows(of pattern: SparsityPattern,
                       _ body: @Sendable (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        [Double](hugePagesUninitializedCount: pattern.nonzeroCount) { output in
            let out = UncheckedSendable(output), parts = pattern.rowParts
            Parallelism.forEachChunk(of: parts.count, chunks: parts.count) { range in
                for part in range { body(parts[part], out.value) }
            }
        }
    }

    /// Runs `body` on parts of the cells, each part adding into its own zeroed array of `count`
    /// values, and returns their sum.
    static func threaded(count: Int, cells: Int,
                         _ body: @Sendable (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        let parts = max(1, min(Parallelism.threadCount, cells / 2048))
        var result = [Double](hugePagesRepeating: 0, count: count)
        if parts == 1 {
            result.withUnsafeMutableBufferPointer { body(0..<cells, $0) }
            return result
        }
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: count * (parts - 1))
        defer { scratch.deallocate() }
        adviseHugePages(UnsafeMutableRawBufferPointer(scratch))
        result.withUnsafeMutableBufferPointer { output in
            let out = UncheckedSendable(output), extra = UncheckedSendable(scratch)
            Parallelism.forEachChunk(of: parts, chunks: parts) { partRange in
                for part in partRange {
                    let target = part == 0 ? out.value
                        : UnsafeMutableBufferPointer(rebasing: extra.value[(part - 1) * count ..< part * count])
                    if part > 0 { target.update(repeating: 0) }
                    body((cells * part / parts)..<(cells * (part + 1) / parts), target)
                }
            }
            Parallelism.forEachChunk(of: count, chunks: parts) { range in
                for part in 1..<parts {
                    let base = (part - 1) * count
                    for k in range { out.value[k] += extra.value[base + k] }
                }
            }
        }
        return result
    }
}

