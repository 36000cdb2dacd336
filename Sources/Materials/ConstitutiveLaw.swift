/// A material law at one integration point, integrated in time by backward Euler: the seam where
/// a user's law plugs in (the role of a UMAT), shared by the finite-element solver and the
/// hyper-reduced online model.
///
/// One call advances one integration point over one time step: from the internal state at the
/// start of the step and the total strain and temperature at its end, it returns the stress at the
/// end, the internal state at the end and, when asked, the consistent (algorithmic) tangent
/// ∂σ_{n+1}/∂ε_{n+1} — the derivative of the discrete update, which makes the global Newton
/// converge quadratically. Storage follows ``Voigt``.
///
/// The state of all points lives in one flat buffer, `stateCount` numbers per point, so a solver
/// keeps two buffers (start and end of step) and swaps them when a step is accepted. A law must not
/// keep mutable state of its own: it is shared by threads.
public protocol ConstitutiveLaw: Sendable {
    /// The law's name in messages and model files (`"linear-elastic"`, `"norton"`).
    var name: String { get }

    /// Numbers of internal state per integration point (0 for an elastic law).
    var stateCount: Int { get }

    /// Named scalars of the state a user can ask for (e.g. `"p"`: the cumulated plastic strain),
    /// each the offset of the number in a point's state.
    var stateFields: [String: Int] { get }

    /// Writes the state of a virgin point (no inelastic strain) at temperature `temperature`.
    func initializeState(_ state: UnsafeMutableBufferPointer<Double>, temperature: Double)

    /// Advances one point over one step.
    ///
    /// - Parameters:
    ///   - strain: the total strain at the end of the step (6, Voigt, engineering shears).
    ///   - temperature: the temperature at the end of the step.
    ///   - timeStep: the step's length (> 0; any value for a rate-independent law).
    ///   - previousState: the state at the start of the step (`stateCount`).
    ///   - state: receives the state at the end of the step (`stateCount`; may not alias
    ///     `previousState`).
    ///   - stress: receives the stress at the end of the step (6).
    ///   - tangent: receives the consistent tangent (36, row-major) when not nil.
    /// - Throws: ``MaterialError`` when the update cannot be computed (a return mapping that does
    ///   not converge); never returns NaN silently.
    func update(strain: UnsafeBufferPointer<Double>, temperature: Double, timeStep: Double,
                previousState: UnsafeBufferPointer<Double>, state: UnsafeMutableBufferPointer<Double>,
                stress: UnsafeMutableBufferPointer<Double>, tangent: UnsafeMutableBufferPointer<Double>?) throws

    /// The law as a name and named parameter arrays, which ``ConstitutiveLaws/law(from:)``
    /// turns back into an equal law (model files carry it).
    var lawDescription: ConstitutiveLawDescription { get }
}

/// A constitutive law that a model file can rebuild from its description.
public protocol DescribableConstitutiveLaw: ConstitutiveLaw {
    /// The name under which descriptions of this law are stored.
    static var lawName: String { get }
    /// Rebuilds the law; throws ``MaterialError/malformedDescription(law:parameter:detail:)``
    /// when a parameter is missing or has the wrong length, and the law's own parameter checks.
    init(description: ConstitutiveLawDescription) throws
}

/// A law as plain data: its name and named arrays of numbers (temperature tables are stored as
/// ``TemperatureTable/flattened``). This is what a model file stores.
public struct ConstitutiveLawDescription: Sendable, Equatable {
    /// The law's name (``DescribableConstitutiveLaw/lawName``).
    public var name: String
    /// Named parameter arrays.
    public var parameters: [String: [Double]]

    public init(name: String, parameters: [String: [Double]]) {
        self.name = name
        self.parameters = parameters
    }

    /// The array `key`; throws when it is missing or (if `count` is given) has another length,
    /// or holds NaN or infinity.
    public func array(_ key: String, count: Int? = nil) throws -> [Double] {
        guard let values = parameters[key] else {
            throw MaterialError.malformedDescription(law: name, parameter: key, detail: "missing")
        }
        if let count, values.count != count {
            throw MaterialError.malformedDescription(law: name, parameter: key,
                                                     detail: "\(values.count) numbers, expected \(count)")
        }
        guard values.allSatisfy(\.isFinite) else {
            throw MaterialError.malformedDescription(law: name, parameter: key, detail: "NaN or infinite entry")
        }
        return values
    }

