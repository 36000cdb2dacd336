import CMPI
import ComplexModule
import RealModule

/// A value MPI sends and sums: `Double`, `Complex<Double>` (MPI_C_DOUBLE_COMPLEX) and `Int`
/// (64-bit: MPI_INT64_T).
public protocol MPIElement: Sendable {
    /// The MPI datatype of one value.
    static var mpiDatatype: MPI_Datatype { get }
    /// A value to size receive buffers with (overwritten by MPI).
    static var mpiPlaceholder: Self { get }
}

extension Double: MPIElement {
    /// MPI_DOUBLE.
    public static var mpiDatatype: MPI_Datatype { cmpi_double() }
    /// Zero.
    public static var mpiPlaceholder: Double { 0 }
}

extension Int: MPIElement {
    /// MPI_INT64_T (Swift's `Int` is 64-bit on every supported platform).
    public static var mpiDatatype: MPI_Datatype { cmpi_int64() }
    /// Zero.
    public static var mpiPlaceholder: Int { 0 }
}

extension Complex: MPIElement where RealType == Double {
    /// MPI_C_DOUBLE_COMPLEX (two Doubles, real part first: Swift's layout of `Complex<Double>`).
    public static var mpiDatatype: MPI_Datatype { cmpi_double_complex() }
    /// Zero.
    public static var mpiPlaceholder: Complex<Double> { .zero }
}

/// The reduction operation of a `reduce`/`allreduce`.
public enum ReductionOperation: Sendable {
    /// Σ over ranks.
    case sum
    /// The largest value (real types only).
    case max
    /// The smallest value (real types only).
    case min

    var handle: MPI_Op {
        switch self {
        case .sum: return cmpi_sum()
        case .max: return cmpi_max()
        case .min: return cmpi_min()
        }
    }
}
