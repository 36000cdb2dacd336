import LinearAlgebra

/// A POD that takes snapshots in batches and never revisits old ones: after each batch the
/// basis U and singular values Σ summarize everything seen, and the next batch S is absorbed by
/// the POD of [U Σ, S] (the incremental SVD of Brand 2002, without the right singular vectors).
/// Memory stays at n × (modes + batch) however many snapshots stream through (libROM's
/// `takeSample`), and the result equals the POD of all snapshots up to the truncation of each step.
public struct IncrementalPOD: Sendable {
    /// The inner product of the modes.
    public let innerProduct: InnerProduct
    /// The truncation applied after each batch.
    public let truncation: POD.Truncation
    /// The current modes (M-orthonormal columns).
    public private(set) var modes: Matrix
    /// The current singular values of the kept modes.
    public private(set) var singularValues: [Double] = []
    /// Snapshots absorbed so far.
    public private(set) var snapshotCount = 0

    /// An empty POD for snapshots of length `dimension`.
    public init(dimension: Int, innerProduct: InnerProduct = .euclidean, truncation: POD.Truncation) throws {
        try POD.validate(truncation)
        self.innerProduct = innerProduct
        self.truncation = truncation
        modes = Matrix(rows: dimension, columns: 0)
    }

    /// Absorbs the columns of `snapshots`.
    public mutating func add(_ snapshots: Matrix) throws {
        guard snapshots.columns > 0 else { return }
        guard snapshots.rows == modes.rows else {
            throw ROMError.dimensionMismatch(what: "snapshot length", expected: modes.rows, found: snapshots.rows)
        }
        var combined = modes
        for j in 0..<combined.columns {
            for i in 0..<combined.rows { combined[i, j] *= singularValues[j] }
        }
        combined.appendColumns(snapshots)
        let pod = try POD(snapshots: combined, innerProduct: innerProduct, truncation: truncation, method: .automatic)
        modes = pod.modes
        singularValues = Array(pod.singularValues.prefix(pod.modes.columns))
        snapshotCount += snapshots.columns
    }
}
