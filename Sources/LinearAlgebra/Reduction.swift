/// How partial sums over the rows of vectors are completed: the seam where a row-distributed
/// computation adds the contributions of every part (an MPI `Allreduce`).
///
/// Every inner product, Gram matrix and norm of the reduction algorithms (POD's correlation
/// matrix and Cholesky QR, Gram–Schmidt in `OrthonormalBasis`, the greedy's norms) is computed
/// on the rows a process holds and then passed through `sumOverParts`; with `SerialReduction`
/// that is the identity, so the serial results are those of the plain BLAS calls, bit for bit.
/// DomainDecomp supplies the MPI implementation (pyMOR routes the same sums through its
/// `VectorArray`s, libROM through its `distributed` flag).
public protocol Reduction: Sendable {
    /// Whether all rows live in this process (then `sumOverParts` does nothing).
    var isSerial: Bool { get }
    /// Replaces each value by its sum over every part of the rows, in place.
    func sumOverParts(_ values: UnsafeMutableBufferPointer<Double>)
}

extension Reduction {
    /// Sums every entry of `values` over the parts.
    public func sumOverParts(_ values: inout [Double]) {
        if isSerial { return }
        values.withUnsafeMutableBufferPointer { sumOverParts($0) }
    }

    /// Sums one value over the parts.
    public func sumOverParts(_ value: Double) -> Double {
        if isSerial { return value }
        var values = [value]
        sumOverParts(&values)
        return values[0]
    }

    /// Sums every entry of a matrix (a Gram matrix of local rows) over the parts.
    public func sumOverParts(_ matrix: inout Matrix) {
        if isSerial { return }
        sumOverParts(&matrix.storage)
    }
}

/// All rows in this process: sums are complete as computed.
public struct SerialReduction: Reduction {
    /// The serial reduction.
    public init() {}
    /// Always true.
    public var isSerial: Bool { true }
    /// Nothing to add.
    public func sumOverParts(_ values: UnsafeMutableBufferPointer<Double>) {}
}
