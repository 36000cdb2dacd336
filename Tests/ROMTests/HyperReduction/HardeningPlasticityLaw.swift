import Materials

/// A test law: small-strain J2 plasticity with linear isotropic hardening (von Mises yield
/// q − (σ_y + H p) ≤ 0), the radial return and its consistent tangent (Simo and Hughes 1998,
/// *Computational Inelasticity*, box 3.2), with a thermal strain α (T − T_ref) and a yield stress
/// that softens linearly with T. State: the plastic strain (6, Voigt, engineering shears) and p.
/// Rate-independent: Δt is not used. Only for the tests of the hyper-reduced Newton (the
/// framework's own inelastic laws live in Materials).
struct HardeningPlasticityLaw: ConstitutiveLaw {
    var name: String { "test-hardening-plasticity" }
    var stateCount: Int { 7 }
    var stateFields: [String: Int] { ["p": 6] }
    let youngsModulus: Double, poissonRatio: Double, yieldStress: Double, hardening: Double
    var yieldSoftening = 0.0, expansion = 0.0, referenceTemperature = 0.0

    var lawDescription: ConstitutiveLawDescription {
        ConstitutiveLawDescription(name: name, parameters: ["E": [youngsModulus], "nu": [poissonRatio], "sigma_y": [yieldStress], "H": [hardening]])
    }

    func initializeState(_ state: UnsafeMutableBufferPointer<Double>, temperature: Double) {
        for i in state.indices { state[i] = 0 }
    }

    func update(strain: UnsafeBufferPointer<Double>, temperature: Double, timeStep: Double,
                previousState: UnsafeBufferPointer<Double>, state: UnsafeMutableBufferPointer<Double>,
                stress: UnsafeMutableBufferPointer<Double>, tangent: UnsafeMutableBufferPointer<Double>?) throws {
        try checkUpdateInputs(strain: strain, temperature: temperature, timeStep: timeStep, previousState: previousState,
                              state: state, stress: stress, tangent: tangent)
        let mu = youngsModulus / (2 * (1 + poissonRatio))
        let lambda = youngsModulus * poissonRatio / ((1 + poissonRatio) * (1 - 2 * poissonRatio))
        let kappa = lambda + 2 * mu / 3
        let thermal = expansion * (temperature - referenceTemperature)
        // Trial elastic strain (engineering shears) and trial stress.
        var e = [Double](repeating: 0, count: 6)
        for i in 0..<6 { e[i] = strain[i] - previousState[i] - (i < 3 ? thermal : 0) }
        let trace = e[0] + e[1] + e[2]
        var s = [Double](repeating: 0, count: 6)  // the trial deviator (tensor components)
        for i in 0..<3 { s[i] = 2 * mu * (e[i] - trace / 3) }
        for i in 3..<6 { s[i] = mu * e[i] }
        let q = (1.5 * (s[0] * s[0] + s[1] * s[1] + s[2] * s[2] + 2 * (s[3] * s[3] + s[4] * s[4] + s[5] * s[5]))).squareRoot()
        let p = previousState[6]
        let yield = yieldStress * (1 - yieldSoftening * (temperature - referenceTemperature)) + hardening * p
        let f = q - yield
        for i in 0..<7 { state[i] = previousState[i] }
        var dp = 0.0
        var n = [Double](repeating: 0, count: 6)
        if f > 0 {
            dp = f / (3 * mu + hardening)
            for i in 0..<6 { n[i] = 1.5 * s[i] / q }  // the flow direction ∂q/∂σ
            for i in 0..<3 { state[i] += dp * n[i] }
            for i in 3..<6 { state[i] += 2 * dp * n[i] }
            state[6] = p + dp
        }
        let scale = 1 - 3 * mu * dp / max(q, .leastNormalMagnitude)
        for i in 0..<3 { stress[i] = kappa * trace + scale * s[i] }
        for i in 3..<6 { stress[i] = scale * s[i] }
        guard let tangent else { return }
        // C = κ 1⊗1 + 2μ θ I_dev − 2μ θ̄ N⊗N, N = s/‖s‖, θ = 1 − 3μΔp/q, θ̄ = 3μ/(3μ + H) − (1 − θ).
        let theta = f > 0 ? scale : 1
        let thetaBar = f > 0 ? 3 * mu / (3 * mu + hardening) - (1 - theta) : 0
        let sNorm = (s[0] * s[0] + s[1] * s[1] + s[2] * s[2] + 2 * (s[3] * s[3] + s[4] * s[4] + s[5] * s[5])).squareRoot()
        for i in 0..<6 {
            for j in 0..<6 {
                var value = 0.0
                if i < 3 && j < 3 { value += kappa + 2 * mu * theta * ((i == j ? 1 : 0) - 1.0 / 3) }
                if i >= 3 && i == j { value += mu * theta }
                if f > 0 { value -= 2 * mu * thetaBar * s[i] * s[j] / (sNorm * sNorm) }
                tangent[6 * i + j] = value
            }
        }
    }
}
