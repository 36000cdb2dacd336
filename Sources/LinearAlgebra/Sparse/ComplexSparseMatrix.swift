import ComplexModule
import RealModule

/// A sparse complex matrix in CSR form (Helmholtz and other time-harmonic problems): the
/// complex case of `CSRMatrix`, with the layout and invariants of `SparseMatrix`.
/// `LUFactorization` solves with it; as a `LinearOperator<Complex<Double>>` it applies A and Aᴴ.
public typealias ComplexSparseMatrix = CSRMatrix<Complex<Double>>

extension ComplexSparseMatrix {
    /// The complex matrix `real + i·imaginary` of two real matrices with the same pattern.
    public init(real: SparseMatrix, imaginary: SparseMatrix) {
        precondition(real.hasSamePattern(as: imaginary), "ComplexSparseMatrix: real and imaginary parts differ in pattern")
        self.init(rows: real.rows, columns: real.columns, rowPointers: real.rowPointers,
                  columnIndices: real.columnIndices,
                  values: zip(real.values, imaginary.values).map { Complex($0, $1) })
    }
}
