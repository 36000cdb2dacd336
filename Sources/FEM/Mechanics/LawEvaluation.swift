import Foundation
import LinearAlgebra
import Materials

/// The fields of a constitutive law over all integration points at one instant: stress (6 per
/// point), internal state (`law.stateCount` per point) and, when asked, the consistent tangent
/// (36 per point). Flat arrays, point-major, as ``MechanicsIntegrationPoints`` numbers the points.
public struct PointFields: Sendable {
    /// σ at each point, Voigt (6 per point).
    public var stress: [Double]
    /// The law's state at each point.
    public var state: [Double]
    /// ∂σ/∂ε at each point (36 per point, row-major), empty unless asked.
    public var tangent: [Double]

    /// The virgin fields of `law` at `points` at temperatures `temperatures` (one per point).
    public init(law: any ConstitutiveLaw, points: MechanicsIntegrationPoints, temperatures: [Double]) {
        stress = [Double](repeating: 0, count: 6 * points.count)
        tangent = []
        let s = law.stateCount
        var state = [Double](repeating: 0, count: s * points.count)
        if s > 0 {
            state.withUnsafeMutableBufferPointer { buffer in
                for k in 0..<points.count {
                    law.initializeState(UnsafeMutableBufferPointer(rebasing: buffer[(s * k)..<(s * k + s)]), temperature: temperatures[k])
                }
            }
        }
        self.state = state
    }

    /// The state field named `field` of the law (one number per point), e.g. `"p"`.
    public func stateField(_ field: String, of law: any ConstitutiveLaw) -> [Double]? {
        guard let offset = law.stateFields[field] else { return nil }
        let s = law.stateCount
        return stride(from: offset, to: state.count, by: s).map { state[$0] }
    }

    /// The von Mises stress at each point.
    public var vonMises: [Double] {
        stress.withUnsafeBufferPointer { s in
            (0..<(s.count / 6)).map { Voigt.vonMises(UnsafeBufferPointer(rebasing: s[(6 * $0)..<(6 * $0 + 6)])) }
        }
    }
}

extension MechanicsIntegrationPoints {
    /// Advances the law at every point over one step: from `previous` (the fields at the start of
    /// the step) and the displacement `u` and point temperatures at the end, returns the fields at
    /// the end, with the tangent when `withTangent`. Cells are split over threads as the assembler
    /// splits them; each point is independent, so the result does not depend on the split.
    /// - Throws: ``MechanicsError/lawFailed(point:cell:detail:)`` at the first point that fails.
    public func evaluate(law: any ConstitutiveLaw, displacement u: [Double], temperatures: [Double], timeStep: Double,
                         previous: PointFields, withTangent: Bool) throws -> PointFields {
        guard u.count == space.dofCount else { throw MechanicsError.wrongLength(what: "displacement", expected: space.dofCount, found: u.count) }
        guard temperatures.count == count else { throw MechanicsError.wrongLength(what: "temperatures", expected: count, found: temperatures.count) }
        guard previous.state.count == law.stateCount * count else {
            throw MechanicsError.wrongLength(what: "previous state", expected: law.stateCount * count, found: previous.state.count)
        }
        let strain = strains(of: u)
        var result = previous
        result.tangent = withTangent ? [Double](repeating: 0, count: 36 * count) : []
        let failure = FirstFailure()
        let nq = pointsPerCell, s = law.stateCount
        strain.withUnsafeBufferPointer { strain in
        temperatures.withUnsafeBufferPointer { temperatures in
        previous.state.withUnsafeBufferPointer { old in
        result.state.withUnsafeMutableBufferPointer { new in
        result.stress.withUnsafeMutableBufferPointer { stress in
        result.tangent.withUnsafeMutableBufferPointer { tangent in
            let buffers = UncheckedSendable((strain, temperatures, old, new, stress, tangent))
            Parallelism.forEachChunk(of: space.mesh.cellCount, chunks: Self.chunks(space.mesh.cellCount)) { cells in
                let (strain, temperatures, old, new, stress, tangent) = buffers.value
                for k in (cells.lowerBound * nq)..<(cells.upperBound * nq) {
                    do {
                        try law.update(strain: UnsafeBufferPointer(rebasing: strain[(6 * k)..<(6 * k + 6)]), temperature: temperatures[k],
                                       timeStep: timeStep, previousState: UnsafeBufferPointer(rebasing: old[(s * k)..<(s * k + s)]),
                                       state: UnsafeMutableBufferPointer(rebasing: new[(s * k)..<(s * k + s)]),
                                       stress: UnsafeMutableBufferPointer(rebasing: stress[(6 * k)..<(6 * k + 6)]),
                                       tangent: withTangent ? UnsafeMutableBufferPointer(rebasing: tangent[(36 * k)..<(36 * k + 36)]) : nil)
                    } catch {
                        failure.record(.lawFailed(point: k, cell: k / nq, detail: "\(error)"))
                        return
                    }
                }
            }
        }}}}}}
        if let error = failure.error { throw error }
        return result
    }

    /// The internal force Σ_k w_k B_kᵀ σ_k (a full dof vector).
    public func internalForce(stress: [Double]) -> [Double] {
        precondition(stress.count == 6 * count, "MechanicsIntegrationPoints: \(stress.count) stresses for \(count) points")
        return stress.withUnsafeBufferPointer { s in
            gradients.withUnsafeBufferPointer { g in
                cellDofs.withUnsafeBufferPointer { dofs in
                    weights.withUnsafeBufferPointer { w in
                        let buffers = UncheckedSendable((s, g, dofs, w))
                        return Assembler.threaded(count: space.dofCount, cells: space.mesh.cellCount) { cells, force in
                            let (s, g, dofs, w) = buffers.value
                            addInternalForce(stress: s, cells: cells, gradients: g, dofs: dofs, weights: w, into: force)
                        }
                    }
                }
            }
        }
    }

    /// The values, on `pattern` (the assembler's pattern of `space`), of the tangent stiffness
    /// Σ_k w_k B_kᵀ C_k B_k; `symmetric` makes each element matrix exactly symmetric.
    public func tangentValues(tangent: [Double], pattern: SparsityPattern, symmetric: Bool) -> [Double] {
        precondition(tangent.count == 36 * count, "MechanicsIntegrationPoints: \(tangent.count) tangent entries for \(count) points")
        return tangent.withUnsafeBufferPointer { t in
            gradients.withUnsafeBufferPointer { g in
                weights.withUnsafeBufferPointer { w in
                    pattern.scatter.withUnsafeBufferPointer { scatter in
                        let buffers = UncheckedSendable((t, g, w, scatter))
                        return Assembler.threaded(count: pattern.nonzeroCount, cells: space.mesh.cellCount) { cells, values in
                            let (t, g, w, scatter) = buffers.value
                            addTangent(tangent: t, cells: cells, gradients: g, weights: w, scatter: scatter, symmetric: symmetric, into: values)
                        }
                    }
                }
            }
        }
    }
}

/// The first error recorded by the threads of a loop.
final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: MechanicsError?

    func record(_ error: MechanicsError) {
        lock.lock()
        if first == nil { first = error }
        lock.unlock()
    }

    var error: MechanicsError? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}
