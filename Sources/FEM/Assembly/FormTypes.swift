/// One basis function of a `FunctionSpace` at a quadrature point, as a weak form sees it: its value
/// and physical gradient, and the component it lives in (0 for a scalar space).
public struct ShapeFunction: Sendable {
    /// φ(x).
    public var value: Double
    /// ∇φ(x) (zero beyond the mesh dimension).
    public var gradient: SIMD3<Double>
    /// The component of a vector-valued space this function spans (0 for scalar spaces).
    public var component: Int

    /// Creates a shape function sample.
    public init(value: Double, gradient: SIMD3<Double>, component: Int = 0) {
        self.value = value
        self.gradient = gradient
        self.component = component
    }

    /// The function as a vector field: φ eᵢ for component i.
    public var vectorValue: SIMD3<Double> {
        var v = SIMD3<Double>.zero
        v[component] = value
        return v
    }

    /// div(φ eᵢ) = ∂ᵢφ.
    public var divergence: Double { gradient[component] }
}

/// Where a weak form is evaluated: the physical point, its cell and the cell's region tag (for a
/// boundary integral, the facet and its boundary tag).
public struct QuadraturePoint: Sendable {
    /// Physical coordinates (zero beyond the mesh dimension).
    public var x: SIMD3<Double>
    /// The cell (or boundary facet) index.
    public var cell: Int
    /// The cell's region tag (or the facet's boundary tag).
    public var region: Int

    /// Creates a quadrature point record.
    public init(x: SIMD3<Double>, cell: Int, region: Int) {
        self.x = x
        self.cell = cell
        self.region = region
    }
}

/// a · b.
@inlinable
public func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }

/// u · v for two shape functions of the same space (zero across different components).
@inlinable
public func inner(_ u: ShapeFunction, _ v: ShapeFunction) -> Double {
    u.component == v.component ? u.value * v.value : 0
}

/// ∇u : ∇v for two shape functions of the same space (the scalar ∇u · ∇v for scalar spaces).
@inlinable
public func gradientInner(_ u: ShapeFunction, _ v: ShapeFunction) -> Double {
    u.component == v.component ? dot(u.gradient, v.gradient) : 0
}

/// ε(u) : ε(v), the product of the symmetric gradients of two vector shape functions.
@inlinable
public func strainInner(_ u: ShapeFunction, _ v: ShapeFunction) -> Double {
    0.5 * ((u.component == v.component ? dot(u.gradient, v.gradient) : 0) + u.gradient[v.component] * v.gradient[u.component])
}

/// A coefficient of a form: a constant, a value per region tag, or a function of x.
public enum Coefficient: Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// The same value everywhere.
    case constant(Double)
    /// A value per cell region tag (or boundary facet tag in boundary integrals).
    case perRegion([Int: Double])
    /// A function of the physical point.
    case function(@Sendable (SIMD3<Double>) -> Double)

    public init(floatLiteral value: Double) { self = .constant(value) }
    public init(integerLiteral value: Int) { self = .constant(Double(value)) }

    /// The value at a quadrature point.
    @inlinable
    public func value(at p: QuadraturePoint) -> Double {
        switch self {
        case .constant(let c): return c
        case .perRegion(let table):
            guard let c = table[p.region] else { preconditionFailure("Coefficient: no value for region \(p.region)") }
            return c
        case .function(let f): return f(p.x)
        }
    }

    /// Whether the value varies inside a cell (it then raises the quadrature degree by 2).
    public var isFunction: Bool { if case .function = self { return true } else { return false } }

    /// A table indexed by `region - offset` covering the distinct, ascending `regions` (nil for
    /// functions), for the fast kernels. A region without a value is a precondition failure.
    func regionTable(regions: [Int]) -> (table: [Double], offset: Int)? {
        let lo = regions.first ?? 0, hi = regions.last ?? 0
        switch self {
        case .constant(let c): return ([Double](repeating: c, count: hi - lo + 1), lo)
        case .function: return nil
        case .perRegion(let values):
            var used = [Bool](repeating: false, count: hi - lo + 1)
            for r in regions { used[r - lo] = true }
            return ((lo...hi).map { r in
                guard let c = values[r] else {
                    precondition(!used[r - lo], "Coefficient: no value for region \(r)")
                    return 0
                }
                return c
            }, lo)
        }
    }
}
