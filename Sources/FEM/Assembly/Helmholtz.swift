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

    /// The Helmholtz operator with a surface admittance per boundary tag (e^{−iωt}):
    /// K − k² M − i k Σ_t β_t B_t, where B_t = ∫_{Γ_t} u v and β_t = ρc / Z_t is the admittance of
    /// the wall normalized by the air's ρc, Z_t = p / (v·n) its impedance (n outward). The weak
    /// form of ∂p/∂n = i k β_t p on Γ_t: β = 1 is the ρc (non-reflecting) condition, β = 0 a rigid
    /// wall, and a passive wall (Re Z ≥ 0, so Re β ≥ 0) absorbs ½ Re(1/Z) ∫_Γ |p|². β may depend on
    /// the frequency and on material parameters (`PorousLayer`); the real terms are assembled by
    /// `HelmholtzTerms` and combined here value by value.
    public func helmholtz(wavenumber k: Double, refractionSquared: Coefficient = 1,
                          admittances: [Int: Complex<Double>]) -> ComplexSparseMatrix {
        HelmholtzTerms(assembler: self, refractionSquared: refractionSquared, boundaryTags: Set(admittances.keys))
            .matrix(wavenumber: k, admittances: admittances)
    }
}

/// The real matrices of a Helmholtz problem with impedance walls, assembled once on one pattern:
/// K, M and one boundary mass B_t per tag. A frequency sweep (or any parameter that enters only
/// through k and the admittances β_t) then forms K − k² M − i k Σ β_t B_t value by value, with no
/// reassembly.
public struct HelmholtzTerms: Sendable {
    /// The shared pattern (of the assembler).
    public let pattern: SparsityPattern
    /// K: ∫ ∇u·∇v, on the pattern.
    public let stiffness: [Double]
    /// M: ∫ n² u v, on the pattern.
    public let mass: [Double]
    /// B_t: ∫_{Γ_t} u v per boundary tag, on the pattern.
    public let boundaryMasses: [Int: [Double]]

    /// Assembles K, M (with n² = `refractionSquared`) and B_t for every tag of `boundaryTags`.
    public init(assembler: Assembler, refractionSquared: Coefficient = 1, boundaryTags: Set<Int>) {
        pattern = assembler.pattern
        stiffness = assembler.assembleValues(.diffusion())
        mass = assembler.assembleValues(.mass(refractionSquared))
        var boundary: [Int: [Double]] = [:]
        for tag in boundaryTags { boundary[tag] = assembler.assembleBoundary(.mass(), tags: [tag]).values }
        boundaryMasses = boundary
    }

    /// B_t as a sparse matrix (zero for a tag that was not assembled).
    public func boundaryMass(_ tag: Int) -> SparseMatrix { pattern.matrix(values: boundaryMasses[tag]) }

    /// K − k² M − i k Σ_t β_t B_t; a tag without assembled B_t is an error of the caller (precondition).
    public func matrix(wavenumber k: Double, admittances: [Int: Complex<Double>]) -> ComplexSparseMatrix {
        var values = [Complex<Double>](repeating: .zero, count: pattern.nonzeroCount)
        for e in values.indices { values[e] = Complex(stiffness[e] - k * k * mass[e], 0) }
        for (tag, beta) in admittances {
            guard let b = boundaryMasses[tag] else { preconditionFailure("HelmholtzTerms: boundary tag \(tag) was not assembled") }
            let c = Complex<Double>(0, -k) * beta
            for e in values.indices where b[e] != 0 { values[e] += c * Complex(b[e]) }
        }
        return ComplexSparseMatrix(rows: pattern.size, columns: pattern.size, rowPointers: pattern.rowPointers,
                                   columnIndices: pattern.columnIndices, values: values)
    }

    /// The same operator's values at the pattern positions `indices` only (`pattern.index(row:column:)`;
    /// nil reads 0): what the online stage of a nonintrusive model asks for, at the cost of a few
    /// multiply-adds per entry.
    public func entries(wavenumber k: Double, admittances: [Int: Complex<Double>], at indices: [Int?]) -> [Complex<Double>] {
        let boundary = admittances.map { tag, beta -> (values: [Double], factor: Complex<Double>) in
            guard let b = boundaryMasses[tag] else { preconditionFailure("HelmholtzTerms: boundary tag \(tag) was not assembled") }
            return (b, Complex<Double>(0, -k) * beta)
        }
        return indices.map { index in
            guard let e = index else { return .zero }
            var value = Complex<Double>(stiffness[e] - k * k * mass[e], 0)
            for (b, factor) in boundary where b[e] != 0 { value += factor * Complex(b[e]) }
            return value
        }
    }
}
