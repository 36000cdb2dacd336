import FEM
import Foundation
import LinearAlgebra
import Materials
import ROM

/// Stage (ii), the offline reduction, from the displacement files of stage (i) alone (Casenave,
/// Akkari, Bordeu, Rey, Ryckelynck 2020, stage ii). Steps:
/// 1. the POD of the displacements, incremental over the training loadings (one batch per run),
///    in the energy inner product (the elastic stiffness at rest): V, n × N;
/// 2. the stresses and p recomputed from the displacements with the same law (`StressRecomputation`,
///    each run with its own temperatures): the stresses of stage (i) are never read;
/// 3. the ECM integrands σ(u_s) : ε(ψ_n) at every integration point, for every training snapshot
///    s and mode n (`strains(of:)` of the modes), and the empirical cubature (`EmpiricalCubature`:
///    the reduced points and their non-negative weights);
/// 4. the Gappy-POD bases of p and σ sampled at the reduced points (their Q-DEIM points join the
///    reduced points with weight zero);
/// 5. the online model (`HyperReducedModel`): the strains of the modes at the reduced points,
///    their positions, the law, one flight cycle of the loading (f_N = Vᵀ f_ext, the temperatures
///    at the reduced points) and V.
struct OfflineReduction {
    struct Options {
        /// The POD keeps the modes with σ_i > this · σ_1 (energy inner product).
        var podTolerance: Double
        /// τ of the ECM: relative integration error of the training integrands.
        var ecmTolerance: Double
        /// The Gappy-POD bases keep the modes with σ_i > this · σ_1.
        var gappyTolerance: Double
        /// The longest online run, in cycles.
        var maximumCycles: Int
    }

    /// Seconds of each phase.
    struct Timings {
        var read = 0.0, pod = 0.0, stress = 0.0, integrands = 0.0, ecm = 0.0, gappy = 0.0, model = 0.0
        /// POD + stress recomputation + ECM (integrands and selection): the issue's offline time.
        var offline: Double { pod + stress + integrands + ecm }
    }

    let model: HyperReducedModel
    let loadCase: BladeLoadCase
    let trainingLevels: [Double]
    let singularValues: [Double]
    let ecm: EmpiricalCubature
    let dofs: Int
    let integrationPoints: Int
    var timings: Timings

    /// Reduces the runs (at least one; all of one study, on one mesh).
    /// - Throws: ``BladeFilesError/inconsistent(_:)`` when the runs disagree, and the errors of
    ///   the steps (a law failing on a displacement, an ECM that cannot reach τ).
    init(runs: [HighFidelityRun], options: Options, progress: (String) -> Void) throws {
        guard let first = runs.first else { throw BladeFilesError.inconsistent("no high-fidelity run to reduce") }
        for run in runs.dropFirst() {
            guard run.loadCase.isSameStudy(as: first.loadCase) else {
                throw BladeFilesError.inconsistent("\(run.folder.path)/case.json is not the study of \(first.folder.path)/case.json (law, order, section, loads or cycle differ)")
            }
            guard run.mesh == first.mesh else {
                throw BladeFilesError.inconsistent("\(run.folder.path)/mesh.msh is not the mesh of \(first.folder.path)/mesh.msh")
            }
        }
        var timings = Timings()
        let fe = try BladeDiscretization(mesh: first.mesh, loadCase: first.loadCase)
        let points = fe.points, m = points.count

        // 1. POD of the displacements, one batch per loading, energy inner product.
        var clock = Stopwatch()
        var pod = try IncrementalPOD(dimension: fe.space.dofCount, innerProduct: .weighted(by: try fe.energyMatrix()),
                                     truncation: .relativeSingularValue(options.podTolerance))
        for run in runs { try pod.add(run.displacements) }
        let modes = pod.modes, n = modes.columns
        timings.pod = clock.seconds
        progress("POD: \(n) modes of \(pod.snapshotCount) snapshots (\(String(format: "%.2f", timings.pod)) s)")

        // 2. Stresses and p from the displacements, each run with its own temperatures.
        clock = Stopwatch()
        var stresses: [Matrix] = [], plastic: [Matrix] = []
        for run in runs {
            let replay = try StressRecomputation(points: points, law: fe.law, loading: try run.loadCase.loading(), times: run.times,
                                                 displacements: run.displacements, fields: ["p"])
            stresses.append(replay.stress)
            plastic.append(replay.stateFields["p"]!)
        }
        let stress = Self.concatenated(stresses), p = Self.concatenated(plastic)
        timings.stress = clock.seconds
        progress("stresses recomputed at \(m) points × \(stress.columns) steps (\(String(format: "%.2f", timings.stress)) s)")

        // 3. The ECM integrands σ(u_s) : ε(ψ_n) and the cubature.
        clock = Stopwatch()
        let strainModes = points.strains(of: modes)
        let integrands = Self.integrands(stress: stress, strainModes: strainModes)
        timings.integrands = clock.seconds
        clock = Stopwatch()
        let ecm = try EmpiricalCubature(integrands: integrands, weights: points.weights, options: .init(tolerance: options.ecmTolerance))
        timings.ecm = clock.seconds
        progress("ECM: \(ecm.points.count) of \(m) points, integration error \(String(format: "%.1e", ecm.error)) (\(String(format: "%.2f", timings.integrands + timings.ecm)) s)")

        // 4. Gappy-POD of p and σ at the reduced points.
        clock = Stopwatch()
        let gappyP = try GappyPOD(snapshots: p, truncation: .relativeSingularValue(options.gappyTolerance), points: ecm.points)
        let sampledStress = gappyP.points
        let gappyStress = try GappyPOD(snapshots: stress, componentsPerPoint: 6, truncation: .relativeSingularValue(options.gappyTolerance),
                                       points: sampledStress)
        timings.gappy = clock.seconds

        // 5. The model: the ECM points, then the sampling-only points (weight 0).
        clock = Stopwatch()
        var selected = ecm.points, weights = ecm.weights
        for point in gappyP.addedPoints + gappyStress.addedPoints where !selected.contains(point) {
            selected.append(point)
            weights.append(0)
        }
        let positions = selected.flatMap { k in (0..<3).map { points.positions[3 * k + $0] } }
        let reduced = try ReducedIntegrationPoints(selecting: selected, weights: weights, fromStrainModes: strainModes, positions: positions)
        let loading = try Self.reducedLoading(fe: fe, loadCase: first.loadCase, modes: modes, positions: positions)
        model = try HyperReducedModel(points: reduced, law: fe.law, loading: loading, modes: modes,
                                      fieldReconstructions: ["p": gappyP], stressReconstruction: gappyStress,
                                      meshPointCount: m, maximumSteps: first.loadCase.stepsPerCycle * options.maximumCycles)
        timings.model = clock.seconds
        self.timings = timings
        self.ecm = ecm
        loadCase = first.loadCase
        trainingLevels = runs.map(\.loadCase.temperatureLevel)
        singularValues = pod.singularValues
        dofs = fe.space.dofCount
        integrationPoints = m
    }

