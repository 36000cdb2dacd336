import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// The workflow of docs/rom.md ("Your own problem, from Swift"), run as written on matrices an
/// external code would have written: two affine terms as MatrixMarket files, f as NPY.
final class DocumentedWorkflowTests: XCTestCase {
    func testTheDocumentedWorkflowRunsAndCertifies() throws {
        let temporary = try TemporaryFolder("rom-doc")
        defer { temporary.remove() }
        let folder = temporary.url
        // The "external code": a 1D diffusion split in two halves, each a positive semidefinite term.
        let n = 200
        var left = SparseBuilder<Double>(rows: n, columns: n), right = SparseBuilder<Double>(rows: n, columns: n)
        for e in 0...n {  // element e joins unknowns e-1 and e (Dirichlet ends)
            var builder = e < n / 2 ? left : right
            if e > 0 { builder.add(e - 1, e - 1, 1) }
            if e < n { builder.add(e, e, 1) }
            if e > 0 && e < n { builder.add(e - 1, e, -1); builder.add(e, e - 1, -1) }
            if e < n / 2 { left = builder } else { right = builder }
        }
        try MatrixMarket.write(left.build(), to: folder.appendingPathComponent("A0.mtx"))
        try MatrixMarket.write(right.build(), to: folder.appendingPathComponent("A1.mtx"))
        try NPY.write([Double](repeating: 1, count: n), to: folder.appendingPathComponent("f.npy"))

        // docs/rom.md, as written (paths relative to the folder).
        let a0 = try MatrixMarket.readSparse(folder.appendingPathComponent("A0.mtx"))
        let a1 = try MatrixMarket.readSparse(folder.appendingPathComponent("A1.mtx"))
        let f = try NPY.read(folder.appendingPathComponent("f.npy")).doubles()
        let space = try ParameterSpace(names: ["k0", "k1"], lower: [0.1, 0.1], upper: [10, 10])
        let decomposition = try AffineDecomposition(
            operators: [a0, a1], operatorCoefficients: [try ParameterFunction("k0", names: space.names),
                                                        try ParameterFunction("k1", names: space.names)],
            rightHandSides: [f], rightHandSideCoefficients: [.constant(1)])
        let x = a0 + a1
        let problem = try AffineProblem(parameterSpace: space, decomposition: decomposition,
                                        innerProduct: .weighted(by: x),
                                        coercivityBound: .minTheta(reference: [1, 1], referenceConstant: 1))
        let result = try ReducedBasisGreedy(tolerance: 1e-6, maxBasisSize: 50)
            .run(problem: problem, trainingSet: try space.latinHypercube(count: 500, seed: 1))
        let modelURL = folder.appendingPathComponent("model.npz")
        try OnlineModelFile.write(result.model, to: modelURL, provenance: .init(creator: "my-app", command: "greedy 1e-6"))
        let online = ReducedModelEvaluator(model: try OnlineModelFile.read(modelURL).model)
        try online.solve(Parameter([2.5, 0.3]))

        // The bound holds against the truth, and the greedy met its tolerance.
        XCTAssertEqual(result.stopReason, .toleranceReached)
        let truth = try problem.solve(Parameter([2.5, 0.3]))
        let error = problem.innerProduct.norm(zip(truth, try result.model.reconstruct(online.coefficients)).map { $0 - $1 })
        // Here the reduced space holds the solutions exactly, so both the error and the bound are
        // round-off of the truth solve itself (relative 1e-14 of ‖u‖): compare above that level.
        let roundOff = 1e-12 * problem.innerProduct.norm(truth)
        XCTAssertGreaterThanOrEqual(max(online.errorEstimate, roundOff), error)
        XCTAssertLessThan(online.errorEstimate, 1e-6)
        // Two terms with piecewise-constant coefficients: the solution manifold is spanned by a few vectors.
        XCTAssertLessThanOrEqual(result.model.size, 4)
    }
}
