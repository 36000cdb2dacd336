import Foundation

/// Small-strain elastoviscoplasticity of von Mises type with a Norton flow rule, nonlinear
/// isotropic hardening and optional Armstrong–Frederick kinematic hardening (the unified
/// Chaboche model with one back stress), all parameters functions of temperature, with thermal
/// strain; integrated by backward Euler with a radial return.
///
/// The model (Lemaitre & Chaboche, *Mechanics of Solid Materials*, ch. 6; ε_vp, X tensors):
/// - σ = 𝔼(T) : (ε − ε_th − ε_vp), ε_th = α(T)(T − T_ref) I (as ``LinearElasticLaw``);
/// - f = J(σ − X) − R(p) − σ_y, J the von Mises equivalent, R(p) = Q(1 − e^{−bp}) + H p;
/// - ṗ = ⟨f / K⟩ⁿ, ε̇_vp = ṗ N with N = (3/2) dev(σ − X) / J(σ − X);
/// - Ẋ = (2/3) C ε̇_vp − D X ṗ.
///
/// Backward Euler over a step of length Δt, parameters at the end temperature: with the trial
/// deviator s* = 2μ dev(ε − ε_th − ε_vp,n) and a = 1/(1 + DΔp), the flow direction is that of
/// ζ(Δp) = s* − a Xₙ, and the equivalent of ξ = s − X is ξ_eq = ζ_eq − (3μ + C a) Δp. The one
/// unknown Δp solves the inverse Norton equation
///
///     g(Δp) = ξ_eq(Δp) − R(pₙ + Δp) − σ_y − K (Δp/Δt)^{1/n} = 0,
///
/// which never raises the overstress to the power n (no overflow for large trial stresses). It is
/// solved by Newton in y = (Δp/Δt)^{1/n} (smooth at y = 0, where the Δp form has an infinite slope)
/// with the exact derivative, kept inside the bracket [0, y_max] where g changes sign, bisecting
/// when a Newton step leaves it. Then N = (3/2) ζ/ζ_eq, s = s* − 2μΔp N, X = a(Xₙ + (2/3) C Δp N).
///
/// The consistent tangent, by differentiating the discrete update (the derivation is in
/// docs/nonlinear.md; our own, checked against finite differences), with h = −dg/dΔp and
/// β = 3μΔp/ζ_eq:
///
///     ∂σ/∂ε = 𝔼 − (4μ²/h) N⊗N − 2μβ (𝕀_dev − (2/3) N⊗N) − (2μβ D a²/h) (Xₙ − (2/3)(N:Xₙ) N) ⊗ N,
///
/// symmetric except the last term (nonzero only with dynamic recovery D > 0 and a back stress not
/// aligned with the flow): the global solver then needs LU instead of Cholesky.
///
/// State per point (13 numbers): ε_vp (6, engineering shears), p, X (6, tensor components).
public struct NortonViscoplasticLaw: DescribableConstitutiveLaw, Equatable {
    public static let lawName = "norton"
    public var name: String { Self.lawName }
    public var stateCount: Int { 13 }
    public var stateFields: [String: Int] { ["p": Self.pOffset] }

    /// Offset of ε_vp (6 numbers) in a point's state.
    public static let viscoplasticStrainOffset = 0
    /// Offset of the cumulated viscoplastic strain p.
    public static let pOffset = 6
    /// Offset of the back stress X (6 numbers).
    public static let backStressOffset = 7

    /// The thermoelastic part (E, ν, α, T_ref).
    public let elastic: LinearElasticLaw
    /// Initial yield stress σ_y(T) (≥ 0).
    public let yieldStress: TemperatureTable
    /// Norton's resistance K(T) (> 0, stress × time^{1/n}).
    public let nortonK: TemperatureTable
    /// Norton's exponent n(T) (≥ 1).
    public let nortonN: TemperatureTable
    /// Isotropic saturation Q(T), rate b(T), linear slope H(T) (all ≥ 0).
    public let isotropicQ: TemperatureTable, isotropicB: TemperatureTable, isotropicH: TemperatureTable
    /// Armstrong–Frederick modulus C(T) and recovery D(T) (≥ 0; C = 0: no kinematic hardening).
    public let kinematicC: TemperatureTable, kinematicD: TemperatureTable

    /// Iterations of the local Newton before ``MaterialError/returnMappingFailed(law:iterations:residual:)``.
    public static let maxIterations = 100

