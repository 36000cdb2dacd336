import FEM
import Foundation
import LinearAlgebra
import Materials

/// One stage (i) run read back from its folder, from the files a commercial code would write
/// too: `case.json` (the load case), `mesh.msh`, `times.npy` and `u_0000.npy` … `u_NNNN.npy`.
/// Nothing else of the run (no stresses, no internal variables) is read.
struct HighFidelityRun {
    let folder: URL
    let loadCase: BladeLoadCase
    let mesh: Mesh
    /// t₁ … t_N (t₀ = 0 and u₀ = 0 are not kept).
    let times: [Double]
    /// u(t₁) … u(t_N): dofs × N.
    let displacements: Matrix

    /// Reads the run in `folder`.
    /// - Throws: ``BladeFilesError`` naming the file that is missing, malformed, or disagrees
    ///   with the load case (the number of steps, the clock, the length of a displacement).
    static func read(_ folder: URL) throws -> HighFidelityRun {
        let loadCase = try BladeLoadCase.read(from: folder)
        let meshURL = folder.appendingPathComponent(HighFidelityArtifacts.meshName)
        guard FileManager.default.fileExists(atPath: meshURL.path) else {
            throw BladeFilesError.missing(path: meshURL.path, detail: "the mesh of a high-fidelity run")
        }
        let mesh = try GmshReader.read(meshURL)
        let dofs = FunctionSpace(mesh: mesh, order: loadCase.order, components: 3).dofCount
        let expected = try loadCase.times()
        let clock = try readVector(folder.appendingPathComponent("times.npy"), what: "the times t₀ … t_N")
        guard clock.count == expected.count + 1 else {
            throw BladeFilesError.inconsistent("\(folder.path)/times.npy holds \(clock.count) times; case.json's \(loadCase.cycles) cycles of \(loadCase.stepsPerCycle) steps need \(expected.count + 1)")
        }
        if let bad = zip(clock.dropFirst(), expected).enumerated().first(where: { abs($0.element.0 - $0.element.1) > 1e-9 * max(1, abs($0.element.1)) }) {
            throw BladeFilesError.inconsistent("\(folder.path)/times.npy: t_\(bad.offset + 1) = \(bad.element.0), the load case gives \(bad.element.1)")
        }
        var displacements = Matrix(rows: dofs, columns: expected.count)
        for k in 1...expected.count {
            let u = try readVector(folder.appendingPathComponent(HighFidelityArtifacts.displacementName(k)), what: "the displacement at step \(k)")
            guard u.count == dofs else {
                throw BladeFilesError.inconsistent("\(folder.path)/\(HighFidelityArtifacts.displacementName(k)): \(u.count) values, the P\(loadCase.order) space on mesh.msh has \(dofs) dofs")
            }
            if let bad = u.firstIndex(where: { !$0.isFinite }) {
                throw BladeFilesError.malformed(path: folder.path + "/" + HighFidelityArtifacts.displacementName(k), detail: "entry \(bad) is \(u[bad])")
            }
            displacements.setColumn(k - 1, to: u)
        }
        return HighFidelityRun(folder: folder, loadCase: loadCase, mesh: mesh, times: expected, displacements: displacements)
    }

    static func readVector(_ url: URL, what: String) throws -> [Double] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw BladeFilesError.missing(path: url.path, detail: what) }
        let array = try NPY.read(url)
        guard array.shape.count == 1 else { throw BladeFilesError.malformed(path: url.path, detail: "shape \(array.shape), expected a vector (\(what))") }
        return try array.doubles()
    }
}

/// The finite-element side of stages (ii) and (iii), rebuilt from a mesh and a load case: the
/// space, the integration points, the law, the loads and the energy inner product. No Newton is
/// run: the solver object gives the integration points, the tangent's pattern and the unit
/// centrifugal force f₁ (f_ext(t) = ω(t)² f₁).
struct BladeDiscretization {
    let loadCase: BladeLoadCase
    let space: FunctionSpace
    let law: any ConstitutiveLaw
    let solver: NonlinearMechanicsSolver
    var points: MechanicsIntegrationPoints { solver.points }

    init(mesh: Mesh, loadCase: BladeLoadCase) throws {
        self.loadCase = loadCase
        space = FunctionSpace(mesh: mesh, order: loadCase.order, components: 3)
        law = try loadCase.constitutiveLaw()
        solver = try NonlinearMechanicsSolver(space: space, law: law, clamped: Set(loadCase.clampedTags), loading: try loadCase.loading())
    }

    /// The energy inner product: the stiffness Σ_k w_k B_kᵀ C_k B_k of the law's tangent at rest
    /// (zero strain, virgin state, T(x, 0) = T₀): the elastic stiffness at ambient temperature.
    func energyMatrix() throws -> SparseMatrix {
        let temperatures = NonlinearMechanicsSolver.temperatures(points, solver.loading, at: 0)
        let rest = try points.evaluate(law: law, displacement: [Double](repeating: 0, count: space.dofCount), temperatures: temperatures,
                                       timeStep: 1, previous: PointFields(law: law, points: points, temperatures: temperatures), withTangent: true)
        return solver.pattern.matrix(values: points.tangentValues(tangent: rest.tangent, pattern: solver.pattern, symmetric: true))
    }
}
