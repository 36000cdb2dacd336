import LinearAlgebra

extension EmpiricalInterpolation {
    /// Where the greedy keeps a family's values.
    public enum Storage: Sendable {
        /// Evaluate the whole training set once into a snapshot matrix (fastest).
        case inMemory
        /// Evaluate columns when the greedy needs them; memory O(n · terms), not O(n · parameters).
        case onDemand
    }

    /// The greedy on a snapshot matrix (rows = points, columns = training parameters).
    ///
    /// `progress` is called after each term with (terms, error before the term).
    /// The residuals are kept in the snapshots' own storage when the caller hands over its only
    /// reference (`EmpiricalInterpolation(snapshots: consume g)`), else in a copy.
    public init(snapshots: consuming Matrix, options: EIMOptions = EIMOptions(),
                progress: ((Int, Double) -> Void)? = nil) throws {
        try options.validate()
        let n = snapshots.rows, p = snapshots.columns
        guard p > 0 else { throw EIMError.emptyTrainingSet }
        guard n > 0 else { throw EIMError.noPoints }
        let store = try SnapshotResidualStore(snapshots: consume snapshots, norm: options.norm, relative: options.relative,
                                              stabilized: options.stabilized)
        var greedy = EIMGreedy(store: store, pointCount: n, parameterCount: p, options: options)
        greedy.progress = progress
        let reason = try greedy.run()
        try self.init(greedy: greedy.state, stopReason: reason)
    }

    /// The greedy on a family evaluated at its points and training parameters.
    public init<Family: ParametricFamily>(family: Family, options: EIMOptions = EIMOptions(), storage: Storage = .inMemory,
                                          progress: ((Int, Double) -> Void)? = nil) throws {
        try options.validate()
        guard family.parameterCount > 0 else { throw EIMError.emptyTrainingSet }
        guard family.pointCount > 0 else { throw EIMError.noPoints }
        switch storage {
        case .inMemory:
            try self.init(snapshots: family.snapshots(), options: options, progress: progress)
        case .onDemand:
            let store = try OnDemandResidualStore(family: family, norm: options.norm, relative: options.relative,
                                                  stabilized: options.stabilized)
            var greedy = EIMGreedy(store: store, pointCount: family.pointCount, parameterCount: family.parameterCount,
                                   options: options)
            greedy.progress = progress
            let reason = try greedy.run()
            try self.init(greedy: greedy.state, stopReason: reason)
        }
    }

    /// The classical interpolant of a finished greedy.
    init(greedy state: GreedyState, stopReason: EIMStopReason) throws {
        let n = state.pointCount, m = state.terms
        let basis = Matrix(rows: n, columns: m, storage: Array(state.basis.prefix(n * m)))
        try self.init(basis: basis, points: state.points, parameters: state.parameters, errorHistory: state.errors,
                      stopReason: stopReason, formulation: .classical)
    }
}

extension ParametricFamily {
    /// The snapshot matrix (rows = points, columns = parameters), columns evaluated in parallel.
    public func snapshots() -> Matrix {
        snapshots(parameters: Array(0..<parameterCount))
    }

    /// The columns of `parameters` as a snapshot matrix, evaluated in parallel straight into
    /// fresh storage (backed by huge pages on Linux when large: the greedy works in it).
    public func snapshots(parameters: [Int]) -> Matrix {
        let n = pointCount, count = n * parameters.count
        let storage = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            let box = UncheckedSendable(buffer)
            Parallelism.forEachChunk(of: parameters.count) { range in
                for c in range {
                    family(self, evaluate: parameters[c], into: UnsafeMutableBufferPointer(rebasing: box.value[(c * n)..<((c + 1) * n)]))
                }
            }
            initialized = count
        }
        return Matrix(rows: n, columns: parameters.count, storage: storage)
    }
}

private func family<F: ParametricFamily>(_ f: F, evaluate j: Int, into values: UnsafeMutableBufferPointer<Double>) {
    f.evaluate(parameter: j, into: values)
}
