/// The integrand of a bilinear form a(u, v): called for each trial function u, test function v and
/// quadrature point; the assembler multiplies by the quadrature weight and the cell's measure.
public typealias BilinearIntegrand = @Sendable (_ u: ShapeFunction, _ v: ShapeFunction, _ p: QuadraturePoint) -> Double

/// The integrand of a linear form l(v).
public typealias LinearIntegrand = @Sendable (_ v: ShapeFunction, _ p: QuadraturePoint) -> Double

/// A bilinear form a(u, v) = ∫ integrand(u, v, x) dx, on cells (`Assembler.assemble`) or on
/// boundary facets (`Assembler.assembleBoundary`, where gradients are zero).
///
/// Write a custom PDE as a closure, the way scikit-fem does:
/// `BilinearForm { u, v, p in kappa(p.x) * dot(u.gradient, v.gradient) + c * u.value * v.value }`.
/// The built-ins (`diffusion`, `mass`, `elasticity`) carry a closed-form P1 kernel that the
/// assembler uses when their coefficients are constant or per region.
public struct BilinearForm: Sendable {
    /// The integrand.
    public let integrand: BilinearIntegrand
    /// Quadrature degree as a function of the element order.
    let degree: @Sendable (Int) -> Int
    /// The closed-form P1 terms, when the form is a sum of those only.
    let p1Terms: P1Terms?
    /// The form as Σ_t c_t(x) k_t(u, v) with kernels the assembler knows, when it is a sum of
    /// built-in diffusion and mass terms: each c_t is then evaluated once per quadrature point.
    let pointwise: PointwiseTerms?

    /// A form from its integrand, integrated exactly to `quadratureDegree` (default 2 × order,
    /// exact for a mass term with constant coefficient).
    public init(quadratureDegree: Int? = nil, _ integrand: @escaping BilinearIntegrand) {
        self.integrand = integrand
        degree = { order in quadratureDegree ?? 2 * order }
        p1Terms = nil
        pointwise = nil
    }

    init(integrand: @escaping BilinearIntegrand, degree: @escaping @Sendable (Int) -> Int, p1Terms: P1Terms?,
         pointwise: PointwiseTerms? = nil) {
        self.integrand = integrand
        self.degree = degree
        self.p1Terms = p1Terms
        self.pointwise = pointwise
    }

    /// ∫ κ ∇u · ∇v (∇u : ∇v on vector spaces).
    public static func diffusion(_ kappa: Coefficient = 1) -> BilinearForm {
        BilinearForm(integrand: { u, v, p in kappa.value(at: p) * gradientInner(u, v) },
                     degree: { 2 * ($0 - 1) + (kappa.isFunction ? 2 : 0) },
                     p1Terms: kappa.isFunction ? nil : P1Terms(diffusion: [kappa]),
                     pointwise: PointwiseTerms(terms: [.init(coefficient: kappa, kernel: .gradients)]))
    }

    /// ∫ c u · v.
    public static func mass(_ c: Coefficient = 1) -> BilinearForm {
        BilinearForm(integrand: { u, v, p in c.value(at: p) * inner(u, v) },
                     degree: { 2 * $0 + (c.isFunction ? 2 : 0) },
                     p1Terms: c.isFunction ? nil : P1Terms(mass: [c]),
                     pointwise: PointwiseTerms(terms: [.init(coefficient: c, kernel: .values)]))
    }

    /// Linear elasticity ∫ λ div u div v + 2μ ε(u) : ε(v) on a vector space, with Lamé
    /// parameters λ and μ (constants, per region, or functions).
    public static func elasticity(lambda: Coefficient, mu: Coefficient) -> BilinearForm {
        BilinearForm(integrand: { u, v, p in
            lambda.value(at: p) * (u.divergence * v.divergence) + 2 * mu.value(at: p) * strainInner(u, v)
        }, degree: { 2 * ($0 - 1) + (lambda.isFunction || mu.isFunction ? 2 : 0) }, p1Terms: nil)
    }

    /// The sum of two forms.
    public static func + (a: BilinearForm, b: BilinearForm) -> BilinearForm {
        let fa = a.integrand, fb = b.integrand, da = a.degree, db = b.degree
        return BilinearForm(integrand: { u, v, p in fa(u, v, p) + fb(u, v, p) }, degree: { max(da($0), db($0)) },
                            p1Terms: a.p1Terms.flatMap { x in b.p1Terms.map { x + $0 } },
                            pointwise: a.pointwise.flatMap { x in b.pointwise.map { PointwiseTerms(terms: x.terms + $0.terms) } })
    }
}

