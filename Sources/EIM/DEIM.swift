import LinearAlgebra

/// Interpolation points from a given basis U (n × m, e.g. POD modes).
public enum PointSelection: String, Sendable {
    /// DEIM (Chaturantabut & Sorensen 2010): point k is the largest residual of interpolating u_k
    /// at the points chosen before.
    case deim
    /// Q-DEIM (Drmač & Gugercin 2016): the first m pivots of the QR factorization with column
    /// pivoting of Uᵀ.
    case qdeim

    /// The m points for the columns of `basis`; throws on an empty basis or more columns than rows.
    public func points(for basis: Matrix) throws -> [Int] {
        guard basis.columns > 0, basis.columns <= basis.rows else { throw EIMError.invalidBasis(rows: basis.rows, columns: basis.columns) }
        if let k = basis.firstNonFiniteIndex { throw EIMError.notFinite(point: k % basis.rows, parameter: k / basis.rows) }
        switch self {
        case .qdeim:
            return Array(try PivotedQR(basis.transposed).permutation.prefix(basis.columns))
        case .deim:
            return try Self.deimPoints(basis)
        }
    }

    /// DEIM's greedy: p_1 = argmax |u_1|; then r = u_k − U_{k−1} (P U_{k−1})⁻¹ P u_k and p_k = argmax |r|.
    static func deimPoints(_ u: Matrix) throws -> [Int] {
        let n = u.rows
        var points = [u.column(0).indices.max { abs(u[$0, 0]) < abs(u[$1, 0]) }!]
        for k in 1..<u.columns {
            let previous = u.columns(0..<k)
            let c = try LeastSquares(previous.rows(points), Matrix(rows: k, columns: 1, storage: points.map { u[$0, k] })).solution.storage
            let approx = previous * c
            var best = -1, largest = -1.0
            for i in 0..<n {
                let r = abs(u[i, k] - approx[i])
                if r > largest && !points.contains(i) { largest = r; best = i }
            }
            points.append(best)
        }
        return points
    }
}

extension EmpiricalInterpolation {
    /// The interpolant of the span of `basis` at the points DEIM or Q-DEIM picks: I g = U (P U)⁻¹ P g.
    public init(basis: Matrix, selection: PointSelection) throws {
        try self.init(basis: basis, points: try selection.points(for: basis), formulation: .deim)
    }

    /// POD modes of `snapshots` (thin SVD), as many as singular values above `tolerance · σ₁`
    /// (at most `maxModes`), then DEIM or Q-DEIM points.
    public init(snapshots: Matrix, selection: PointSelection, tolerance: Double, maxModes: Int? = nil) throws {
        guard tolerance > 0, tolerance.isFinite else { throw EIMError.nonPositiveTolerance(tolerance) }
        guard snapshots.columns > 0 else { throw EIMError.emptyTrainingSet }
        if let k = snapshots.firstNonFiniteIndex {
            throw EIMError.notFinite(point: k % snapshots.rows, parameter: k / snapshots.rows)
        }
        let svd = try ThinSVD(snapshots)
        let s = svd.singularValues
        var m = s.prefix { $0 > tolerance * (s.first ?? 0) }.count
        m = max(1, min(m, maxModes ?? m, snapshots.rows))
        try self.init(basis: svd.u.columns(0..<m), selection: selection)
    }
}
