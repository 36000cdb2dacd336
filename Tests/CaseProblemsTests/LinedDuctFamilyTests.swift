import CaseProblems
import ComplexModule
import RealModule
import Foundation
import LinearAlgebra
import ROM
import TestSupport
import XCTest

/// The lined duct as a complex matrix family: its matrix EIM (over the reals) is exact at the
/// magic entries, both parts, and — the family being affine over the reals with five terms
/// (K, k² M, k (B_in + B_out) i, and Re, Im of i k β(f, σ) B_lined) — everywhere; the cheap entry
/// evaluator agrees with the assembly; the complex model file reads back as a complex
/// `OnlineModel` answering the same.
final class LinedDuctFamilyTests: XCTestCase {
    func testTheMatrixEIMIsExactAtItsMagicEntriesInComplexArithmetic() throws {
        let family = try LinedDuctFamily(nx: 30, ny: 3)
        let samples = try FamilySamples(family: family, parameters: family.trainingSet(frequencies: 10, resistivities: 3))
        let eim = try MatrixEmpiricalInterpolation(samples: samples, tolerance: 1e-10)
        XCTAssertEqual(eim.terms, 5, "K, M, i(B_in + B_out), B_lined and i B_lined with real coefficients")
        for mu in try family.parameterSpace.random(count: 6, seed: 3) {
            let a = try family.matrix(at: mu)
            XCTAssertEqual(a.columnIndices, samples.pattern.columnIndices)
            let scale = a.values.map(\.length).max()!
            let entries = try family.entries(at: mu, positions: eim.positions)
            let assembled = try eim.magicEntries(of: a)
            XCTAssertLessThan(zip(entries, assembled).map { ($0 - $1).length }.max()!, 1e-13 * scale, "entries from the terms = assembled entries")
            let approximation = eim.values.approximation(try eim.coefficients(entries: entries))
            for (i, (e, part)) in zip(eim.values.entries, eim.parts).enumerated() where i < eim.terms {
                let (exact, interpolated) = part == .real ? (a.values[e].real, approximation[e].real) : (a.values[e].imaginary, approximation[e].imaginary)
                XCTAssertEqual(interpolated, exact, accuracy: 1e-12 * scale, "magic entry \(i) at \(mu)")
            }
            let error = zip(a.values, approximation).map { ($0 - $1).lengthSquared }.reduce(0, +).squareRoot()
            let norm = a.values.map(\.lengthSquared).reduce(0, +).squareRoot()
            XCTAssertLessThan(error / norm, 1e-12, "affine over the reals: exact everywhere at \(mu)")
        }
    }

    func testTheComplexModelFileAnswersThroughTheProtocol() throws {
        let family = try LinedDuctFamily(nx: 30, ny: 3)
        let samples = try FamilySamples(family: family, parameters: family.trainingSet(frequencies: 16, resistivities: 3))
        let result = try NonintrusiveReducedBasis(operatorTolerance: 1e-10, tolerance: 1e-6, maxBasisSize: 12)
            .reduce(samples, innerProduct: family.innerProduct)
        XCTAssertEqual(result.truthSolver, "UMFPACK")
        let temporary = try TemporaryFolder("lined-duct-model")
        defer { temporary.remove() }
        let url = temporary.file("duct.npz")
        try OnlineModelFile.write(result.model, to: url, provenance: .init(creator: "test", command: "", details: [:]))
        let loaded = try OnlineModelFile.load(url)
        let model = try XCTUnwrap(loaded.model as? ComplexNonintrusiveModel)
        XCTAssertTrue(loaded.model.isComplex)
        XCTAssertEqual(loaded.model.reducedDimension, 2 * result.model.size)
        let mu = Parameter([1234, 20_000])
        let evaluator = NonintrusiveModelEvaluator(model: result.model)
        let positions = result.model.operatorPositions, indices = result.model.rightHandSideIndices
        try evaluator.solve(operatorEntries: try family.entries(at: mu, positions: positions),
                            rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: indices))
        try model.evaluator.solve(operatorEntries: try family.entries(at: mu, positions: positions),
                                  rightHandSideEntries: try family.rightHandSideEntries(at: mu, indices: indices))
        XCTAssertEqual(model.coefficients, ComplexNonintrusiveModel.interleaved(evaluator.coefficients))
        let field = ComplexNonintrusiveModel.complex(try model.reconstruct(model.coefficients))
        XCTAssertEqual(field, try evaluator.reconstruct(evaluator.coefficients))
        // The reduced field is close to the truth at a μ between the training frequencies
        // (1.1e-2 relative with these 12 vectors; a wrong field would be off by order 1).
        let truth = try LUFactorization(try family.matrix(at: mu)).solve(try family.rightHandSide(at: mu))
        let error = zip(truth, field).map { ($0 - $1).lengthSquared }.reduce(0, +).squareRoot()
        XCTAssertLessThan(error / truth.map(\.lengthSquared).reduce(0, +).squareRoot(), 0.02)
        XCTAssertThrowsError(try model.reconstruct([1, 2, 3]))
    }
}
