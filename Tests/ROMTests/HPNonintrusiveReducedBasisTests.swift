import Foundation
import LinearAlgebra
@testable import ROM
import TestSupport
import XCTest

/// The hp nonintrusive reduced basis: the partition's tree, the adaptive split of the 1D moving
/// bump's centre interval, each local model against its tolerances, and the dictionary against
/// its local models (in memory and through the model file).
final class HPNonintrusiveReducedBasisTests: XCTestCase {
    private static let problem = MovingBump()
    private static var family: ProblemMatrixFamily<MovingBump> { ProblemMatrixFamily(problem) }

    /// The family sampled once on a 13 × 49 grid (height × centre); each subdomain takes the
    /// samples inside its box.
    private static let samples = Result {
        try FamilySamples(family: family, parameters: try tensorGrid(problem.parameterSpace, [13, 49]))
    }

    private static func tensorGrid(_ space: ParameterSpace, _ counts: [Int]) throws -> [Parameter] {
        var grid: [Parameter] = []
        for j in 0..<counts[1] {
            for i in 0..<counts[0] {
                grid.append(Parameter([space.lower[0] + (space.upper[0] - space.lower[0]) * Double(i) / Double(counts[0] - 1),
                                       space.lower[1] + (space.upper[1] - space.lower[1]) * Double(j) / Double(counts[1] - 1)]))
            }
        }
        return grid
    }

    private func reduce(maxTerms: Int, maxBasis: Int, maxSubdomains: Int = 64) throws -> HPNonintrusiveReducedBasis.Result<Double> {
        let local = try NonintrusiveReducedBasis(operatorTolerance: 1e-6, rightHandSideTolerance: 1e-10, tolerance: 1e-4, maxBasisSize: maxBasis)
        let method = try HPNonintrusiveReducedBasis(local: local, maxTerms: maxTerms, splitComponents: [0, 1], interpolationSplitComponents: [1],
                                                    maxSubdomains: maxSubdomains)
        let samples = try Self.samples.get()
        return try method.reduce(space: Self.problem.parameterSpace, innerProduct: Self.problem.innerProduct.matrix,
                                 sample: { try samples.restricted(to: $0) })
    }

    func testTheTreeFindsTheBoxOfEveryParameterAndRejectsBadTrees() throws {
        let space = try ParameterSpace(names: ["a", "b"], lower: [0, 0], upper: [1, 2])
        // Root split at b = 1; its first half split at a = 0.25.
        let nodes: [ParameterPartition.Node] = [.init(component: 1, value: 1, first: 1, second: 2),
                                                .init(component: 0, value: 0.25, first: 3, second: 4),
                                                .leaf(2), .leaf(0), .leaf(1)]
        let partition = try ParameterPartition(space: space, nodes: nodes)
        XCTAssertEqual(partition.count, 3)
        XCTAssertEqual(partition.boxes[0].upper, [0.25, 1])
        XCTAssertEqual(partition.boxes[1].lower, [0.25, 0])
        XCTAssertEqual(partition.boxes[2].lower, [0, 1])
        for mu in try space.random(count: 200, seed: 4) {
            let i = partition.subdomain(containing: mu)
            XCTAssertNoThrow(try partition.boxes[i].validate(mu), "\(mu) in subdomain \(i)")
            XCTAssertEqual(partition.boxes.indices.filter { (try? partition.boxes[$0].validate(mu)) != nil }, [i], "\(mu): one box")
        }
        XCTAssertEqual(partition.subdomain(containing: Parameter([0.25, 1])), 0, "a point on a split belongs to the first half")
        let bad: [[ParameterPartition.Node]] = [
            [],
            [.init(component: 1, value: 3, first: 1, second: 2), .leaf(0), .leaf(1)],     // split outside the box
            [.init(component: 1, value: 1, first: 1, second: 1), .leaf(0), .leaf(1)],     // a child twice
            [.init(component: 1, value: 1, first: 1, second: 2), .leaf(0), .leaf(0)],     // a subdomain twice
            [.init(component: 2, value: 1, first: 1, second: 2), .leaf(0), .leaf(1)],     // no component 2
            [.leaf(0), .leaf(1)],                                                          // node 1 is nobody's child
        ]
        for (k, tree) in bad.enumerated() {
            XCTAssertThrowsError(try ParameterPartition(space: space, nodes: tree), "tree \(k)") { error in
                XCTAssertTrue("\(error)".contains("parameter partition"), "\(error)")
            }
        }
    }

