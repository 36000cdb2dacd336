import EIM
import LinearAlgebra

/// Gappy POD (Everson and Sirovich 1995): a field known at a few points only is completed from a
/// POD basis Φ of its snapshots by least squares on the known rows,
///
///     a = argmin ‖Φ_S a − q_S‖,   q ≈ Φ a = Φ Φ_S⁺ q_S.
///
/// The hyper-reduced model knows the dual quantities (the cumulated plastic strain p, the
/// stresses σ) only at its reduced integration points; this reconstructs them on every point of
/// the mesh. A field may carry several components per point (`componentsPerPoint`: 1 for p, 6 for
/// σ, rows point-major: row c·g + i is component i at point g); the sampled set is a set of
/// points, all components of each.
///
/// The sampled rows must determine the coefficients well: with the requested points alone, when
/// Φ_S has fewer rows than Φ has columns or its condition number exceeds `maximumCondition`, the
/// Q-DEIM points of Φ (Drmač and Gugercin 2016, ``PointSelection/qdeim``) are added, which bound
/// the condition by the Q-DEIM growth factor. The added points are `addedPoints`: a model must
/// evaluate its law there too (``ReducedIntegrationPoints`` with weight zero).
public struct GappyPOD: Sendable, Equatable {
    /// Φ: (c·M) × n, orthonormal columns.
    public let basis: Matrix
    /// c: components per point.
    public let componentsPerPoint: Int
    /// The sampled points (mesh indices): the requested ones in their order, then the added ones.
    public let points: [Int]
    /// The points Q-DEIM added to the requested ones.
    public let addedPoints: [Int]
    /// κ(Φ_S) = σ_max / σ_min of the sampled rows.
    public let conditionNumber: Double
    /// Φ_S⁺: n × (c·|S|), columns in the order of `points` (c per point).
    private let pseudoInverse: Matrix

    /// The condition number of Φ_S above which the Q-DEIM points are added, unless given.
    public static let defaultMaximumCondition = 1e4

    /// M: the number of points of a field.
    public var pointCount: Int { basis.rows / componentsPerPoint }
    /// n: the basis size.
    public var size: Int { basis.columns }

    /// The POD of `snapshots` ((c·M) × s, one field per column) truncated by `truncation`,
    /// sampled at `points` (plus the Q-DEIM points when needed).
    public init(snapshots: Matrix, componentsPerPoint: Int = 1, truncation: POD.Truncation, points: [Int],
                maximumCondition: Double = defaultMaximumCondition) throws {
        guard componentsPerPoint >= 1, snapshots.rows % componentsPerPoint == 0 else {
            throw ROMError.invalidOption(name: "Gappy-POD components per point",
                                         detail: "\(componentsPerPoint) does not divide the \(snapshots.rows) rows of the snapshots")
        }
        let pod = try POD(snapshots: snapshots, truncation: truncation)
        try self.init(basis: pod.modes, componentsPerPoint: componentsPerPoint, points: points, maximumCondition: maximumCondition)
    }

    /// A given basis sampled at `points` (plus the Q-DEIM points when needed).
    public init(basis: Matrix, componentsPerPoint: Int = 1, points requested: [Int], maximumCondition: Double = defaultMaximumCondition) throws {
        let c = componentsPerPoint
        guard c >= 1, basis.rows % c == 0 else {
            throw ROMError.invalidOption(name: "Gappy-POD components per point", detail: "\(c) does not divide the \(basis.rows) rows of the basis")
        }
        guard basis.columns > 0, basis.rows > 0 else { throw ROMError.empty(what: "Gappy-POD basis") }
        if let bad = basis.firstNonFiniteIndex { throw ROMError.notFinite(what: "Gappy-POD basis", index: bad) }
        guard maximumCondition >= 1 else {
            throw ROMError.invalidOption(name: "Gappy-POD condition limit", detail: "must be at least 1, got \(maximumCondition)")
        }
        let m = basis.rows / c
        if let bad = requested.firstIndex(where: { $0 < 0 || $0 >= m }) {
            throw ROMError.invalidOption(name: "Gappy-POD points", detail: "point \(bad) is \(requested[bad]), outside 0..<\(m)")
        }
        guard Set(requested).count == requested.count else { throw ROMError.invalidOption(name: "Gappy-POD points", detail: "a point is listed twice") }
        var points = requested
        var (inverse, condition) = try Self.pseudoInverse(basis, c, points)
        var added: [Int] = []
        if points.count * c < basis.columns || !(condition <= maximumCondition) {
            let present = Set(points)
            var seen = Set<Int>()
            for row in try PointSelection.qdeim.points(for: basis) {
                let point = row / c
                if !present.contains(point) && seen.insert(point).inserted { added.append(point) }
            }
            points += added
            (inverse, condition) = try Self.pseudoInverse(basis, c, points)
        }
        self.init(basis: basis, componentsPerPoint: c, points: points, addedPoints: added, pseudoInverse: inverse, conditionNumber: condition)
    }