/// A linear form l(v) = ∫ integrand(v, x) dx on cells or boundary facets.
public struct LinearForm: Sendable {
    /// The integrand.
    public let integrand: LinearIntegrand
    let degree: @Sendable (Int) -> Int
    /// The source coefficient when the form is ∫ f v with f constant or per region (fast P1 path).
    let p1Source: Coefficient?
    /// f when the form is ∫ f v (any coefficient): a scalar space evaluates it once per
    /// quadrature point (`QuadratureKernel.source`), not once per basis function.
    let source: Coefficient?

    /// A form from its integrand, integrated exactly to `quadratureDegree` (default order + 2).
    public init(quadratureDegree: Int? = nil, _ integrand: @escaping LinearIntegrand) {
        self.integrand = integrand
        degree = { order in quadratureDegree ?? order + 2 }
        p1Source = nil
        source = nil
    }

    init(integrand: @escaping LinearIntegrand, degree: @escaping @Sendable (Int) -> Int, p1Source: Coefficient?,
         source: Coefficient? = nil) {
        self.integrand = integrand
        self.degree = degree
        self.p1Source = p1Source
        self.source = source
    }

    /// ∫ f v for a scalar space (component 0 of a vector space). On a boundary this is the
    /// Neumann term ∫_Γ g v.
    public static func source(_ f: Coefficient) -> LinearForm {
        LinearForm(integrand: { v, p in v.component == 0 ? f.value(at: p) * v.value : 0 },
                   degree: { $0 + (f.isFunction ? 2 : 0) }, p1Source: f.isFunction ? nil : f, source: f)
    }

    /// ∫ f · v for a vector space (a body force, or a traction on a boundary).
    public static func source(vector f: @escaping @Sendable (SIMD3<Double>) -> SIMD3<Double>) -> LinearForm {
        LinearForm(integrand: { v, p in f(p.x)[v.component] * v.value }, degree: { $0 + 2 }, p1Source: nil)
    }

    /// The sum of two forms.
    public static func + (a: LinearForm, b: LinearForm) -> LinearForm {
        let fa = a.integrand, fb = b.integrand, da = a.degree, db = b.degree
        return LinearForm(integrand: { v, p in fa(v, p) + fb(v, p) }, degree: { max(da($0), db($0)) }, p1Source: nil)
    }
}

/// A bilinear form Σ_t c_t(x) k_t(u, v) whose kernels k_t are ∇u·∇v (`gradientInner`) or u·v
/// (`inner`): the quadrature kernels evaluate each coefficient once per point and the kernels per
/// pair of basis functions, in the order the form's integrand sums them (for built-ins summed
/// left to right, `a + b + c`, the same values to the bit).
struct PointwiseTerms: Sendable {
    enum Kernel: Sendable { case gradients, values }
    struct Term: Sendable {
        let coefficient: Coefficient
        let kernel: Kernel
    }
    let terms: [Term]

    /// The coefficients at `point`, in term order, into `values`.
    @inline(__always)
    func evaluate(at point: QuadraturePoint, into values: UnsafeMutableBufferPointer<Double>) {
        for t in terms.indices { values[t] = terms[t].coefficient.value(at: point) }
    }

    /// Σ_t c_t k_t(u, v), the c_t from `evaluate`.
    @inline(__always)
    func value(_ u: ShapeFunction, _ v: ShapeFunction, coefficients c: UnsafeMutableBufferPointer<Double>) -> Double {
        var sum = Self.term(terms[0].kernel, c[0], u, v)
        for t in 1..<terms.count { sum += Self.term(terms[t].kernel, c[t], u, v) }
        return sum
    }

    @inline(__always)
    private static func term(_ kernel: Kernel, _ c: Double, _ u: ShapeFunction, _ v: ShapeFunction) -> Double {
        switch kernel {
        case .gradients: return c * gradientInner(u, v)
        case .values: return c * inner(u, v)
        }
    }
}

/// Closed-form P1 terms: Σ κₖ ∇u·∇v + Σ cₖ u v with constant or per-region coefficients.
struct P1Terms: Sendable {
    var diffusion: [Coefficient] = []
    var mass: [Coefficient] = []

    static func + (a: P1Terms, b: P1Terms) -> P1Terms {
        P1Terms(diffusion: a.diffusion + b.diffusion, mass: a.mass + b.mass)
    }
}
