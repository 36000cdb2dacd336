import Foundation
import LinearAlgebra
@testable import ROM
import XCTest

/// The empirical interpolation of matrix powers (arXiv 1710.02488) against dense LAPACK.
final class MatrixPowerInterpolationTests: XCTestCase {
    /// A(μ) = (I + L/4) + μ₀ (L + I/2) + μ₁ D, L the 1D Laplacian stencil, D a positive diagonal,
    /// μ ∈ [0.5, 2]²: every term SPD, A(μ) well conditioned (κ ≈ 10), so the series bound is sharp.
    static func family(_ n: Int) throws -> (ParameterSpace, AffineDecomposition, CoercivityBound) {
        func matrix(_ diagonal: (Int) -> Double, _ off: Double) -> SparseMatrix {
            var builder = SparseBuilder<Double>(rows: n, columns: n)
            for i in 0..<n {
                builder.add(i, i, diagonal(i))
                if i > 0 { builder.add(i, i - 1, off) }
                if i + 1 < n { builder.add(i, i + 1, off) }
            }
            return builder.build()
        }
        let terms = [matrix({ _ in 1.5 }, -0.25), matrix({ _ in 2.5 }, -1), matrix({ 0.5 + 0.5 * sin(Double($0)) * sin(Double($0)) }, 0)]
        let space = try ParameterSpace(names: ["a", "b"], lower: [0.5, 0.5], upper: [2, 2])
        let decomposition = try AffineDecomposition(operators: terms, operatorCoefficients: [.constant(1), .component(0), .component(1)],
                                                    rightHandSides: [[Double](repeating: 1, count: n)], rightHandSideCoefficients: [.constant(1)])
        // min-θ with θ(μ̄) = (1, 0.5, 0.5) and λ_min(A(μ̄)) from LAPACK.
        let reference = Parameter([0.5, 0.5])
        let lowest = try SymmetricEigen(decomposition.matrix(at: reference).dense, indices: 0..<1, computeVectors: false).values[0]
        return (space, decomposition, .minTheta(reference: reference.values, referenceConstant: lowest))
    }