    /// A law from its tables; throws ``MaterialError/invalidParameter(law:parameter:detail:)``
    /// for a negative threshold or hardening parameter, K ≤ 0 or n < 1.
    public init(elastic: LinearElasticLaw, yieldStress: TemperatureTable, nortonK: TemperatureTable,
                nortonN: TemperatureTable, isotropicQ: TemperatureTable = TemperatureTable(constant: 0),
                isotropicB: TemperatureTable = TemperatureTable(constant: 0),
                isotropicH: TemperatureTable = TemperatureTable(constant: 0),
                kinematicC: TemperatureTable = TemperatureTable(constant: 0),
                kinematicD: TemperatureTable = TemperatureTable(constant: 0)) throws {
        func require(_ table: TemperatureTable, _ name: String, _ ok: (Double) -> Bool, _ detail: String) throws {
            guard table.values.allSatisfy(ok) else {
                throw MaterialError.invalidParameter(law: Self.lawName, parameter: name, detail: detail)
            }
        }
        try require(yieldStress, "sigma_y", { $0 >= 0 }, "must be ≥ 0")
        try require(nortonK, "K", { $0 > 0 }, "must be positive")
        try require(nortonN, "n", { $0 >= 1 }, "must be ≥ 1")
        for (table, key) in [(isotropicQ, "Q"), (isotropicB, "b"), (isotropicH, "H"), (kinematicC, "C"), (kinematicD, "D")] {
            try require(table, key, { $0 >= 0 }, "must be ≥ 0")
        }
        self.elastic = elastic
        self.yieldStress = yieldStress
        self.nortonK = nortonK
        self.nortonN = nortonN
        self.isotropicQ = isotropicQ
        self.isotropicB = isotropicB
        self.isotropicH = isotropicH
        self.kinematicC = kinematicC
        self.kinematicD = kinematicD
    }

    public init(description: ConstitutiveLawDescription) throws {
        try self.init(elastic: LinearElasticLaw(youngsModulus: description.table("E"), poissonRatio: description.table("nu"),
                                                thermalExpansion: description.table("alpha"),
                                                referenceTemperature: description.scalar("T_ref")),
                      yieldStress: description.table("sigma_y"), nortonK: description.table("K"),
                      nortonN: description.table("n"), isotropicQ: description.table("Q"),
                      isotropicB: description.table("b"), isotropicH: description.table("H"),
                      kinematicC: description.table("C"), kinematicD: description.table("D"))
    }

    public var lawDescription: ConstitutiveLawDescription {
        var parameters = elastic.lawDescription.parameters
        parameters["sigma_y"] = yieldStress.flattened
        parameters["K"] = nortonK.flattened
        parameters["n"] = nortonN.flattened
        parameters["Q"] = isotropicQ.flattened
        parameters["b"] = isotropicB.flattened
        parameters["H"] = isotropicH.flattened
        parameters["C"] = kinematicC.flattened
        parameters["D"] = kinematicD.flattened
        return ConstitutiveLawDescription(name: Self.lawName, parameters: parameters)
    }

    public func initializeState(_ state: UnsafeMutableBufferPointer<Double>, temperature: Double) {
        for i in 0..<stateCount { state[i] = 0 }
    }

    /// Whether every tangent of this law is symmetric (no dynamic recovery of the back stress).
    public var hasSymmetricTangent: Bool { kinematicC.values.allSatisfy { $0 == 0 } || kinematicD.values.allSatisfy { $0 == 0 } }