    /// G (M × S·N): G[k, s·N + n] = σ_k(u_s) · ε_k(ψ_n) (Voigt, engineering shears: the double
    /// contraction).
    static func integrands(stress: Matrix, strainModes: Matrix) -> Matrix {
        let m = stress.rows / 6, s = stress.columns, n = strainModes.columns
        var g = Matrix(rows: m, columns: s * n)
        stress.storage.withUnsafeBufferPointer { sigma in
            strainModes.storage.withUnsafeBufferPointer { e in
                g.storage.withUnsafeMutableBufferPointer { out in
                    let buffers = UncheckedSendable((sigma, e, out))
                    Parallelism.forEachChunk(of: m) { range in
                        let (sigma, e, out) = buffers.value
                        for k in range {
                            for step in 0..<s {
                                let sk = sigma.baseAddress! + 6 * m * step + 6 * k
                                for mode in 0..<n {
                                    let ek = e.baseAddress! + 6 * m * mode + 6 * k
                                    var sum = 0.0
                                    for i in 0..<6 { sum += sk[i] * ek[i] }
                                    out[k + m * (step * n + mode)] = sum
                                }
                            }
                        }
                    }
                }
            }
        }
        return g
    }

    /// One flight cycle of the loading of `loadCase`: f_N(t_j) = ω(t_j)² Vᵀ f₁ and the
    /// temperatures T(x_k, t_j) at `positions` (3 per reduced point), t_j the cycle's steps.
    static func reducedLoading(fe: BladeDiscretization, loadCase: BladeLoadCase, modes: Matrix, positions: [Double]) throws -> ReducedLoading {
        let unitForce = modes.applyTransposed(fe.solver.unitCentrifugalForce)
        let loading = try loadCase.loading()
        let times = Array(try loadCase.times().prefix(loadCase.stepsPerCycle))
        let temperatures = try ReducedLoadingTemperatures.at(positions: positions, loadCase: loadCase, times: times)
        var forces = Matrix(rows: modes.columns, columns: times.count)
        for (j, t) in times.enumerated() {
            let omega = loading.angularVelocity(t)
            forces.setColumn(j, to: unitForce.map { $0 * omega * omega })
        }
        return try ReducedLoading(forces: forces, temperatures: temperatures, timeSteps: zip(times, [0] + times).map { $0 - $1 })
    }

    /// The columns of `blocks` side by side.
    static func concatenated(_ blocks: [Matrix]) -> Matrix {
        var all = blocks[0]
        for block in blocks.dropFirst() { all.appendColumns(block) }
        return all
    }
}

/// The temperatures of a load case at given points: what the online stage evaluates at the
/// reduced points for a new temperature level.
enum ReducedLoadingTemperatures {
    /// K × T: T(x_k, t_j) for the points (3 per point) and times.
    static func at(positions: [Double], loadCase: BladeLoadCase, times: [Double]) throws -> Matrix {
        let loading = try loadCase.loading(), k = positions.count / 3
        var temperatures = Matrix(rows: k, columns: times.count)
        for (j, t) in times.enumerated() {
            for point in 0..<k {
                temperatures[point, j] = loading.temperature(SIMD3(positions[3 * point], positions[3 * point + 1], positions[3 * point + 2]), t)
            }
        }
        return temperatures
    }
}