    func testEverySubdomainMeetsTheTolerancesOnItsTrainingPoints() throws {
        let result = try reduce(maxTerms: 12, maxBasis: 10)
        let partition = result.model.partition
        print("hp 1D: \(partition.count) subdomains, d = \(result.subdomains.map(\.operatorTerms)), N = \(result.subdomains.map(\.basisSize)), "
              + "splits \(result.splits)")
        XCTAssertGreaterThan(partition.count, 1, "one model of d ≤ 12 cannot interpolate the bump over the whole interval")
        XCTAssertEqual(result.subdomains.count, partition.count)
        let samples = try Self.samples.get()
        var covered = 0
        for (i, subdomain) in result.subdomains.enumerated() {
            XCTAssertTrue(subdomain.converged, "subdomain \(i)")
            XCTAssertLessThanOrEqual(subdomain.operatorTerms, 12)
            XCTAssertLessThanOrEqual(subdomain.basisSize, 10)
            XCTAssertLessThanOrEqual(subdomain.operatorError, 1e-6)
            XCTAssertLessThanOrEqual(subdomain.maxIndicator, 1e-4, "subdomain \(i): the greedy's tolerance")
            XCTAssertEqual(subdomain.box, partition.boxes[i])
            // The local model on its own training parameters: the relative indicator within the
            // tolerance (what the greedy measured), from the magic entries of the sampled matrices.
            let local = try samples.restricted(to: subdomain.box)
            XCTAssertEqual(local.parameters.count, subdomain.trainingSize)
            covered += local.parameters.count
            let evaluator = NonintrusiveModelEvaluator(model: result.model.models[i])
            for j in local.parameters.indices {
                let a = local.matrix(j)
                try evaluator.solve(operatorEntries: try a.entries(checked: evaluator.model.operatorPositions),
                                    rightHandSideEntries: evaluator.model.rightHandSideIndices.map { local.rightHandSides[j][$0] })
                let norm = evaluator.coefficients.reduce(0) { $0 + $1 * $1 }.squareRoot()
                XCTAssertLessThanOrEqual(evaluator.errorEstimate / norm, subdomain.maxIndicator * (1 + 1e-9) + 1e-15,
                                         "subdomain \(i), \(local.parameters[j])")
            }
        }
        XCTAssertGreaterThanOrEqual(covered, samples.parameters.count, "the subdomains' training sets cover the samples (edges shared)")
    }

