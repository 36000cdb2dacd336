import ComplexModule
import LinearAlgebra
import RealModule

/// A 2D duct with a porous liner, in the frequency domain (e^{−iωt}): the pressure p solves
/// −Δp − k² p = 0 in the rectangle [0, L] × [0, H], with
///
/// - at the inlet x = 0 a plane wave p_inc = e^{ikx} of amplitude 1 Pa entering through the
///   Robin condition ∂p/∂n = i k p − 2 i k p_inc (exact for plane waves: the reflected part
///   leaves without reflection);
/// - at the outlet x = L the ρc impedance ∂p/∂n = i k p (non-reflecting for plane waves);
/// - on the top wall, for x in [a, b], the surface impedance Z_s(f, σ) of a porous layer on a
///   rigid backing (`PorousLayer`, Delany–Bazley): ∂p/∂n = i k (ρc / Z_s) p;
/// - rigid walls elsewhere (∂p/∂n = 0).
///
/// P2 elements on the rectangle mesh of `Mesh.rectangle` (boundary tags 1 inlet, 2 outlet,
/// 3 and 4 rigid walls, `linedTag` the lined part of the top wall). The weak form
///
///     (K − k² M − i k B_in − i k B_out − i k β(f, σ) B_lined) p = −2 i k b_in,   β = ρc / Z_s,
///
/// with b_in = ∫_in φ_i, is formed from real matrices assembled once (`HelmholtzTerms`).
/// Powers per unit depth (W/m): incident H / (2ρc); reflected ∫_in |p − p_inc|² / (2ρc);
/// transmitted ∫_out |p|² / (2ρc); absorbed ½ Re(1/Z_s) ∫_lined |p|². The imaginary part of
/// pᴴ A p = pᴴ f gives incident = reflected + transmitted + absorbed for the discrete solution
/// itself (to round-off), since b_in = B_in 1. Below the first cut-off c / (2H) only the plane
/// wave propagates at the ends, so these are the powers of the propagating waves.
public struct LinedDuct: Sendable {
    /// The duct's shape and liner.
    public struct Geometry: Sendable, Equatable {
        /// L, m.
        public var length: Double
        /// H, m.
        public var height: Double
        /// The lined part [a, b] of the top wall, m.
        public var lined: ClosedRange<Double>
        /// d, the porous layer's thickness, m.
        public var linerThickness: Double

        /// A duct of 1 m × 8 cm (first cut-off 2144 Hz in air), lined on [0.3, 0.7] m of the top
        /// wall with 5 cm of porous material.
        public init(length: Double = 1, height: Double = 0.08, lined: ClosedRange<Double> = 0.3...0.7, linerThickness: Double = 0.05) {
            self.length = length
            self.height = height
            self.lined = lined
            self.linerThickness = linerThickness
        }
    }

    /// The boundary tag of the lined wall (the generators use 1 … 6).
    public static let linedTag = 7
    /// The inlet's tag (x = 0).
    public static let inletTag = Mesh.Side.xMin
    /// The outlet's tag (x = L).
    public static let outletTag = Mesh.Side.xMax

    /// The shape.
    public let geometry: Geometry
    /// The fluid.
    public let air: Air
    /// The mesh (tags as above).
    public let mesh: Mesh
    /// The P2 space.
    public let space: FunctionSpace
    /// K, M and the boundary masses of the inlet, outlet and lined wall.
    public let terms: HelmholtzTerms
    /// b_in = ∫_in φ_i = B_in 1.
    public let inletLoad: [Double]

    /// The duct on an `nx` × `ny` grid of squares, each cut in two triangles; the lined wall is
    /// made of the top facets whose midpoint lies in `geometry.lined`.
    public init(geometry: Geometry = Geometry(), air: Air = Air(), nx: Int, ny: Int) {
        precondition(nx >= 1 && ny >= 1, "LinedDuct: need nx, ny ≥ 1")
        self.geometry = geometry
        self.air = air
        let lined = geometry.lined
        let mesh = Mesh.rectangle(nx, ny, x: 0...geometry.length, y: 0...geometry.height).taggingFacets { midpoint, tag in
            tag == Mesh.Side.yMax && lined.contains(midpoint.x) ? LinedDuct.linedTag : tag
        }
        let space = FunctionSpace(mesh: mesh, order: 2)
        let terms = HelmholtzTerms(assembler: Assembler(space: space), boundaryTags: [LinedDuct.inletTag, LinedDuct.outletTag, LinedDuct.linedTag])
        self.mesh = mesh
        self.space = space
        self.terms = terms
        inletLoad = terms.boundaryMass(LinedDuct.inletTag).apply([Double](repeating: 1, count: space.dofCount))
    }

