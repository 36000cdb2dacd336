import LinearAlgebra

/// The answers of an online model to a block of M parameters, one column (or entry) per μ: what
/// `OnlineModel.solve(block:)` returns.
public struct OnlineAnswers: Sendable {
    /// u_N(μ_j) in column j (N×M).
    public var coefficients: Matrix
    /// The error estimate (or indicator) of each μ.
    public var errorEstimates: [Double]
    /// The named parts of the estimates (`OnlineModel.estimateDetails`), one value per μ.
    public var estimateDetails: [(name: String, values: [Double])]
    /// s_k(μ_j) at (k, j).
    public var outputs: Matrix
    /// The bound or indicator of output k's error at (k, j); NaN where the model has none.
    public var outputBounds: Matrix

    /// M.
    public var count: Int { errorEstimates.count }
}

extension OnlineModel {
    /// One `solve(components:)` per column, the answers copied out: the default for models
    /// without a batched evaluation.
    public func solve(block parameters: Matrix) throws -> OnlineAnswers {
        let m = parameters.columns, d = parameters.rows
        guard d == parameterSpace.dimension else {
            throw ROMError.dimensionMismatch(what: "parameter block rows", expected: parameterSpace.dimension, found: d)
        }
        var answers = OnlineAnswers(coefficients: Matrix(rows: reducedDimension, columns: m), errorEstimates: [],
                                    estimateDetails: [], outputs: Matrix(rows: outputCount, columns: m),
                                    outputBounds: Matrix(rows: outputCount, columns: m))
        answers.errorEstimates.reserveCapacity(m)
        try parameters.storage.withUnsafeBufferPointer { all in
            for j in 0..<m {
                try solve(components: UnsafeBufferPointer(rebasing: all[(j * d)..<((j + 1) * d)]))
                answers.coefficients.setColumn(j, to: coefficients)
                answers.errorEstimates.append(errorEstimate)
                let details = estimateDetails
                if j == 0 { answers.estimateDetails = details.map { ($0.name, [Double]()) } }
                for (i, detail) in details.enumerated() { answers.estimateDetails[i].values.append(detail.value) }
                for (k, s) in outputs.enumerated() {
                    answers.outputs[k, j] = s
                    answers.outputBounds[k, j] = outputErrorEstimate(k) ?? .nan
                }
            }
        }
        return answers
    }
}

extension ReducedModelAnswers {
    /// The answers as an `OnlineAnswers` (details: residual norm, coercivity lower bound).
    public var online: OnlineAnswers {
        OnlineAnswers(coefficients: coefficients, errorEstimates: errorEstimates,
                      estimateDetails: [("residual_norm", residualNorms), ("coercivity_lower_bound", coercivityLowerBounds)],
                      outputs: outputs, outputBounds: outputBounds)
    }
}
