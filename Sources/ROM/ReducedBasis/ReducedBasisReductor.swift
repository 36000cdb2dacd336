import LinearAlgebra

/// The offline side of the reduced basis method for an affine problem (pyMOR's reductor): it
/// holds the basis V, orthonormal in X, and grows with it, one vector at a time, everything the
/// online model needs — only the new rows and columns are computed:
/// - the reduced operators Vᵀ A_q V (from A_q v_new and the kept A_q V),
/// - the reduced right-hand sides and outputs,
/// - the residual representers ξ_p = X⁻¹ f_p and η_qn = X⁻¹ A_q v_n (Q solves per new vector
///   with the factorization of X made once).
public struct ReducedBasisReductor {
    /// The parameter box.
    public let parameterSpace: ParameterSpace
    /// The affine decomposition reduced.
    public let decomposition: AffineDecomposition
    /// The inner product X of the basis and the estimator.
    public let innerProduct: InnerProduct
    /// The stability lower bound of the online model's error bound.
    public let coercivityBound: any StabilityLowerBound
    /// The reduced basis (X-orthonormal columns).
    public private(set) var basis: OrthonormalBasis
    private var operatorImages: [Matrix]      // A_q V, n×N each
    private var reducedOperators: [Matrix]    // Vᵀ A_q V
    private var reducedRightHandSides: [[Double]]
    private var reducedOutputs: [[Double]]
    private var residual: ResidualRieszRepresentation
    private let outputDualNorms: [Double]

    /// A reductor of `problem` with an empty basis.
    public init(problem: AffineProblem) throws {
        try self.init(parameterSpace: problem.parameterSpace, decomposition: problem.decomposition,
                      innerProduct: problem.innerProduct, coercivityBound: problem.coercivityBound)
    }

    /// A reductor with an empty basis; factors X and computes the right-hand sides' representers.
    public init(parameterSpace: ParameterSpace, decomposition d: AffineDecomposition, innerProduct: InnerProduct,
                coercivityBound: any StabilityLowerBound) throws {
        if let m = innerProduct.matrix, m.rows != d.dimension {
            throw ROMError.dimensionMismatch(what: "inner-product matrix order", expected: d.dimension, found: m.rows)
        }
        self.parameterSpace = parameterSpace
        self.decomposition = d
        self.innerProduct = innerProduct
        self.coercivityBound = coercivityBound
        basis = OrthonormalBasis(dimension: d.dimension, innerProduct: innerProduct)
        operatorImages = d.terms.map { _ in Matrix(rows: d.dimension, columns: 0) }
        reducedOperators = d.terms.map { _ in Matrix(rows: 0, columns: 0) }
        reducedRightHandSides = d.rightHandSides.map { _ in [] }
        reducedOutputs = d.outputs.map { _ in [] }
        var representation = try ResidualRieszRepresentation(innerProduct: innerProduct, dimension: d.dimension)
        try representation.append(functionals: d.rightHandSides)
        outputDualNorms = try d.outputs.map { try representation.dualNorm(of: $0) }
        residual = representation
    }

    /// Number of basis vectors N.
    public var size: Int { basis.count }

    /// Orthonormalizes `snapshot` against the basis and, if it brings a new direction, extends
    /// the basis and the offline data. Returns whether the basis grew.
    @discardableResult
    public mutating func extend(with snapshot: [Double]) throws -> Bool {
        let before = basis.count
        basis.append(snapshot)
        guard basis.count > before else { return false }
        let v = basis.vectors.column(before)
        let d = decomposition
        for q in d.terms.indices {
            let image = d.terms[q].apply(v)
            // New column Vᵀ(A_q v) over all N rows, new row vᵀ(A_q V) over the old columns.
            let column = basis.vectors.applyTransposed(image)
            let row = before == 0 ? [] : operatorImages[q].applyTransposed(v)
            var grown = Matrix(rows: before + 1, columns: before + 1)
            for j in 0..<before { for i in 0..<before { grown[i, j] = reducedOperators[q][i, j] } }
            for i in 0...before { grown[i, before] = column[i] }
            for j in 0..<before { grown[before, j] = row[j] }
            reducedOperators[q] = grown
            operatorImages[q].appendColumn(image)
        }
        for p in d.rightHandSides.indices { reducedRightHandSides[p].append(BLAS.dot(v, d.rightHandSides[p])) }
        for k in d.outputs.indices { reducedOutputs[k].append(BLAS.dot(v, d.outputs[k])) }
        // Representers ordered by basis vector, then term: c = (θ'_p, −θ_q u_n) in that order.
        try residual.append(functionals: d.terms.indices.map { operatorImages[$0].column(before) })
        return true
    }

    /// The online model for the current basis.
    public func reducedModel(residualNormMethod: ResidualNormMethod = .orthonormalized, keepBasis: Bool = true) throws -> ReducedModel {
        let d = decomposition
        let coefficients = residual.orthonormalCoefficients
        return try ReducedModel(
            parameterSpace: parameterSpace, operatorCoefficients: d.operatorCoefficients,
            rightHandSideCoefficients: d.rightHandSideCoefficients, reducedOperators: reducedOperators,
            reducedRightHandSides: reducedRightHandSides, reducedOutputs: reducedOutputs, outputDualNorms: outputDualNorms,
            residualGram: coefficients.gram, residualCoefficients: coefficients,
            coercivityBound: coercivityBound, isSymmetric: d.isSymmetric,
            basis: keepBasis ? basis.vectors : nil, residualNormMethod: residualNormMethod)
    }
}
