import Foundation
import LinearAlgebra
import ROM
import TestSupport
import XCTest

/// The model file of the matrix-power interpolation: a round trip answers bit for bit what the
/// offline object answers, `OnlineModelFile.load` gives the `OnlineModel` with the log det and
/// bᵀA⁻¹c outputs and their bounds, and a tampered file is refused naming the array.
final class MatrixFunctionModelFileTests: XCTestCase {
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder("romkit-matrix-functions-file") }
    override func tearDownWithError() throws { temporary.remove() }

    /// The tridiagonal family of `MatrixPowerInterpolationTests` (n = 30, μ ∈ [0.5, 2]², SPD
    /// terms) cut into 2 × 1 subdomains, degree 12, with b and c.
    private func model() throws -> (PartitionedMatrixPowerInterpolation, AffineDecomposition, [Double], [Double]) {
        let n = 30
        let (space, decomposition, stability) = try MatrixPowerInterpolationTests.family(n)
        let b = (0..<n).map { 1 + 0.1 * Double($0 % 5) }, c = (0..<n).map { cos(Double($0)) }
        let model = try PartitionedMatrixPowerInterpolation(
            parameterSpace: space, decomposition: decomposition, stability: stability, left: b, right: c,
            options: .init(pieces: [2, 1], trainingPerSubdomain: 60, local: .init(degree: 12)))
        return (model, decomposition, b, c)
    }

    func testRoundTripAnswersBitForBitAndTheOnlineModelMatchesDenseValues() throws {
        let (model, decomposition, b, c) = try model()
        let full = temporary.file("full.npz"), compact = temporary.file("compact.npz")
        try OnlineModelFile.write(model, to: full, provenance: .init(creator: "test", command: "round trip"))
        try OnlineModelFile.write(model.droppingInverse(), to: compact, provenance: .init(creator: "test", command: "round trip"))
        let read = try OnlineModelFile.readMatrixFunctions(full).model
        let readCompact = try OnlineModelFile.readMatrixFunctions(compact).model
        XCTAssertEqual(read.partition.count, 2)
        XCTAssertEqual(read.totalTerms, model.totalTerms)
        let loaded = try OnlineModelFile.load(full)
        XCTAssertEqual(loaded.method, "matrix-power-interpolation")
        let online = loaded.model
        XCTAssertEqual(online.outputNames, ["logdet", "quadratic_form"])
        XCTAssertEqual(online.errorEstimateKind, .certifiedBound)
        XCTAssertTrue(online.canReconstruct)
        XCTAssertFalse(try OnlineModelFile.load(compact).model.canReconstruct)
        for mu in try model.parameterSpace.random(count: 15, seed: 4) {
            let e = try model.evaluate(at: mu), f = try read.evaluate(at: mu), g = try readCompact.evaluate(at: mu)
            for other in [f, g] {
                XCTAssertEqual(other.weights, e.weights)
                XCTAssertEqual(other.logDeterminant, e.logDeterminant)
                XCTAssertEqual(other.logDeterminantBound, e.logDeterminantBound)
                XCTAssertEqual(other.quadraticForm, e.quadraticForm)
                XCTAssertEqual(other.quadraticFormBound, e.quadraticFormBound)
                XCTAssertEqual(other.inverseBound, e.inverseBound)
            }
            XCTAssertEqual(try read.inverse(at: mu), try model.inverse(at: mu))
            XCTAssertThrowsError(try readCompact.inverse(at: mu))
            // The OnlineModel against dense LAPACK: outputs within their bounds, the field within its.
            try online.solve(mu)
            let dense = try DenseCholesky(decomposition.matrix(at: mu).dense)
            let x = try dense.solve(c)
            XCTAssertEqual(online.outputs[0], e.logDeterminant)
            XCTAssertLessThanOrEqual(abs(online.outputs[0] - dense.logDeterminant), try XCTUnwrap(online.outputErrorEstimate(0)))
            XCTAssertLessThanOrEqual(abs(online.outputs[1] - BLAS.dot(b, x)), try XCTUnwrap(online.outputErrorEstimate(1)))
            XCTAssertLessThan(abs(online.outputs[0] - dense.logDeterminant), 1e-8 * abs(dense.logDeterminant))
            let field = try online.reconstruct(online.coefficients)
            XCTAssertEqual(field, try model.inverse(at: mu))
            XCTAssertLessThanOrEqual(BLAS.nrm2(zip(field, x).map { $0 - $1 }), online.errorEstimate)
            XCTAssertEqual(online.coefficients.filter { $0 != 0 }.count, e.weights.filter { $0 != 0 }.count)
        }
        XCTAssertThrowsError(try online.solve(Parameter([3, 1])))
    }

    func testClosureCoefficientsCannotBeStored() throws {
        let (space, decomposition, stability) = try MatrixPowerInterpolationTests.family(12)
        let closure = try ClosureCoefficients(count: 3, largestComponent: 1) { mu, theta in theta[0] = 1; theta[1] = mu[0]; theta[2] = mu[1] }
        let family = try AffineDecomposition(operators: decomposition.operators, coefficients: closure,
                                             rightHandSides: decomposition.rightHandSides, rightHandSideCoefficients: [ParameterFunction.constant(1)])
        let model = try PartitionedMatrixPowerInterpolation(parameterSpace: space, decomposition: family, stability: stability,
                                                            options: .init(pieces: [1, 1], trainingPerSubdomain: 20, local: .init(degree: 3)))
        let url = temporary.file("closure.npz")
        XCTAssertThrowsError(try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: ""))) { error in
            XCTAssertTrue("\(error)".contains("ParameterFunction"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.file("closure.npz").path))
    }

    /// Each tampering is refused by `OnlineModelFile.load` with an error naming the file and the
    /// problem: an exponent above the degree, an EIM point outside the monomials, a selected μ
    /// outside its box, a missing array, an inflated size, a truncated file.
    func testTamperedFilesAreRefusedNamingTheProblem() throws {
        let (model, _, _, _) = try model()
        let url = temporary.file("model.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "tamper"))
        let original = try NPZ.read(url)
        let m = try XCTUnwrap(original.arrays["subdomain_0/monomials"]).shape
        func refused(_ name: String, _ fragments: [String], _ edit: (inout NPZArchive) throws -> Void) throws {
            var archive = original
            try edit(&archive)
            let tampered = temporary.file("\(name).npz")
            try archive.write(to: tampered)
            XCTAssertThrowsError(try OnlineModelFile.load(tampered), name) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("\(name).npz"), text)
                for fragment in fragments { XCTAssertTrue(text.contains(fragment), "\(name): \(text)") }
            }
        }
        try refused("exponent", ["subdomain 0", "monomials"]) { archive in
            var values = try archive.arrays["subdomain_0/monomials"]!.doubles()
            values[m[0] - 1] = 13   // degree 12
            archive.arrays["subdomain_0/monomials"] = NPYArray(shape: m, fortranOrder: true, elements: .int64(values.map { Int($0) }))
        }
        try refused("point", ["subdomain 1", "eim_points"]) { archive in
            var points = try archive.arrays["subdomain_1/eim_points"]!.doubles()
            points[0] = Double(m[0])
            archive.arrays["subdomain_1/eim_points"] = NPYArray(shape: [points.count], fortranOrder: true, elements: .int64(points.map { Int($0) }))
        }
        try refused("parameter", ["subdomain 0", "selected_parameters"]) { archive in
            let a = archive.arrays["subdomain_0/selected_parameters"]!
            var values = try a.doubles()
            values[0] = 1.9   // subdomain 0 is a ∈ [0.5, 1.25]
            archive.arrays["subdomain_0/selected_parameters"] = NPYArray(shape: a.shape, fortranOrder: true, elements: .float64(values))
        }
        try refused("missing", ["subdomain 1", "residual_r", "missing"]) { $0.arrays["subdomain_1/residual_r"] = nil }
        try refused("size", ["subdomain 0", "more than"]) { archive in
            let key = "subdomain_0/model.json"
            var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: archive.otherEntries[key]!) as? [String: Any])
            var sizes = json["sizes"] as! [String: Any]
            sizes["M"] = 1 << 30
            json["sizes"] = sizes
            archive.otherEntries[key] = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        }
        let bytes = try Data(contentsOf: url)
        let truncated = temporary.file("truncated.npz")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        XCTAssertThrowsError(try OnlineModelFile.load(truncated)) { XCTAssertTrue("\($0)".contains("truncated.npz"), "\($0)") }
    }
}