    /// The number of unknowns.
    public var dofCount: Int { space.dofCount }

    /// The first cut-off frequency of the rigid duct, c / (2H).
    public var cutOffFrequency: Double { air.soundSpeed / (2 * geometry.height) }

    /// The porous layer of flow resistivity σ.
    public func liner(resistivity sigma: Double) -> PorousLayer {
        PorousLayer(thickness: geometry.linerThickness, flowResistivity: sigma)
    }

    /// β = ρc / Z_s of the liner at f, σ.
    public func linerAdmittance(frequency f: Double, resistivity sigma: Double) -> Complex<Double> {
        liner(resistivity: sigma).admittance(frequency: f, air: air)
    }

    /// A(f, σ) = K − k² M − i k (B_in + B_out) − i k β(f, σ) B_lined.
    public func matrix(frequency f: Double, resistivity sigma: Double) -> ComplexSparseMatrix {
        matrix(frequency: f, linerAdmittance: linerAdmittance(frequency: f, resistivity: sigma))
    }

    /// The operator with a given liner admittance β (0: a rigid wall, the hard-walled duct).
    public func matrix(frequency f: Double, linerAdmittance beta: Complex<Double>) -> ComplexSparseMatrix {
        terms.matrix(wavenumber: air.wavenumber(frequency: f),
                     admittances: [Self.inletTag: Complex(1), Self.outletTag: Complex(1), Self.linedTag: beta])
    }

    /// f = −2 i k b_in: the incident plane wave of amplitude 1 Pa.
    public func rightHandSide(frequency f: Double) -> [Complex<Double>] {
        let k = air.wavenumber(frequency: f)
        return inletLoad.map { Complex(0, -2 * k * $0) }
    }

    /// The powers of a solution p at f with liner admittance β (W per metre of depth).
    public struct Powers: Sendable {
        /// H / (2ρc).
        public let incident: Double
        /// ∫_in |p − 1|² / (2ρc).
        public let reflected: Double
        /// ∫_out |p|² / (2ρc).
        public let transmitted: Double
        /// ½ Re(1/Z_s) ∫_lined |p|² = Re(β) ∫_lined |p|² / (2ρc).
        public let absorbed: Double

        /// TL = 10 log₁₀(incident / transmitted), dB.
        public var transmissionLoss: Double { 10 * Double.log10(incident / transmitted) }
        /// (incident − reflected − transmitted − absorbed) / incident: zero to round-off.
        public var balanceDefect: Double { (incident - reflected - transmitted - absorbed) / incident }
    }

    /// The powers of `p` (a solution at liner admittance β).
    public func powers(_ p: [Complex<Double>], linerAdmittance beta: Complex<Double>) -> Powers {
        let scale = 1 / (2 * air.characteristicImpedance)
        let shifted = p.map { $0 - Complex(1) }
        return Powers(incident: geometry.height * scale,
                      reflected: terms.boundaryMass(Self.inletTag).hermitianForm(shifted) * scale,
                      transmitted: terms.boundaryMass(Self.outletTag).hermitianForm(p) * scale,
                      absorbed: beta.real * terms.boundaryMass(Self.linedTag).hermitianForm(p) * scale)
    }

    /// TL(f, σ) of a solution p at f, σ.
    public func transmissionLoss(_ p: [Complex<Double>], frequency f: Double, resistivity sigma: Double) -> Double {
        powers(p, linerAdmittance: linerAdmittance(frequency: f, resistivity: sigma)).transmissionLoss
    }
}

extension SparseMatrix {
    /// Re(pᴴ B p) for a real symmetric matrix B and a complex vector p.
    func hermitianForm(_ p: [Complex<Double>]) -> Double {
        let bp = apply(scalars: p)
        return p.withUnsafeBufferPointer { x in bp.withUnsafeBufferPointer { Complex<Double>.dot(n: p.count, x.baseAddress!, $0.baseAddress!) } }.real
    }
}