    /// log det, bᵀA⁻¹c and A⁻¹c agree with dense LAPACK on 20 fresh μ, every bound holds, and the
    /// approximation is exact at the parameters the greedy selected.
    func testAgreesWithDenseValuesAndBoundsHold() throws {
        let n = 40
        let (space, decomposition, stability) = try Self.family(n)
        let b = (0..<n).map { 1 + 0.1 * Double($0 % 5) }, c = (0..<n).map { cos(Double($0)) }
        let training = try space.random(count: 200, seed: 1)
        let model = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: training,
                                                 stability: stability, left: b, right: c, options: .init(degree: 16))
        var worst = (logDet: 0.0, quadratic: 0.0, inverse: 0.0)
        for mu in try space.random(count: 20, seed: 99) {
            let dense = try DenseCholesky(decomposition.matrix(at: mu).dense)
            let x = try dense.solve(c)
            let e = try model.evaluate(at: mu)
            let logDetError = abs(e.logDeterminant - dense.logDeterminant)
            XCTAssertLessThanOrEqual(logDetError, e.logDeterminantBound, "log det bound at \(mu)")
            let quadraticError = abs(e.quadraticForm! - BLAS.dot(b, x))
            XCTAssertLessThanOrEqual(quadraticError, e.quadraticFormBound!, "quadratic form bound at \(mu)")
            let approximate = try model.inverse(at: mu)
            let inverseError = BLAS.nrm2(zip(approximate, x).map { $0 - $1 })
            XCTAssertLessThanOrEqual(inverseError, e.inverseBound!, "inverse bound at \(mu)")
            worst.logDet = max(worst.logDet, logDetError / abs(dense.logDeterminant))
            worst.quadratic = max(worst.quadratic, quadraticError / abs(BLAS.dot(b, x)))
            worst.inverse = max(worst.inverse, inverseError / BLAS.nrm2(x))
        }
        XCTAssertLessThan(worst.logDet, 1e-7)
        XCTAssertLessThan(worst.quadratic, 1e-7)
        XCTAssertLessThan(worst.inverse, 1e-7)
        for (j, mu) in model.selectedParameters.enumerated() {
            let e = try model.evaluate(at: mu)
            XCTAssertEqual(e.logDeterminant, model.logDeterminants[j], accuracy: 1e-10 * abs(model.logDeterminants[j]))
            let exact = try DenseCholesky(decomposition.matrix(at: mu).dense)
            XCTAssertEqual(e.quadraticForm!, BLAS.dot(b, try exact.solve(c)), accuracy: 1e-10)
        }
    }

    /// One workspace answers a sequence of queries as fresh ones do, to the bit (no state of an
    /// earlier μ survives in its buffers), and the online evaluator answers as `evaluate(at:)`.
    func testAReusedWorkspaceAnswersAsAFreshOne() throws {
        let n = 30
        let (space, decomposition, stability) = try Self.family(n)
        let b = (0..<n).map { 1 + 0.1 * Double($0 % 5) }, c = (0..<n).map { sin(Double($0)) }
        let model = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: try space.random(count: 100, seed: 2),
                                                 stability: stability, left: b, right: c, options: .init(degree: 12))
        let reused = model.makeWorkspace()
        for mu in try space.random(count: 6, seed: 7) {
            let again = mu.values.withUnsafeBufferPointer { model.evaluate(at: $0, workspace: reused) }
            let fresh = try model.evaluate(at: mu)
            XCTAssertEqual(Array(reused.weights), fresh.weights)
            XCTAssertEqual(again.logDeterminant, fresh.logDeterminant)
            XCTAssertEqual(again.logDeterminantBound, fresh.logDeterminantBound)
            XCTAssertEqual(again.quadraticForm, fresh.quadraticForm)
            XCTAssertEqual(again.quadraticFormBound, fresh.quadraticFormBound)
            XCTAssertEqual(again.inverseBound, fresh.inverseBound)
            XCTAssertNotNil(again.quadraticForm)
        }
        let partitioned = PartitionedMatrixPowerInterpolation(partition: try ParameterPartition.tensor(space: space, pieces: [1, 1]), models: [model])
        let evaluator = MatrixFunctionEvaluator(model: partitioned)
        let mu = try space.random(count: 1, seed: 11)[0]
        try evaluator.solve(mu)
        XCTAssertEqual(evaluator.outputs, [try model.evaluate(at: mu).logDeterminant, try model.evaluate(at: mu).quadraticForm!])
        XCTAssertThrowsError(try evaluator.solve(Parameter(space.upper.map { $0 + 1 })), "outside the box")
    }

    /// A μ outside the box, a training matrix that is not SPD and half a pair of vectors are errors.
    func testRejectsBadInput() throws {
        let (space, decomposition, stability) = try Self.family(12)
        let model = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition,
                                                 training: try space.random(count: 20, seed: 2), stability: stability,
                                                 options: .init(degree: 3))
        XCTAssertThrowsError(try model.evaluate(at: Parameter([3, 1]))) { XCTAssertTrue($0 is ParameterError, "\($0)") }
        XCTAssertThrowsError(try model.inverse(at: Parameter([1, 1])))
        XCTAssertThrowsError(try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: [Parameter([1, 1])],
                                                          stability: stability, left: [Double](repeating: 1, count: 12)))
        let wide = try ParameterSpace(names: ["a", "b"], lower: [-5, 0.5], upper: [2, 2])
        // (The reference scaling refuses θ ≤ 0 before any factorization: Gershgorin's reaches CHOLMOD.)
        XCTAssertThrowsError(try MatrixPowerInterpolation(parameterSpace: wide, decomposition: decomposition, training: [Parameter([-5, 0.5])],
                                                          stability: stability, options: .init(degree: 3, scaling: .gershgorin))) { error in
            guard case LinearAlgebraError.notPositiveDefinite = error else { return XCTFail("\(error)") }
        }
    }

    /// A 1-D Matérn-like precision A(s) = κ⁴M + 2κ²K + K M_L⁻¹K, κ = 10^s, s ∈ [0, 2], from P1 on
    /// n cells of [0, 1] (natural boundary conditions): every term semidefinite, log det A
    /// singular at κ² = 0 just outside the box, so one polynomial interpolation over the box is poor.
    private func maternLike(_ n: Int) throws -> (ParameterSpace, AffineDecomposition, CoercivityBound) {
        let h = 1 / Double(n), size = n + 1
        var mass = SparseBuilder<Double>(rows: size, columns: size), stiffness = SparseBuilder<Double>(rows: size, columns: size)
        var lumped = [Double](repeating: 0, count: size)
        for e in 0..<n {
            for (a, b) in [(e, e), (e + 1, e + 1)] { mass.add(a, b, h / 3); stiffness.add(a, b, 1 / h) }
            for (a, b) in [(e, e + 1), (e + 1, e)] { mass.add(a, b, h / 6); stiffness.add(a, b, -1 / h) }
            lumped[e] += h / 2
            lumped[e + 1] += h / 2
        }
        let m = mass.build(), k = stiffness.build()
        let biharmonic = try k.multiplied(by: k, scaling: lumped.map { 1 / $0 })
        let scatter = { (a: SparseMatrix) -> SparseMatrix in
            var builder = SparseBuilder<Double>(rows: size, columns: size)
            for i in 0..<size { for j in biharmonic.rowPointers[i]..<biharmonic.rowPointers[i + 1] { builder.add(i, biharmonic.columnIndices[j], 0) } }
            for i in 0..<size { for j in a.rowPointers[i]..<a.rowPointers[i + 1] { builder.add(i, a.columnIndices[j], a.values[j]) } }
            return builder.build()
        }
        let theta = try ClosureCoefficients(count: 3, largestComponent: 0, descriptions: ["κ⁴", "2κ²", "1"]) { mu, theta in
            let kappa2 = pow(10, 2 * mu[0])
            theta[0] = kappa2 * kappa2
            theta[1] = 2 * kappa2
            theta[2] = 1
        }
        let space = try ParameterSpace(names: ["log10_kappa"], lower: [0], upper: [2])
        let decomposition = try AffineDecomposition(operators: [scatter(m), scatter(k), biharmonic], coefficients: theta,
                                                    rightHandSides: [lumped], rightHandSideCoefficients: [.constant(1)])
        let reference = Parameter([0])
        let lowest = try SymmetricEigen(decomposition.matrix(at: reference).dense, indices: 0..<1, computeVectors: false).values[0]
        return (space, decomposition, .minTheta(reference: reference.values, referenceConstant: lowest))
    }

    /// On the Matérn-like family, eight subdomains of degree 6 (13 terms each) give log det to
    /// 1e-9 relative where one interpolation over the box of the same degree misses by 1e-4 or
    /// more; every bound holds; each subdomain is exact at its own selected parameters.
    func testPartitionInterpolatesTheMaternLogDeterminantToTenDigits() throws {
        let (space, decomposition, stability) = try maternLike(60)
        let b = (0..<61).map { 1 + 0.1 * Double($0 % 7) }
        let partitioned = try PartitionedMatrixPowerInterpolation(
            parameterSpace: space, decomposition: decomposition, stability: stability, left: b, right: b,
            options: .init(pieces: [8], trainingPerSubdomain: 30, local: .init(degree: 6)))
        XCTAssertEqual(partitioned.partition.count, 8)
        XCTAssertLessThanOrEqual(partitioned.maxTerms, 13)
        let single = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition,
                                                  training: try space.uniformGrid(pointsPerComponent: 200),
                                                  stability: stability, options: .init(degree: 6))
        var worst = (partitioned: 0.0, single: 0.0, quadratic: 0.0)
        for mu in try space.random(count: 30, seed: 5) {
            let dense = try DenseCholesky(decomposition.matrix(at: mu).dense)
            let e = try partitioned.evaluate(at: mu)
            let error = abs(e.logDeterminant - dense.logDeterminant)
            XCTAssertLessThanOrEqual(error, e.logDeterminantBound, "log det bound at \(mu)")
            let exactQuadratic = BLAS.dot(b, try dense.solve(b))
            let quadraticError = abs(e.quadraticForm! - exactQuadratic)
            XCTAssertLessThanOrEqual(quadraticError, e.quadraticFormBound!, "quadratic form bound at \(mu)")
            let s = try single.evaluate(at: mu)
            XCTAssertLessThanOrEqual(abs(s.logDeterminant - dense.logDeterminant), s.logDeterminantBound, "single bound at \(mu)")
            worst.partitioned = max(worst.partitioned, error / abs(dense.logDeterminant))
            worst.single = max(worst.single, abs(s.logDeterminant - dense.logDeterminant) / abs(dense.logDeterminant))
            worst.quadratic = max(worst.quadratic, quadraticError / exactQuadratic)
        }
        XCTAssertLessThan(worst.partitioned, 1e-9)
        XCTAssertGreaterThan(worst.single, 1e-4)
        XCTAssertLessThan(worst.quadratic, 1e-4)
        for model in partitioned.models {
            for (j, mu) in model.selectedParameters.enumerated() {
                XCTAssertEqual(try model.evaluate(at: mu).logDeterminant, model.logDeterminants[j],
                               accuracy: 1e-11 * abs(model.logDeterminants[j]))
            }
        }
        XCTAssertThrowsError(try partitioned.evaluate(at: Parameter([2.5]))) { XCTAssertTrue($0 is ParameterError, "\($0)") }
    }

    /// The reference scaling and the Gershgorin scaling give the same approximation (the same
    /// polynomial space in θ) on the well-conditioned family; both bounds hold, and the reference
    /// bound, which uses no matrix norm, is the sharper one there.
    func testReferenceAndGershgorinScalingsAgreeAndBothBoundsHold() throws {
        let (space, decomposition, stability) = try Self.family(30)
        let training = try space.random(count: 150, seed: 3)
        let reference = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: training,
                                                     stability: stability, options: .init(degree: 8))
        let gershgorin = try MatrixPowerInterpolation(parameterSpace: space, decomposition: decomposition, training: training,
                                                      stability: stability, options: .init(degree: 8, scaling: .gershgorin))
        XCTAssertNotNil(reference.referenceCoefficients)
        XCTAssertNil(gershgorin.referenceCoefficients)
        for mu in try space.random(count: 15, seed: 4) {
            let exact = try DenseCholesky(decomposition.matrix(at: mu).dense).logDeterminant
            let r = try reference.evaluate(at: mu), g = try gershgorin.evaluate(at: mu)
            XCTAssertLessThanOrEqual(abs(r.logDeterminant - exact), r.logDeterminantBound)
            XCTAssertLessThanOrEqual(abs(g.logDeterminant - exact), g.logDeterminantBound)
            XCTAssertLessThan(abs(r.logDeterminant - exact), 1e-6 * abs(exact))
            XCTAssertLessThan(r.logDeterminantBound, g.logDeterminantBound, "at \(mu)")
        }
    }

    /// The reference scaling refuses a nonpositive θ_q and a term with a negative diagonal entry.
    func testReferenceScalingRefusesIndefiniteData() throws {
        let (_, decomposition, stability) = try Self.family(12)
        let signed = try ParameterSpace(names: ["a", "b"], lower: [-0.2, 0.5], upper: [2, 2])
        XCTAssertThrowsError(try MatrixPowerInterpolation(parameterSpace: signed, decomposition: decomposition,
                                                          training: [Parameter([-0.1, 1])], stability: stability)) { error in
            XCTAssertTrue("\(error)".contains("θ_1"), "\(error)")
        }
        var negative = SparseBuilder<Double>(rows: 12, columns: 12)
        for i in 0..<12 { negative.add(i, i, i == 5 ? -1 : 1) }
        let bad = try AffineDecomposition(operators: decomposition.operators + [negative.build()],
                                          operatorCoefficients: [.constant(1), .component(0), .component(1), .constant(0.1)],
                                          rightHandSides: decomposition.rightHandSides, rightHandSideCoefficients: [.constant(1)])
        let space = try ParameterSpace(names: ["a", "b"], lower: [0.5, 0.5], upper: [2, 2])
        XCTAssertThrowsError(try MatrixPowerInterpolation(parameterSpace: space, decomposition: bad,
                                                          training: [Parameter([1, 1])], stability: stability)) { error in
            XCTAssertTrue("\(error)".contains("row 5"), "\(error)")
        }
    }

    /// The tensor partition: 3 × 2 boxes that tile the box, and the tree walk finds each point's box.
    func testTensorPartitionTilesTheBox() throws {
        let space = try ParameterSpace(names: ["x", "y"], lower: [0, -1], upper: [3, 1])
        let partition = try ParameterPartition.tensor(space: space, pieces: [3, 2])
        XCTAssertEqual(partition.count, 6)
        XCTAssertEqual(partition.boxes.map { ($0.upper[0] - $0.lower[0]) * ($0.upper[1] - $0.lower[1]) }.reduce(0, +), 6, accuracy: 1e-12)
        for mu in try space.random(count: 50, seed: 8) {
            let box = partition.boxes[partition.subdomain(containing: mu)]
            XCTAssertNoThrow(try box.validate(mu), "\(mu) in \(box.lower)…\(box.upper)")
        }
        XCTAssertThrowsError(try ParameterPartition.tensor(space: space, pieces: [0, 2]))
        XCTAssertThrowsError(try ParameterPartition.tensor(space: space, pieces: [2]))
    }
}
