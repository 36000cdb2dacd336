import LinearAlgebra

/// The answers of a reduced model to a block of M parameters, one column (or entry) per μ.
public struct ReducedModelAnswers: Sendable {
    /// u_N(μ_j) in column j (N×M).
    public internal(set) var coefficients: Matrix
    /// Δ(μ_j): bounds of ‖u(μ_j) − V u_N(μ_j)‖_X.
    public internal(set) var errorEstimates: [Double]
    /// ‖r(μ_j)‖_{X'}.
    public internal(set) var residualNorms: [Double]
    /// α_LB(μ_j).
    public internal(set) var coercivityLowerBounds: [Double]
    /// s_k(μ_j) = l_k · V u_N(μ_j) at (k, j) (outputs × M).
    public internal(set) var outputs: Matrix
    /// ‖l_k‖_{X'} Δ(μ_j) at (k, j): the bound of output k's error.
    public internal(set) var outputBounds: Matrix

    /// M.
    public var count: Int { errorEstimates.count }
}

/// Answers a block of parameters with a `ReducedModel`: the same answers as one
/// `ReducedModelEvaluator.solve` per μ, to round-off, at a throughput no single-query loop has.
///
/// The block is split over `threads` threads, each taking its columns in sub-blocks of
/// `blockSize` parameters: Θ = (θ(μ_j))_j and α_LB(μ_j), then four parameters at a time, one
/// per SIMD lane (`SmallReducedKernel.combineLanes`, `choleskySolveLanes`): the lower triangle
/// of A_N(μ) = Σ_q θ_q A_q^N and f_N(μ), the Cholesky factorization with the forward solve, and
/// the back solve — four independent systems side by side, so the square-root/divide chain of
/// one factorization no longer serializes it; then the residual coefficients c(μ_j), the
/// estimator's product Y = B C (or G C) with three columns sharing each load of B, ‖r(μ_j)‖ =
/// ‖y_j‖₂, and the outputs as one `dgemm`. The answers equal the single query's to round-off
/// (the lane factorization sums in LAPACK's scalar order, the single query by its LDLᵀ in panels); a
/// failing μ is re-solved alone, so its error names the same column. Models the fused kernel does not take (nonsymmetric, N > 64, the
/// empirical interpolation estimator) are answered by one `ReducedModelEvaluator` per thread.
///
/// OpenBLAS runs on one thread inside `solve` when `threads` > 1 (the count is process-wide: do
/// not call `solve` while other threads of the process use BLAS). The evaluator's arrays are read
/// only after `init`, so threads may share it (`@unchecked Sendable`).
public final class ReducedModelBatchEvaluator: @unchecked Sendable {
    /// The model.
    public let model: ReducedModel
    /// Threads a block is spread over.
    public let threads: Int
    /// Parameters per sub-block of a thread: its workspace (C and Y = B C, K and R numbers per
    /// parameter) should stay in the L1/L2 cache (`rom-bench online --batch-block` measures it).
    public let blockSize: Int

    private let n: Int, q: Int, p: Int, k: Int, r: Int
    /// The leading dimension of the systems (`SmallReducedKernel.stride`).
    private let stride: Int
    /// Read-only after `init`, shared by the threads: [A_1^N … A_Q^N] (N·stride × Q, zero
    /// padding rows; a failing μ's re-solve), the same entry-major (the Q coefficients of an entry
    /// side by side: the lanes' affine sum), [f_1^N … f_P^N] entry-major (N × P as P per entry),
    /// the outputs' l_k^N as rows (outputs × N), B (R × K) for `.orthonormalized` or G (K × K)
    /// for `.standard` column by column, and θ(μ̄) of the stability bound.
    private let operators: UnsafeMutableBufferPointer<Double>, operatorsByEntry: UnsafeMutableBufferPointer<Double>
    private let rightHandSidesByEntry: UnsafeMutableBufferPointer<Double>
    private let outputRows: UnsafeMutableBufferPointer<Double>, estimator: UnsafeMutableBufferPointer<Double>
    private let referenceThetas: UnsafeMutableBufferPointer<Double>
    /// The estimator's leading dimension and whether it is upper trapezoidal (`SmallReducedKernel.columns(of:)`).
    private let estimatorLeadingDimension: Int, estimatorIsUpper: Bool
    private let fused: Bool

