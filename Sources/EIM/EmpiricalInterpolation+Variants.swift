import LinearAlgebra

extension EmpiricalInterpolation {
    /// The symmetric formulation (Casenave, Ern, Lelièvre 2016) of this greedy interpolant:
    /// I g(x; μ) = g(x; μ_J) F⁻¹ g(x_I; μ) with F = g(x_I; μ_J), the snapshots at the selected
    /// parameters as functions. It spans the same space and equals the classical form to round-off.
    ///
    /// - Parameter snapshotsAtParameters: g(·; μ_j) for the selected parameters, n × terms, in the
    ///   order of `parameters` (e.g. `family.snapshots(parameters: eim.parameters)`).
    public func symmetricFormulation(snapshotsAtParameters g: Matrix) throws -> EmpiricalInterpolation {
        guard g.rows == pointCount else { throw EIMError.sizeMismatch(what: "snapshot column", expected: pointCount, got: g.rows) }
        guard g.columns == parameters.count else {
            throw EIMError.sizeMismatch(what: "snapshots at the selected parameters (columns)", expected: parameters.count, got: g.columns)
        }
        return try EmpiricalInterpolation(basis: g, points: points, parameters: parameters, errorHistory: errorHistory,
                                          stopReason: stopReason, formulation: .symmetric)
    }

    /// The symmetric formulation from the full snapshot matrix the greedy ran on.
    public func symmetricFormulation(snapshots: Matrix) throws -> EmpiricalInterpolation {
        for p in parameters where p >= snapshots.columns { throw EIMError.parameterOutOfRange(index: p, count: snapshots.columns) }
        var g = Matrix(rows: snapshots.rows, columns: parameters.count)
        for (k, p) in parameters.enumerated() { g.setColumn(k, to: snapshots.column(p)) }
        return try symmetricFormulation(snapshotsAtParameters: g)
    }

    /// The rectangular extension without point `index` (a broken sensor): the functions are kept and
    /// the coefficients solve the least-squares problem of the remaining points (minimum norm).
    public func removingPoint(at index: Int) throws -> EmpiricalInterpolation {
        guard index >= 0, index < points.count else { throw EIMError.pointOutOfRange(index: index, count: points.count) }
        var kept = points
        kept.remove(at: index)
        return try EmpiricalInterpolation(basis: basis, points: kept, parameters: parameters, errorHistory: errorHistory,
                                          stopReason: stopReason, formulation: .rectangular)
    }

    /// The rectangular extension with `count` more points, each where the Lebesgue function
    /// Σ_i |ℓ_i(x)| of the current points is largest (where the interpolant is least stable).
    public func addingPoints(_ count: Int) throws -> EmpiricalInterpolation {
        guard count >= 0, points.count + count <= pointCount else {
            throw EIMError.invalidOption("cannot add \(count) points to \(points.count) of \(pointCount)")
        }
        var current = self
        for _ in 0..<count {
            let l = current.lagrangeFunctions
            var best = -1, largest = -1.0
            let taken = Set(current.points)
            for x in 0..<l.rows where !taken.contains(x) {
                var s = 0.0
                for i in 0..<l.columns { s += abs(l.storage[x + i * l.rows]) }
                if s > largest { largest = s; best = x }
            }
            current = try EmpiricalInterpolation(basis: basis, points: current.points + [best], parameters: parameters,
                                                 errorHistory: errorHistory, stopReason: stopReason, formulation: .rectangular)
        }
        return current
    }

    /// The largest relative error max_j ‖g_j − I g_j‖∞ / ‖g_j‖∞ over the columns of `snapshots`.
    public func maxRelativeError(snapshots: Matrix) -> Double {
        var worst = 0.0
        var values = [Double](repeating: 0, count: points.count), alpha = [Double](repeating: 0, count: terms)
        var approx = [Double](repeating: 0, count: pointCount)
        for j in 0..<snapshots.columns {
            snapshots.storage.withUnsafeBufferPointer { g in
                let column = UnsafeBufferPointer(rebasing: g[(j * snapshots.rows)..<((j + 1) * snapshots.rows)])
                for (k, p) in points.enumerated() { values[k] = column[p] }
                values.withUnsafeBufferPointer { v in
                    alpha.withUnsafeMutableBufferPointer { a in approx.withUnsafeMutableBufferPointer { interpolate(v, coefficients: a, into: $0) } }
                }
                var err = 0.0, size = 0.0
                for i in 0..<column.count { err = max(err, abs(column[i] - approx[i])); size = max(size, abs(column[i])) }
                worst = max(worst, size > 0 ? err / size : err)
            }
        }
        return worst
    }
}
