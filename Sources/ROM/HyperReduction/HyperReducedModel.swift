import LinearAlgebra
import Materials

/// Everything the online stage of a hyper-reduced mechanics model needs, as plain data (what its
/// model file stores, ``OnlineModelFile`` method `hyper-reduced-mechanics`): the reduced points
/// (B_k, weights), the law, the loading per step, the displacement modes V (optional, for
/// u = V c) and the Gappy-POD bases of the dual quantities with their sampled points.
public struct HyperReducedModel: Sendable {
    /// The reduced integration points (ECM points, and the sampling-only points of the Gappy-POD
    /// with weight zero).
    public let points: ReducedIntegrationPoints
    /// The constitutive law evaluated at them.
    public let law: any ConstitutiveLaw
    /// The loading of one stored history (a cycle, repeated by longer runs).
    public let loading: ReducedLoading
    /// V (n × N), when kept.
    public let modes: Matrix?
    /// Gappy-POD bases of state scalars of the law (key: the law's state field, e.g. "p"), one
    /// component per point.
    public let fieldReconstructions: [String: GappyPOD]
    /// The Gappy-POD of the stress (six components per point), when kept.
    public let stressReconstruction: GappyPOD?
    /// M: the integration points of the mesh (0 when unknown).
    public let meshPointCount: Int
    /// The longest run the model answers (steps; ≥ the stored steps when cycles are extrapolated).
    public let maximumSteps: Int
    /// The reduced Newton's settings.
    public let newtonOptions: HyperReducedMechanics.Options

    /// Checks that every part agrees: N and K across the points, loading and modes; each Gappy
    /// basis over M points, its sampled points among the reduced points, its field one of the law's.
    public init(points: ReducedIntegrationPoints, law: any ConstitutiveLaw, loading: ReducedLoading, modes: Matrix? = nil,
                fieldReconstructions: [String: GappyPOD] = [:], stressReconstruction: GappyPOD? = nil,
                meshPointCount: Int = 0, maximumSteps: Int? = nil,
                newtonOptions: HyperReducedMechanics.Options = HyperReducedMechanics.Options()) throws {
        let n = points.modeCount, k = points.count
        guard loading.forces.rows == n else { throw ROMError.dimensionMismatch(what: "reduced force rows (modes)", expected: n, found: loading.forces.rows) }
        guard loading.temperatures.rows == k else {
            throw ROMError.dimensionMismatch(what: "temperature rows (reduced points)", expected: k, found: loading.temperatures.rows)
        }
        if let modes {
            guard modes.columns == n else { throw ROMError.dimensionMismatch(what: "displacement modes (columns)", expected: n, found: modes.columns) }
            if let bad = modes.firstNonFiniteIndex { throw ROMError.notFinite(what: "displacement modes", index: bad) }
        }
        guard meshPointCount >= 0 else { throw ROMError.invalidOption(name: "mesh point count", detail: "must be ≥ 0, got \(meshPointCount)") }
        if let bad = points.pointIndices.firstIndex(where: { meshPointCount > 0 && $0 >= meshPointCount }) {
            throw ROMError.invalidOption(name: "reduced point indices", detail: "index \(bad) is \(points.pointIndices[bad]), outside the mesh's \(meshPointCount) points")
        }
        let present = Set(points.pointIndices)
        func check(_ gappy: GappyPOD, _ what: String) throws {
            if meshPointCount > 0 && gappy.pointCount != meshPointCount {
                throw ROMError.dimensionMismatch(what: "\(what): Gappy-POD basis points", expected: meshPointCount, found: gappy.pointCount)
            }
            if let missing = gappy.points.first(where: { !present.contains($0) }) {
                throw ROMError.invalidOption(name: "\(what) Gappy-POD points",
                                             detail: "point \(missing) is sampled but not a reduced point (add it with weight 0)")
            }
        }
        for (field, gappy) in fieldReconstructions {
            guard law.stateFields[field] != nil else {
                throw ROMError.invalidOption(name: "Gappy-POD field", detail: "'\(field)' is not a state field of the law \(law.name) (\(law.stateFields.keys.sorted().joined(separator: ", ")))")
            }
            guard gappy.componentsPerPoint == 1 else {
                throw ROMError.invalidOption(name: "Gappy-POD field '\(field)'", detail: "a state scalar has one component per point, not \(gappy.componentsPerPoint)")
            }
            try check(gappy, "field '\(field)'")
        }
        if let stressReconstruction {
            guard stressReconstruction.componentsPerPoint == 6 else {
                throw ROMError.invalidOption(name: "stress Gappy-POD", detail: "the stress has 6 components per point, not \(stressReconstruction.componentsPerPoint)")
            }
            try check(stressReconstruction, "stress")
        }
        let steps = maximumSteps ?? loading.stepCount
        guard steps >= 1 else { throw ROMError.invalidOption(name: "maximum steps", detail: "must be at least 1, got \(steps)") }
        self.points = points
        self.law = law
        self.loading = loading
        self.modes = modes
        self.fieldReconstructions = fieldReconstructions
        self.stressReconstruction = stressReconstruction
        self.meshPointCount = meshPointCount
        self.maximumSteps = steps
        self.newtonOptions = newtonOptions
    }

    /// The position among the reduced points of each point `gappy` samples.
    func positions(of gappy: GappyPOD) -> [Int] {
        var position: [Int: Int] = [:]
        for (k, p) in points.pointIndices.enumerated() { position[p] = k }
        return gappy.points.map { position[$0]! }
    }
}
