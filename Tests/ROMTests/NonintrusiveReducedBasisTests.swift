import ComplexModule
import EIM
import Foundation
import LinearAlgebra
@testable import ROM
import XCTest

/// The nonintrusive path: matrix EIM with magic entries, the greedy from the matrices only, the
/// online model from entries.
final class NonintrusiveReducedBasisTests: XCTestCase {
    func testAnAffineFamilyGivesItsTermsAndTheIntrusiveBasis() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 30)
        let training = try problem.parameterSpace.random(count: 200, seed: 3)
        let samples = try FamilySamples(family: ProblemMatrixFamily(problem), parameters: training)
        let eim = try MatrixEmpiricalInterpolation(samples: samples, tolerance: 1e-10)
        XCTAssertEqual(eim.terms, 4, "an affine family with Q = 4 terms")
        // Exact at the training parameters' magic entries, and to round-off everywhere.
        for j in [0, 17, 199] {
            let a = samples.matrix(j)
            let beta = try eim.coefficients(entries: try eim.magicEntries(of: a))
            let approx = eim.values.approximation(beta)
            let largest = a.values.map(abs).max()!
            for (i, p) in eim.positions.prefix(eim.terms).enumerated() {
                XCTAssertEqual(approx[a.index(row: p.row, column: p.column)!], a[p.row, p.column], accuracy: 1e-12 * largest, "magic entry \(i)")
            }
            XCTAssertLessThan(zip(approx, a.values).map { abs($0 - $1) }.max()! / largest, 1e-12)
        }

        let method = try NonintrusiveReducedBasis(operatorTolerance: 1e-10, tolerance: 1e-7, maxBasisSize: 40)
        let result = try method.reduce(samples, innerProduct: problem.innerProduct.matrix)
        let intrusive = try ReducedBasisGreedy(tolerance: 1e-7, relative: true, maxBasisSize: 40).run(problem: problem, trainingSet: training)
        XCTAssertEqual(result.truthSolver, "CHOLMOD")
        XCTAssertLessThanOrEqual(abs(result.model.size - intrusive.model.size), 2,
                                 "nonintrusive N = \(result.model.size), intrusive N = \(intrusive.model.size)")
        let evaluator = NonintrusiveModelEvaluator(model: result.model)
        let x = problem.innerProduct
        var worst = 0.0
        for mu in try problem.parameterSpace.random(count: 20, seed: 8) {
            let a = try problem.matrix(at: mu), f = try problem.rightHandSide(at: mu)
            try evaluator.solve(operatorEntries: try eim.magicEntries(of: a), rightHandSideEntries: result.rightHandSideInterpolation.entries.map { f[$0] })
            let truth = try problem.solve(mu)
            let reduced = try evaluator.reconstruct(evaluator.coefficients)
            worst = max(worst, x.norm(zip(truth, reduced).map { $0 - $1 }) / x.norm(truth))
        }
        XCTAssertLessThan(worst, 1e-6)
    }

    func testANonAffineFamilyIsReducedFromItsMatrices() throws {
        let problem = MovingBump(loadVaries: true)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 25)
        let samples = try FamilySamples(family: ProblemMatrixFamily(problem), parameters: training)
        let method = try NonintrusiveReducedBasis(operatorTolerance: 1e-7, rightHandSideTolerance: 1e-10, tolerance: 1e-6, maxBasisSize: 40)
        let result = try method.reduce(samples, innerProduct: problem.innerProduct.matrix)
        print("bump 1D: d = \(result.operatorInterpolation.terms), d_f = \(result.rightHandSideInterpolation.terms), N = \(result.model.size), operator error \(result.operatorTrainingError)")
        XCTAssertEqual(result.rightHandSideInterpolation.terms, 2, "f is affine in μ₀ with two terms")
        XCTAssertLessThanOrEqual(result.operatorTrainingError.largestEntry, 1e-7)
        let x = problem.innerProduct
        var worst = 0.0, effectivities: [Double] = []
        let family = ProblemMatrixFamily(problem)
        let evaluator = NonintrusiveModelEvaluator(model: result.model)
        for mu in try problem.parameterSpace.random(count: 30, seed: 5) {
            try evaluator.solve(operatorEntries: try family.entries(at: mu, positions: result.model.operatorPositions),
                                rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: result.model.rightHandSideIndices))
            let truth = try problem.solve(mu)
            let reduced = try evaluator.reconstruct(evaluator.coefficients)
            let error = x.norm(zip(truth, reduced).map { $0 - $1 })
            worst = max(worst, error / x.norm(truth))
            effectivities.append(evaluator.errorEstimate / error)
        }
        print("bump 1D: worst relative error \(worst), effectivities \(effectivities.min()!) … \(effectivities.max()!)")
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertGreaterThan(effectivities.min()!, 0.5)
        // Without entries: β and γ interpolated in μ are exact at the training parameters.
        try evaluator.solve(training[7])
        let atTraining = evaluator.coefficients
        let a = try problem.matrix(at: training[7]), f = try problem.rightHandSide(at: training[7])
        try evaluator.solve(operatorEntries: try result.operatorInterpolation.magicEntries(of: a),
                            rightHandSideEntries: result.model.rightHandSideIndices.map { f[$0] })
        for (u, v) in zip(atTraining, evaluator.coefficients) { XCTAssertEqual(u, v, accuracy: 1e-8 * max(1, abs(v))) }
    }

    /// K − k²M + ikR: complex and affine with three terms over ℂ; over ℝ (real and imaginary
    /// parts as points) the family K, M, iR is still three terms.
    func testAComplexFamilyIsInterpolatedOverTheReals() throws {
        let n = 60
        let h = 1 / Double(n)
        let stiffness = Double(n * n) * h * SparseMatrix.laplacian1D(n)
        var massBuilder = SparseBuilder<Double>(rows: n, columns: n)
        for i in 0..<n {
            massBuilder.add(i, i, 2 * h / 3)
            if i + 1 < n { massBuilder.add(i, i + 1, h / 6); massBuilder.add(i + 1, i, h / 6) }
        }
        let mass = massBuilder.build()
        func operator_(_ k: Double) -> ComplexSparseMatrix {
            var a = SparseBuilder<Complex<Double>>(rows: n, columns: n)
            for i in 0..<n {
                for p in stiffness.rowPointers[i]..<stiffness.rowPointers[i + 1] {
                    let j = stiffness.columnIndices[p]
                    a.add(i, j, Complex(stiffness.values[p] - k * k * mass[i, j]))
                }
            }
            a.add(n - 1, n - 1, Complex(0, k))
            return a.build()
        }
        let space = try ParameterSpace(names: ["k"], lower: [1], upper: [6])
        let family = ClosureMatrixFamily<Complex<Double>>(parameterSpace: space, order: n, matrix: { mu in operator_(mu[0]) },
                                                          rightHandSide: { _ in (0..<n).map { $0 == 0 ? Complex(1) : .zero } })
        let training = (0..<40).map { Parameter([1 + 5 * Double($0) / 39]) }
        let samples = try FamilySamples(family: family, parameters: training)
        let eim = try MatrixEmpiricalInterpolation(samples: samples, tolerance: 1e-11)
        XCTAssertEqual(eim.terms, 3)
        let errors = try eim.errors(on: samples)
        XCTAssertLessThan(errors.frobenius.max()!, 1e-12)
        let result = try NonintrusiveReducedBasis(operatorTolerance: 1e-11, tolerance: 1e-8, maxBasisSize: 30)
            .reduce(samples, innerProduct: stiffness + mass)
        XCTAssertEqual(result.truthSolver, "UMFPACK")
        let evaluator = NonintrusiveModelEvaluator(model: result.model)
        var worst = 0.0
        for mu in try space.random(count: 10, seed: 4) {
            let a = try family.matrix(at: mu), f = try family.rightHandSide(at: mu)
            try evaluator.solve(operatorEntries: try eim.magicEntries(of: a), rightHandSideEntries: result.model.rightHandSideIndices.map { f[$0] })
            let truth = try LUFactorization(a).solve(f)
            let reduced = try evaluator.reconstruct(evaluator.coefficients)
            let e = zip(truth, reduced).map { ($0 - $1).modulus }, t = truth.map(\.modulus)
            worst = max(worst, BLAS.nrm2(e) / BLAS.nrm2(t))
        }
        XCTAssertLessThan(worst, 1e-7)
    }
}
