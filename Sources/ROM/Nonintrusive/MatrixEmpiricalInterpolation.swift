import EIM
import LinearAlgebra

/// The empirical interpolation of a parametrized sparse matrix (Casenave–Ern–Lelièvre): the EIM
/// greedy on (μ, entry) ↦ A(μ)_kl over the training samples gives
///
///     A(μ) ≈ A_d(μ) = Σ_{m<d} β_m(μ) Q_m,   Q_m ∈ span{A(μ_0), …, A(μ_{m})},
///
/// where β(μ) comes from the d "magic entries" A(μ)_{k_i l_i} by a forward substitution (the
/// interpolation matrix is unit lower triangular). The Q_m are the greedy's normalized
/// residuals, each a combination of the training matrices at the selected parameters: the same
/// space as Σ β_m A(μ_m) of the symmetric form, better conditioned. An affine family with Q
/// terms gives Q terms (its samples span a Q-dimensional space). One more term is kept to
/// estimate the interpolation error online (`VectorEmpiricalInterpolation`).
public struct MatrixEmpiricalInterpolation<Element: Scalar>: Sendable {
    /// The union pattern of the family (zero values).
    public let pattern: CSRMatrix<Element>
    /// The interpolation of the values on the pattern.
    public let values: VectorEmpiricalInterpolation<Element>
    /// The magic entries (d + 1, the last one for the estimator), in the greedy's order.
    public let positions: [MatrixPosition]

    /// d.
    public var terms: Int { values.terms }
    /// The part (real or imaginary) each magic entry reads.
    public var parts: [VectorEmpiricalInterpolation<Element>.Part] { values.parts }

    /// The greedy on the sampled matrices to the relative ℓ∞ (largest entry) `tolerance`.
    public init(samples: FamilySamples<Element>, tolerance: Double, maxTerms: Int? = nil,
                progress: ((Int, Double) -> Void)? = nil) throws {
        let pattern = samples.pattern
        let values = try VectorEmpiricalInterpolation(samples: samples.values, tolerance: tolerance, maxTerms: maxTerms, progress: progress)
        var rowOf = [Int](repeating: 0, count: pattern.nonzeroCount)
        for i in 0..<pattern.rows { for k in pattern.rowPointers[i]..<pattern.rowPointers[i + 1] { rowOf[k] = i } }
        positions = values.entries.map { MatrixPosition(row: rowOf[$0], column: pattern.columnIndices[$0]) }
        self.pattern = pattern
        self.values = values
    }

    /// Q_m as a sparse matrix on the union pattern (m = d is the estimator term).
    public func term(_ m: Int) -> CSRMatrix<Element> { pattern.withValues(values.basis[m]) }

    /// β_0 … β_d from A(μ) at `positions`.
    public func coefficients(entries: [Element]) throws -> [Double] {
        guard entries.count == positions.count else {
            throw ROMError.dimensionMismatch(what: "magic entries of the operator", expected: positions.count, found: entries.count)
        }
        var beta = [Double](repeating: 0, count: positions.count)
        entries.withUnsafeBufferPointer { e in beta.withUnsafeMutableBufferPointer { values.coefficients(entryValues: e, into: $0) } }
        return beta
    }

    /// A(μ) at the magic entries (0 where the matrix stores none); throws for another order.
    public func magicEntries(of a: CSRMatrix<Element>) throws -> [Element] {
        guard a.rows == pattern.rows, a.columns == pattern.columns else {
            throw ROMError.dimensionMismatch(what: "matrix order (the model's is \(pattern.rows))", expected: pattern.rows, found: a.rows)
        }
        return try a.entries(checked: positions)
    }

    /// The relative errors of A_d on the sampled matrices: the largest entry of A − A_d over the
    /// largest of A (what the greedy measures), and ‖A − A_d‖_F / ‖A‖_F.
    public func errors(on samples: FamilySamples<Element>) throws -> (largestEntry: [Double], frobenius: [Double]) {
        if samples.pattern.hasSamePattern(as: pattern) { return try values.relativeErrors(of: samples.values) }
        return try values.relativeErrors(of: try samples.values.indices.map { try samples.matrix($0).values(on: pattern) })
    }
}