    /// A basis with its sampled points as a model file stores them (the last `addedCount` were
    /// added by Q-DEIM); checks the points as the public initializer does, adds none.
    init(basis: Matrix, componentsPerPoint c: Int, sampledPoints points: [Int], addedCount: Int) throws {
        guard c >= 1, basis.rows % c == 0, basis.columns > 0 else {
            throw ROMError.invalidOption(name: "Gappy-POD basis", detail: "\(basis.rows) × \(basis.columns) for \(c) components per point")
        }
        let m = basis.rows / c
        if let bad = points.firstIndex(where: { $0 < 0 || $0 >= m }) {
            throw ROMError.invalidOption(name: "Gappy-POD points", detail: "point \(bad) is \(points[bad]), outside 0..<\(m)")
        }
        guard Set(points).count == points.count else { throw ROMError.invalidOption(name: "Gappy-POD points", detail: "a point is listed twice") }
        guard addedCount >= 0, addedCount <= points.count else {
            throw ROMError.invalidOption(name: "Gappy-POD added points", detail: "\(addedCount) of \(points.count) points")
        }
        guard points.count * c >= basis.columns else {
            throw ROMError.invalidOption(name: "Gappy-POD points", detail: "\(points.count) points × \(c) components cannot determine \(basis.columns) coefficients")
        }
        let (inverse, condition) = try Self.pseudoInverse(basis, c, points)
        self.init(basis: basis, componentsPerPoint: c, points: points, addedPoints: Array(points.suffix(addedCount)),
                  pseudoInverse: inverse, conditionNumber: condition)
    }

    private init(basis: Matrix, componentsPerPoint: Int, points: [Int], addedPoints: [Int], pseudoInverse: Matrix, conditionNumber: Double) {
        self.basis = basis
        self.componentsPerPoint = componentsPerPoint
        self.points = points
        self.addedPoints = addedPoints
        self.pseudoInverse = pseudoInverse
        self.conditionNumber = conditionNumber
    }

    /// Φ_S⁺ by the thin SVD of Φ_S (rows of `points`, c per point), and κ(Φ_S).
    private static func pseudoInverse(_ basis: Matrix, _ c: Int, _ points: [Int]) throws -> (Matrix, Double) {
        let n = basis.columns
        let rows = points.flatMap { p in (0..<c).map { c * p + $0 } }
        guard !rows.isEmpty else { return (Matrix(rows: n, columns: 0), .infinity) }
        let svd = try ThinSVD(basis.rows(rows))
        let sigma = svd.singularValues
        let largest = sigma.first ?? 0
        let smallest = sigma.count < n ? 0 : (sigma.last ?? 0)
        let condition = smallest > 0 ? largest / smallest : .infinity
        // V Σ⁻¹ Uᵀ over the nonzero singular values.
        var scaledVt = svd.vt
        for i in 0..<sigma.count {
            let inverse = sigma[i] > largest * Double.ulpOfOne * Double(rows.count) ? 1 / sigma[i] : 0
            for j in 0..<n { scaledVt[i, j] *= inverse }
        }
        return (Matrix.product(.transposed, scaledVt, .transposed, svd.u), condition)
    }

    /// The coefficients a = Φ_S⁺ q_S of values sampled at `points` (c per point, in that order).
    public func coefficients(sampled values: [Double]) throws -> [Double] {
        guard values.count == pseudoInverse.columns else {
            throw ROMError.dimensionMismatch(what: "Gappy-POD sampled values (components × points)", expected: pseudoInverse.columns, found: values.count)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw ROMError.notFinite(what: "Gappy-POD sampled values", index: bad) }
        return pseudoInverse.applied(to: values)
    }

    /// The field Φ a on every point ((c·M) entries) from its values at `points`.
    public func reconstruct(sampled values: [Double]) throws -> [Double] {
        basis.applied(to: try coefficients(sampled: values))
    }

    /// The sampled values of a full field: its entries at `points` (what a model samples).
    public func sample(_ field: [Double]) throws -> [Double] {
        guard field.count == basis.rows else { throw ROMError.dimensionMismatch(what: "Gappy-POD field length", expected: basis.rows, found: field.count) }
        return points.flatMap { p in (0..<componentsPerPoint).map { field[componentsPerPoint * p + $0] } }
    }
}