    /// The single number `key`.
    public func scalar(_ key: String) throws -> Double { try array(key, count: 1)[0] }

    /// The temperature table `key`.
    public func table(_ key: String) throws -> TemperatureTable {
        try TemperatureTable(flattened: array(key), law: name, name: key)
    }
}

/// The registry of laws that model files can name.
public enum ConstitutiveLaws {
    /// The built-in laws, by ``DescribableConstitutiveLaw/lawName``. A law added to this module
    /// is listed here.
    static let registered: [any DescribableConstitutiveLaw.Type] = [LinearElasticLaw.self]

    /// The names of the registered laws.
    public static var names: [String] { registered.map { $0.lawName } }

    /// Rebuilds the law a description names.
    public static func law(from description: ConstitutiveLawDescription) throws -> any ConstitutiveLaw {
        guard let type = registered.first(where: { $0.lawName == description.name }) else {
            throw MaterialError.unknownLaw(description.name)
        }
        return try type.init(description: description)
    }
}

extension ConstitutiveLaw {
    /// Checks the buffer lengths and finiteness of an update's inputs (laws call it first).
    @inlinable
    public func checkUpdateInputs(strain: UnsafeBufferPointer<Double>, temperature: Double, timeStep: Double,
                                  previousState: UnsafeBufferPointer<Double>, state: UnsafeMutableBufferPointer<Double>,
                                  stress: UnsafeMutableBufferPointer<Double>, tangent: UnsafeMutableBufferPointer<Double>?) throws {
        if strain.count != Voigt.count {
            throw MaterialError.wrongBufferLength(law: name, what: "strain", expected: Voigt.count, found: strain.count)
        }
        if stress.count != Voigt.count {
            throw MaterialError.wrongBufferLength(law: name, what: "stress", expected: Voigt.count, found: stress.count)
        }
        if let tangent, tangent.count != Voigt.tangentCount {
            throw MaterialError.wrongBufferLength(law: name, what: "tangent", expected: Voigt.tangentCount, found: tangent.count)
        }
        if previousState.count != stateCount || state.count != stateCount {
            throw MaterialError.wrongBufferLength(law: name, what: "state", expected: stateCount,
                                                  found: previousState.count != stateCount ? previousState.count : state.count)
        }
        for i in 0..<Voigt.count where !strain[i].isFinite { throw MaterialError.notFinite(law: name, what: "strain") }
        if !temperature.isFinite { throw MaterialError.notFinite(law: name, what: "temperature") }
        if !(timeStep.isFinite && timeStep >= 0) { throw MaterialError.notFinite(law: name, what: "time step") }
    }

    /// Advances one point with arrays (tests and small callers; solvers use the buffer form).
    public func update(strain: [Double], temperature: Double, timeStep: Double, previousState: [Double])
        throws -> (stress: [Double], tangent: [Double], state: [Double]) {
        var stress = [Double](repeating: 0, count: Voigt.count)
        var tangent = [Double](repeating: 0, count: Voigt.tangentCount)
        var state = [Double](repeating: 0, count: stateCount)
        try strain.withUnsafeBufferPointer { e in
            try previousState.withUnsafeBufferPointer { p in
                try state.withUnsafeMutableBufferPointer { s in
                    try stress.withUnsafeMutableBufferPointer { sg in
                        try tangent.withUnsafeMutableBufferPointer { t in
                            try update(strain: e, temperature: temperature, timeStep: timeStep,
                                       previousState: p, state: s, stress: sg, tangent: t)
                        }
                    }
                }
            }
        }
        return (stress, tangent, state)
    }

    /// The virgin state as an array.
    public func initialState(temperature: Double) -> [Double] {
        var state = [Double](repeating: 0, count: stateCount)
        state.withUnsafeMutableBufferPointer { initializeState($0, temperature: temperature) }
        return state
    }
}
