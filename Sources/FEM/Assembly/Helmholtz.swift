import ComplexModule
import LinearAlgebra
import RealModule

extension Assembler {
    /// The Helmholtz operator K − k² M − i k B for time-harmonic waves (e^{−iωt} convention): K the
    /// stiffness ∫ ∇u·∇v, M the mass ∫ u v (scaled by `refractionSquared`, n² per region or as a
    /// function, default 1), and B the impedance term ∫_Γ u v on the boundary facets tagged
    /// `impedanceTags`, which makes ∂u/∂n = i k u there (an outgoing, non-reflecting boundary to first
    /// order). All three share the assembler's pattern, so the complex matrix is formed value by value.
    public func helmholtz(wavenumber k: Double, refractionSquared: Coefficient = 1,
                          impedanceTags: Set<Int>? = nil) -> ComplexSparseMatrix {
        let stiffness = assembleValues(.diffusion())
        let mass = assembleValues(.mass(refractionSquared))
        let boundary = assembleBoundary(.mass(), tags: impedanceTags).values
        var values = [Complex<Double>](repeating: .zero, count: pattern.nonzeroCount)
        for e in values.indices { values[e] = Complex(stiffness[e] - k * k * mass[e], -k * boundary[e]) }
        return ComplexSparseMatrix(rows: pattern.size, columns: pattern.size, rowPointers: pattern.rowPointers,
                                   columnIndices: pattern.columnIndices, values: values)
    }
}