    /// An evaluator of `model` spreading blocks over `threads` threads.
    public init(model: ReducedModel, threads: Int = Parallelism.threadCount, blockSize: Int = 32) {
        self.model = model
        self.threads = Swift.max(1, threads)
        self.blockSize = Swift.max(1, blockSize)
        let n = model.size, q = model.operatorCoefficients.count, p = model.rightHandSideCoefficients.count
        let estimatorMatrix = model.residualNormMethod == .standard ? model.residualGram : model.residualCoefficients
        (self.n, self.q, self.p, self.k, self.r) = (n, q, p, p + q * n, estimatorMatrix.rows)
        fused = ReducedModelEvaluator.takesFusedKernel(model)
        let ld = SmallReducedKernel.stride(order: n)
        stride = ld
        func copy(_ values: [Double]) -> UnsafeMutableBufferPointer<Double> {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(values.count, 1))
            buffer.initialize(repeating: 0)
            _ = buffer.initialize(from: values)
            return buffer
        }
        var padded = [Double](repeating: 0, count: q * n * ld)
        for (l, a) in model.reducedOperators.enumerated() {
            for j in 0..<n { for i in 0..<n { padded[l * n * ld + j * ld + i] = a[i, j] } }
        }
        operators = copy(padded)
        var byEntry = [Double](repeating: 0, count: q * n * ld)
        for l in 0..<q { for e in 0..<(n * ld) { byEntry[e * q + l] = padded[l * n * ld + e] } }
        operatorsByEntry = copy(byEntry)
        var rhsByEntry = [Double](repeating: 0, count: p * n)
        for (l, f) in model.reducedRightHandSides.enumerated() { for i in 0..<n { rhsByEntry[i * p + l] = f[i] } }
        rightHandSidesByEntry = copy(rhsByEntry)
        outputRows = copy(Matrix(rows: n, columns: model.reducedOutputs.count, storage: model.reducedOutputs.flatMap { $0 }).transposed.storage)
        let columns = SmallReducedKernel.columns(of: estimatorMatrix)
        (estimator, estimatorLeadingDimension, estimatorIsUpper) = (copy(columns.columnMajor), columns.leadingDimension, columns.isUpper)
        referenceThetas = copy([Double](repeating: 1, count: q))
        if let reference = model.coercivityBound.referenceParameter {
            reference.withUnsafeBufferPointer { model.operatorCoefficients.evaluate($0, into: referenceThetas) }
        }
    }

    deinit {
        for buffer in [operators, operatorsByEntry, rightHandSidesByEntry, outputRows, estimator, referenceThetas] { buffer.deallocate() }
    }

    /// The answers at the parameters `mus` (one per entry).
    /// - Throws: what `ReducedModelEvaluator.solve` throws, for the first μ (in order) that fails.
    public func solve(_ mus: [Parameter]) throws -> ReducedModelAnswers {
        let d = model.parameterSpace.dimension
        for mu in mus { try model.parameterSpace.validate(mu) }
        return try solve(Matrix(rows: d, columns: mus.count, storage: mus.flatMap(\.values)))
    }

    /// The answers at the columns of `parameters` (d × M, one μ per column).
    /// - Throws: `ROMError.dimensionMismatch` for a row count other than the space's dimension;
    ///   otherwise what `ReducedModelEvaluator.solve` throws, for the first μ that fails.
    public func solve(_ parameters: Matrix) throws -> ReducedModelAnswers {
        let space = model.parameterSpace, d = space.dimension, m = parameters.columns
        guard parameters.rows == d else { throw ROMError.dimensionMismatch(what: "parameter block rows", expected: d, found: parameters.rows) }
        for j in 0..<m {
            for c in 0..<d where !(parameters[c, j] >= space.lower[c] && parameters[c, j] <= space.upper[c]) {
                try space.validate(Parameter(parameters.column(j)))
            }
        }
        let outputCount = model.reducedOutputs.count
        var answers = ReducedModelAnswers(coefficients: Matrix(rows: n, columns: m), errorEstimates: [Double](repeating: 0, count: m),
                                          residualNorms: [Double](repeating: 0, count: m),
                                          coercivityLowerBounds: [Double](repeating: 0, count: m),
                                          outputs: Matrix(rows: outputCount, columns: m), outputBounds: Matrix(rows: outputCount, columns: m))
        guard m > 0 else { return answers }
        let chunks = Swift.min(threads, (m + blockSize - 1) / blockSize)
        var failures = [(index: Int, error: any Error)?](repeating: nil, count: chunks)
        parameters.storage.withUnsafeBufferPointer { mus in
            answers.coefficients.storage.withUnsafeMutableBufferPointer { u in
                answers.residualNorms.withUnsafeMutableBufferPointer { r in
                    answers.coercivityLowerBounds.withUnsafeMutableBufferPointer { alpha in
                        answers.outputs.storage.withUnsafeMutableBufferPointer { s in
                            failures.withUnsafeMutableBufferPointer { failed in
                                let target = UncheckedSendable(Target(mus: mus, coefficients: u, residualNorms: r, coercivity: alpha,
                                                                      outputs: s, failures: failed))
                                BLASRuntime.withThreadCount(chunks > 1 ? 1 : BLASRuntime.threadCount) {
                                    Parallelism.forEachChunk(of: chunks, chunks: chunks) { parts in
                                        for part in parts {
                                            let columns = (m * part / chunks)..<(m * (part + 1) / chunks)
                                            do { try self.solve(columns, target.value) } catch let failure as IndexedFailure {
                                                target.value.failures[part] = (failure.index, failure.error)
                                            } catch {
                                                target.value.failures[part] = (columns.lowerBound, error)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let first = failures.compactMap({ $0 }).min(by: { $0.index < $1.index }) { throw first.error }
        for j in 0..<m {
            answers.errorEstimates[j] = answers.residualNorms[j] / answers.coercivityLowerBounds[j]
            for o in 0..<outputCount { answers.outputBounds[o, j] = model.outputDualNorms[o] * answers.errorEstimates[j] }
        }
        return answers
    }

    /// Where the threads write: disjoint columns of the answers.
    private struct Target {
        let mus: UnsafeBufferPointer<Double>
        let coefficients: UnsafeMutableBufferPointer<Double>
        let residualNorms: UnsafeMutableBufferPointer<Double>
        let coercivity: UnsafeMutableBufferPointer<Double>
        let outputs: UnsafeMutableBufferPointer<Double>
        let failures: UnsafeMutableBufferPointer<(index: Int, error: any Error)?>
    }

    /// The error of the query at `index`.
    private struct IndexedFailure: Error {
        let index: Int
        let error: any Error
    }

    /// The columns `columns` of the block, on this thread: its workspace, then sub-block by sub-block.
    private func solve(_ columns: Range<Int>, _ target: Target) throws {
        guard fused else { return try solveOneByOne(columns, target) }
        let b = blockSize
        let sizes = [q * b, p * b, 4 * n * stride, k * b, r * b, SmallReducedKernel.solveWorkspace(order: n), 4 * q, 4 * p, 4 * n, 4 * n]
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: sizes.reduce(0, +) + 1)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0)
        var offset = 0
        func view(_ count: Int) -> UnsafeMutablePointer<Double> {
            defer { offset += count }
            return buffer.baseAddress! + offset
        }
        let workspace = Workspace(thetas: view(sizes[0]), rhsThetas: view(sizes[1]), systems: view(sizes[2]),
                                  residualCoefficients: view(sizes[3]), projected: view(sizes[4]), solveWorkspace: view(sizes[5]),
                                  laneThetas: view(sizes[6]), laneRHSThetas: view(sizes[7]), laneRightHandSides: view(sizes[8]),
                                  laneSolutions: view(sizes[9]))
        var start = columns.lowerBound
        while start < columns.upperBound {
            let count = Swift.min(b, columns.upperBound - start)
            try solveBlock(start, count, workspace, target)
            start += count
        }
    }

    /// A thread's workspace for one sub-block of b parameters: Θ (Q×b), Θ' (P×b), four systems
    /// side by side (4 · N·stride, lane-interleaved; a re-solve's single system uses the first
    /// N·stride), C (K×b), Y = B C (R×b), the single solve's workspace, and the four lanes' θ (4Q), θ' (4P),
    /// f_N (4N) and solutions (4N).
    private struct Workspace {
        let thetas: UnsafeMutablePointer<Double>, rhsThetas: UnsafeMutablePointer<Double>, systems: UnsafeMutablePointer<Double>
        let residualCoefficients: UnsafeMutablePointer<Double>, projected: UnsafeMutablePointer<Double>
        /// `SmallReducedKernel.solve`'s workspace (zero from the start).
        let solveWorkspace: UnsafeMutablePointer<Double>
        let laneThetas: UnsafeMutablePointer<Double>, laneRHSThetas: UnsafeMutablePointer<Double>
        let laneRightHandSides: UnsafeMutablePointer<Double>, laneSolutions: UnsafeMutablePointer<Double>
    }

    /// Parameters `start ..< start + count`: Θ and α_LB per μ, the systems four at a time in SIMD
    /// lanes, C = (c(μ_j))_j and B C, the norms, the outputs as one `dgemm`.
    private func solveBlock(_ start: Int, _ count: Int, _ w: Workspace, _ target: Target) throws {
        let d = model.parameterSpace.dimension, outputCount = model.reducedOutputs.count
        // Θ, Θ', α_LB: checked per μ before any solve, as the single-query path does.
        for j in 0..<count {
            let mu = UnsafeBufferPointer(rebasing: target.mus[((start + j) * d)..<((start + j + 1) * d)])
            let theta = UnsafeMutableBufferPointer(start: w.thetas + j * q, count: q)
            let rhsTheta = UnsafeMutableBufferPointer(start: w.rhsThetas + j * p, count: p)
            model.operatorCoefficients.evaluate(mu, into: theta)
            model.rightHandSideCoefficients.evaluate(mu, into: rhsTheta)
            do {
                target.coercivity[start + j] = try ReducedModelEvaluator.checkedCoercivity(
                    model, mu: mu, thetas: UnsafeBufferPointer(theta), rhsThetas: UnsafeBufferPointer(rhsTheta),
                    referenceThetas: UnsafeBufferPointer(referenceThetas))
            } catch {
                throw IndexedFailure(index: start + j, error: error)
            }
        }
        let u = target.coefficients.baseAddress! + start * n
        for first in Swift.stride(from: 0, to: count, by: 4) {
            try solveLanes(first, count, w, u, start)
        }
        for j in 0..<count {
            SmallReducedKernel.residualCoefficients(rightHandSideThetas: w.rhsThetas + j * p, terms: p, thetas: w.thetas + j * q,
                                                    operatorTerms: q, solution: u + j * n, order: n, into: w.residualCoefficients + j * k)
        }
        SmallReducedKernel.product(columnMajor: estimator.baseAddress!, rows: r, columns: k, leadingDimension: estimatorLeadingDimension,
                                   upper: estimatorIsUpper, count: count, w.residualCoefficients, leadingDimensionC: k,
                                   into: w.projected, leadingDimensionY: r)
        let orthonormalized = model.residualNormMethod == .orthonormalized
        for j in 0..<count {
            let y = w.projected + j * r, uj = u + j * n
            target.residualNorms[start + j] = orthonormalized
                ? SmallReducedKernel.dot(r, y, y).squareRoot()
                : Swift.max(SmallReducedKernel.dot(k, w.residualCoefficients + j * k, y), 0).squareRoot()
            if let bad = (0..<n).first(where: { !uj[$0].isFinite }) {
                throw IndexedFailure(index: start + j, error: ROMError.notFinite(what: "the reduced solution", index: bad))
            }
        }
        if outputCount > 0 {
            BLAS.gemm(m: outputCount, n: count, k: n, a: outputRows.baseAddress!, b: u, c: target.outputs.baseAddress! + start * outputCount)
        }
    }

    /// Parameters `first ..< first + 4` of the sub-block (the last group padded with its last
    /// parameter, whose answers are dropped): their lower triangles of A_N(μ) and f_N(μ) lane by
    /// lane, then the four factorizations and solves at once into u.
    private func solveLanes(_ first: Int, _ count: Int, _ w: Workspace, _ u: UnsafeMutablePointer<Double>, _ start: Int) throws {
        let lanes = Swift.min(4, count - first)
        for t in 0..<4 {
            let j = first + Swift.min(t, lanes - 1)
            for l in 0..<q { w.laneThetas[4 * l + t] = w.thetas[j * q + l] }
            for l in 0..<p { w.laneRHSThetas[4 * l + t] = w.rhsThetas[j * p + l] }
        }
        for column in 0..<n {
            let e = column * stride + column
            SmallReducedKernel.combineLanes(operatorsByEntry.baseAddress! + e * q, thetas: w.laneThetas, terms: q, count: n - column,
                                            into: w.systems + 4 * e)
        }
        if p > 0 {
            SmallReducedKernel.combineLanes(rightHandSidesByEntry.baseAddress!, thetas: w.laneRHSThetas, terms: p, count: n,
                                            into: w.laneRightHandSides)
        } else {
            w.laneRightHandSides.update(repeating: 0, count: 4 * n)
        }
        if SmallReducedKernel.choleskySolveLanes(w.systems, rightHandSides: w.laneRightHandSides, order: n, leadingDimension: stride,
                                                 into: w.laneSolutions, leadingDimensionX: n) != nil {
            // Some lane failed: re-solve the group's parameters alone, in order, so the first
            // failing one reports the single query's error (its own column).
            for t in 0..<lanes { try solveAlone(first + t, w, u, start) }
            return
        }
        (u + first * n).update(from: w.laneSolutions, count: lanes * n)
    }

    /// Parameter j of the sub-block by the single query's kernels (affine sum, LDLᵀ, solves).
    private func solveAlone(_ j: Int, _ w: Workspace, _ u: UnsafeMutablePointer<Double>, _ start: Int) throws {
        let a = w.systems
        SmallReducedKernel.affineSum(operators.baseAddress!, thetas: w.thetas + j * q, terms: q, order: n, leadingDimension: stride, into: a)
        for i in 0..<n {
            var sum = 0.0
            for l in 0..<p { sum += rightHandSidesByEntry[i * p + l] * w.rhsThetas[j * p + l] }
            a[i * stride + n] = sum
        }
        if let column = SmallReducedKernel.solve(a, order: n, workspace: w.solveWorkspace, into: u + j * n) {
            throw IndexedFailure(index: start + j, error: LinearAlgebraError.notPositiveDefinite(column: column, routine: SmallReducedKernel.routine))
        }
    }

    /// The models the fused kernel does not take: one single-query evaluator on this thread.
    private func solveOneByOne(_ columns: Range<Int>, _ target: Target) throws {
        let evaluator = ReducedModelEvaluator(model: model)
        let d = model.parameterSpace.dimension, outputCount = model.reducedOutputs.count
        for j in columns {
            do {
                try evaluator.solve(UnsafeBufferPointer(rebasing: target.mus[(j * d)..<((j + 1) * d)]))
            } catch {
                throw IndexedFailure(index: j, error: error)
            }
            let coefficients = evaluator.coefficients, outputs = evaluator.outputs
            for i in 0..<n { target.coefficients[j * n + i] = coefficients[i] }
            for o in 0..<outputCount { target.outputs[j * outputCount + o] = outputs[o] }
            target.residualNorms[j] = evaluator.residualNorm
            target.coercivity[j] = evaluator.coercivityLowerBound
        }
    }
}
