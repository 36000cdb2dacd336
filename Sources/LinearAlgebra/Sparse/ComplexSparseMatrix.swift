import ComplexModule
import RealModule

/// A sparse complex matrix in CSR form (Helmholtz and other time-harmonic problems): the
/// complex case of `CSRMatrix`, with the layout and invariants of `SparseMatrix`.
/// `LUFactorization` solves with it.
public typealias ComplexSparseMatrix = CSRMatrix<Complex<Double>>

extension ComplexSparseMatrix {
    /// The complex matrix `real + i·imaginary` of two real matrices with the same pattern.
    public init(real: SparseMatrix, imaginary: SparseMatrix) {
        precondition(real.hasSamePattern(as: imaginary), "ComplexSparseMatrix: real and imaginary parts differ in pattern")
        self.init(rows: real.rows, columns: real.columns, rowPointers: real.rowPointers,
                  columnIndices: real.columnIndices,
                  values: zip(real.values, imaginary.values).map { Complex($0, $1) })
    }

    /// y = A x.
    public func apply(_ x: [Complex<Double>]) -> [Complex<Double>] {
        precondition(x.count == columns, "ComplexSparseMatrix.apply: x has \(x.count) entries, expected \(columns)")
        var y = [Complex<Double>](repeating: .zero, count: rows)
        for i in 0..<rows {
            var sum = Complex<Double>.zero
            for k in rowPointers[i]..<rowPointers[i + 1] { sum += values[k] * x[columnIndices[k]] }
            y[i] = sum
        }
        return y
    }
}