    public func update(strain: UnsafeBufferPointer<Double>, temperature t: Double, timeStep dt: Double,
                       previousState: UnsafeBufferPointer<Double>, state: UnsafeMutableBufferPointer<Double>,
                       stress: UnsafeMutableBufferPointer<Double>, tangent: UnsafeMutableBufferPointer<Double>?) throws {
        try checkUpdateInputs(strain: strain, temperature: t, timeStep: dt, previousState: previousState,
                              state: state, stress: stress, tangent: tangent)
        for i in 0..<stateCount where !previousState[i].isFinite { throw MaterialError.notFinite(law: name, what: "previous state") }
        let (lambda, mu) = elastic.lame(at: t)
        let th = elastic.thermalStrain(at: t)
        let pn = previousState[Self.pOffset]
        // Elastic trial strain (engineering shears) and the trial stress, computed as LinearElasticLaw does.
        var ee = Sym.zero, xn = Sym.zero
        for i in 0..<6 {
            ee[i] = strain[i] - (i < 3 ? th : 0) - previousState[i]
            xn[i] = previousState[Self.backStressOffset + i]
        }
        let tr = ee[0] + ee[1] + ee[2]
        var sigma = Sym.zero
        for i in 0..<3 { sigma[i] = lambda * tr + 2 * mu * ee[i] }
        for i in 3..<6 { sigma[i] = mu * ee[i] }
        let mean = (sigma[0] + sigma[1] + sigma[2]) / 3
        var sTrial = sigma
        for i in 0..<3 { sTrial[i] -= mean }

        // Parameters at the end of the step.
        let sy = yieldStress(t), k = nortonK(t), n = nortonN(t)
        let q = isotropicQ(t), b = isotropicB(t), hLin = isotropicH(t), c = kinematicC(t), d = kinematicD(t)
        @inline(__always) func hardening(_ p: Double) -> (r: Double, slope: Double) {
            let e = exp(-b * p)
            return (q * (1 - e) + hLin * p, q * b * e + hLin)
        }
        let rn = hardening(pn).r
        let fTrial = Self.equivalent(sTrial - xn) - rn - sy

        func writeElastic() {
            for i in 0..<6 { stress[i] = sigma[i] }
            for i in 0..<stateCount { state[i] = previousState[i] }
            if let tangent { LinearElasticLaw.writeElasticity(lambda: lambda, mu: mu, into: tangent) }
        }
        guard fTrial > 0, dt > 0 else { writeElastic(); return }

        // The bracket: g(y) ≤ J(s*) + J(Xₙ) − R(pₙ) − σ_y − K y, and ξ_eq ≤ 0 once
        // 3μΔp ≥ J(s*) + J(Xₙ); g(0) = f* > 0.
        let bound = Self.equivalent(sTrial) + Self.equivalent(xn)
        var hi = Swift.min((bound - rn - sy) / k, pow(bound / (3 * mu) / dt, 1 / n))
        var lo = 0.0
        let scale = bound + sy + k * hi
        @inline(__always) func residual(_ y: Double) -> Trial {
            let dp = dt * pow(y, n)
            let a = 1 / (1 + d * dp)
            let zeta = sTrial - a * xn
            let zetaEq = Self.equivalent(zeta)
            // dζ_eq/dΔp = N : (D a² Xₙ), N = (3/2) ζ/ζ_eq.
            let dZeta = zetaEq > 0 ? 1.5 * d * a * a * Self.contract(zeta, xn) / zetaEq : 0
            let dXi = dZeta - 3 * mu - c * a * a
            let (r, slope) = hardening(pn + dp)
            let g = zetaEq - (3 * mu + c * a) * dp - r - sy - k * y
            let dg = (dXi - slope) * n * dt * pow(y, n - 1) - k
            return Trial(y: y, g: g, dg: dg, dp: dp, zeta: zeta, zetaEq: zetaEq, dXi: dXi, a: a)
        }
        var current = residual(hi)
        var converged = false
        var iterations = 0
        while iterations < Self.maxIterations {
            iterations += 1
            if current.g > 0 { lo = current.y } else { hi = current.y }
            if abs(current.g) <= 1e-14 * scale { converged = true; break }
            var next = current.y - current.g / current.dg
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            let small = abs(next - current.y) <= 1e-15 * current.y || hi - lo <= 1e-15 * hi
            current = residual(next)
            if small { converged = true; break }
        }
        guard converged, current.g.isFinite else {
            throw MaterialError.returnMappingFailed(law: name, iterations: iterations, residual: abs(current.g) / scale)
        }
        let dp = current.dp
        guard dp > 0, current.zetaEq > 0 else { writeElastic(); return }

        // The update: N, stress, back stress, viscoplastic strain.
        let a = current.a
        let flow = (1.5 / current.zetaEq) * current.zeta
        sigma -= (2 * mu * dp) * flow
        let x = a * (xn + ((2.0 / 3) * c * dp) * flow)
        for i in 0..<6 {
            stress[i] = sigma[i]
            state[i] = previousState[i] + dp * flow[i] * (i < 3 ? 1 : 2)
            state[Self.backStressOffset + i] = x[i]
        }
        state[Self.pOffset] = pn + dp
        for i in 0..<6 where !(stress[i].isFinite && state[i].isFinite) {
            throw MaterialError.returnMappingFailed(law: name, iterations: iterations, residual: .nan)
        }
        guard let tangent else { return }

        // The consistent tangent (tensor components of N and Xₙ; engineering strains).
        let h = -current.dXi + hardening(pn + dp).slope + k * current.y / (n * dp)
        let beta = 3 * mu * dp / current.zetaEq
        LinearElasticLaw.writeElasticity(lambda: lambda, mu: mu, into: tangent)
        let recovery = xn - ((2.0 / 3) * Self.contract(flow, xn)) * flow
        let gamma = 2 * mu * beta * d * a * a / h
        for i in 0..<6 {
            for j in 0..<6 {
                var dev = i == j ? (i < 3 ? 1.0 : 0.5) : 0
                if i < 3 && j < 3 { dev -= 1.0 / 3 }
                let nn = flow[i] * flow[j]
                tangent[6 * i + j] -= 4 * mu * mu / h * nn + 2 * mu * beta * (dev - (2.0 / 3) * nn) + gamma * recovery[i] * flow[j]
            }
        }
    }

    /// A symmetric tensor in stress-like Voigt storage (6 of 8 lanes; the last two stay zero).
    typealias Sym = SIMD8<Double>

    /// One evaluation of the local residual at y = (Δp/Δt)^{1/n}.
    struct Trial {
        var y: Double, g: Double, dg: Double, dp: Double
        var zeta: Sym, zetaEq: Double, dXi: Double, a: Double
    }

    /// The weights of a : b in Voigt storage (shears counted twice).
    static let contractionWeights = Sym(1, 1, 1, 2, 2, 2, 0, 0)

    /// a : b of two tensors in stress-like Voigt storage.
    @inline(__always)
    static func contract(_ a: Sym, _ b: Sym) -> Double { (a * b * contractionWeights).sum() }

    /// The von Mises equivalent √(3/2 ξ:ξ) of a deviatoric tensor.
    @inline(__always)
    static func equivalent(_ s: Sym) -> Double { (1.5 * contract(s, s)).squareRoot() }
}