    func testTheDictionaryAnswersAsTheLocalModelOfEachSubdomain() throws {
        let result = try reduce(maxTerms: 12, maxBasis: 10)
        let models = result.model.models
        let sources: (Int) -> (@Sendable (Parameter) throws -> (operator: [Double], rightHandSide: [Double])) = { i in
            let positions = models[i].operatorPositions, indices = models[i].rightHandSideIndices
            return { mu in
                let family = ProblemMatrixFamily(MovingBump())
                return (try family.entries(at: mu, positions: positions), try family.rightHandSideEntries(at: mu, indices: indices))
            }
        }
        let dictionary = PartitionedNonintrusiveEvaluator(model: result.model, entrySource: sources)
        let temporary = try TemporaryFolder("hp-nonintrusive")
        defer { temporary.remove() }
        let url = temporary.file("model.npz")
        try OnlineModelFile.write(result.model, to: url, provenance: .init(creator: "test", command: "hp"))
        let loaded = try OnlineModelFile.load(url)
        XCTAssertEqual(loaded.method, "hp-nonintrusive-reduced-basis")
        XCTAssertEqual(loaded.model.reducedDimension, models.reduce(0) { $0 + $1.size })
        let x = Self.problem.innerProduct
        var worst = 0.0
        for mu in try Self.problem.parameterSpace.random(count: 30, seed: 11) {
            try dictionary.solve(mu)
            let i = dictionary.selectedSubdomain
            XCTAssertNoThrow(try result.model.partition.boxes[i].validate(mu))
            let alone = NonintrusiveModelEvaluator(model: models[i], entrySource: sources(i))
            try alone.solve(mu)
            XCTAssertEqual(dictionary.selected.coefficients, alone.coefficients, "μ = \(mu): subdomain \(i)")
            XCTAssertEqual(dictionary.errorEstimate, alone.errorEstimate)
            // Through the file and the protocol, without entries: the local model's interpolated β.
            try loaded.model.solve(mu)
            try mu.values.withUnsafeBufferPointer { try alone.solve(interpolating: $0) }
            let field = try loaded.model.reconstruct(loaded.model.coefficients)
            let expected = try alone.reconstruct(alone.coefficients)
            XCTAssertEqual(zip(field, expected).map { abs($0 - $1) }.max()!, 0, accuracy: 1e-12 * expected.map(abs).max()!)
            // And with the entries, the truth to the tolerance.
            try dictionary.solve(mu)
            let truth = try Self.problem.solve(mu)
            let reduced = try dictionary.selected.reconstruct(dictionary.selected.coefficients)
            worst = max(worst, x.norm(zip(truth, reduced).map { $0 - $1 }) / x.norm(truth))
        }
        print("hp 1D: worst relative error in X on 30 fresh μ: \(worst)")
        XCTAssertLessThan(worst, 1e-3, "10× the greedy's tolerance on the relative indicator")
    }

    func testABadTreeInTheFileIsAnErrorNamingIt() throws {
        let result = try reduce(maxTerms: 12, maxBasis: 10, maxSubdomains: 2)
        XCTAssertEqual(result.model.partition.count, 2)
        let temporary = try TemporaryFolder("hp-nonintrusive-bad")
        defer { temporary.remove() }
        let url = temporary.file("model.npz")
        try OnlineModelFile.write(result.model, to: url, provenance: .init(creator: "test", command: "hp"))
        var archive = try NPZ.read(url)
        var nodes = try archive.arrays["partition_nodes"]!.matrixOrder()
        let split = nodes[3]
        nodes[3] = 9   // the root's split value, outside the centre interval
        archive.arrays["partition_nodes"] = NPYArray(Matrix(rows: 3, columns: 4, storage: nodes))
        try NPZ.write(archive, to: url)
        XCTAssertThrowsError(try OnlineModelFile.load(url)) { error in
            XCTAssertTrue("\(error)".contains("model.npz") && "\(error)".contains("outside"), "\(error)")
        }
        archive.arrays["subdomain_1/reduced_rhs"] = nil
        nodes[3] = split
        archive.arrays["partition_nodes"] = NPYArray(Matrix(rows: 3, columns: 4, storage: nodes))
        try NPZ.write(archive, to: url)
        XCTAssertThrowsError(try OnlineModelFile.load(url)) { error in
            XCTAssertTrue("\(error)".contains("subdomain 1") && "\(error)".contains("reduced_rhs"), "\(error)")
        }
    }

    func testTheSubdomainLimitKeepsModelsThatMissTheTolerance() throws {
        let result = try reduce(maxTerms: 12, maxBasis: 10, maxSubdomains: 1)
        XCTAssertEqual(result.model.partition.count, 1)
        XCTAssertFalse(result.subdomains[0].converged, "d ≤ 12 cannot interpolate the bump over the whole interval")
        XCTAssertEqual(result.subdomains[0].operatorTerms, 12)
    }
}
