import Foundation
import LinearAlgebra
import ROM
import XCTest
import TestSupport

/// A dictionary of local reduced models on the finite-difference thermal block: the selection
/// rules against hand-computed answers, the local answers against the truth, and the model file
/// (save → load → the same answers; a damaged file is an error naming the cluster).
final class LocalReducedModelTests: XCTestCase {
    private var temporary: TemporaryFolder!

    override func setUpWithError() throws { temporary = try TemporaryFolder("romkit-local") }
    override func tearDownWithError() throws { temporary.remove() }

    private struct Fixture {
        let problem: AffineProblem
        let training: [Parameter]
        let snapshots: Matrix
        let clustering: SnapshotClustering
    }

    private func fixture() throws -> Fixture {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 10)
        let training = try problem.parameterSpace.latinHypercube(count: 24, seed: 2)
        let snapshots = Matrix(columns: try training.map { try problem.solve($0) })
        let clustering = try SnapshotClustering(gram: problem.innerProduct.gram(snapshots), clusters: 3, method: .sineKMedoids)
        return Fixture(problem: problem, training: training, snapshots: snapshots, clustering: clustering)
    }

    func testSelectionRulesPickTheClustersComputedByHand() throws {
        let f = try fixture()
        let model = try LocalReducedBases.build(problem: f.problem, snapshots: f.snapshots, parameters: f.training,
                                                clustering: f.clustering, basisSize: 3, selection: .nearestRepresentative)
        let space = f.problem.parameterSpace
        func scaled(_ mu: Parameter) -> [Double] { (0..<space.dimension).map { (mu[$0] - space.lower[$0]) / (space.upper[$0] - space.lower[$0]) } }
        func distance(_ a: Parameter, _ b: Parameter) -> Double { zip(scaled(a), scaled(b)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        for mu in try space.random(count: 20, seed: 7) {
            // Nearest representative.
            var dictionary = model
            dictionary.selection = .nearestRepresentative
            var evaluator = LocalReducedModelEvaluator(model: dictionary)
            try evaluator.solve(mu)
            let nearest = (0..<3).min { distance(mu, model.representativeParameters[$0]) < distance(mu, model.representativeParameters[$1]) }!
            XCTAssertEqual(evaluator.selectedCluster, nearest)
            // k-nearest-neighbours vote, k = 5.
            dictionary.selection = .nearestNeighbours(5)
            evaluator = LocalReducedModelEvaluator(model: dictionary)
            try evaluator.solve(mu)
            let neighbours = f.training.indices.sorted { distance(mu, f.training[$0]) < distance(mu, f.training[$1]) }.prefix(5)
            var votes = [Int](repeating: 0, count: 3)
            for j in neighbours { votes[model.trainingLabels[j]] += 1 }
            let most = votes.max()!
            let winner = neighbours.map { model.trainingLabels[$0] }.first { votes[$0] == most }!
            XCTAssertEqual(evaluator.selectedCluster, winner, "votes \(votes)")
            // Smallest bound: every local model solves, the smallest Δ(μ) answers.
            dictionary.selection = .smallestResidual
            evaluator = LocalReducedModelEvaluator(model: dictionary)
            try evaluator.solve(mu)
            let bounds = try model.models.map { local -> Double in
                let e = ReducedModelEvaluator(model: local)
                try e.solve(mu)
                return e.errorEstimate
            }
            XCTAssertEqual(evaluator.selectedCluster, bounds.indices.min { bounds[$0] < bounds[$1] }!)
            XCTAssertEqual(evaluator.errorEstimate, bounds.min()!)
            // The bound is certified: the true error of the answer is below it.
            let truth = try f.problem.solve(mu)
            let answer = try evaluator.reconstruct(evaluator.coefficients)
            let error = f.problem.innerProduct.norm(zip(truth, answer).map { $0 - $1 })
            XCTAssertLessThanOrEqual(error, evaluator.errorEstimate * (1 + 1e-10))
        }
    }

    func testOverlapAddsTheSnapshotsNearestTheRepresentative() throws {
        let f = try fixture()
        let c = 0, members = f.clustering.members(of: c)
        let grown = try f.clustering.membersWithOverlap(of: c, overlap: 0.5)
        let extra = Set(grown).subtracting(members)
        XCTAssertEqual(extra.count, Int((0.5 * Double(members.count)).rounded(.up)))
        let r = f.clustering.representatives[c]
        let farthestAdded = extra.map { f.clustering.dissimilarity[$0, r] }.max()!
        for j in f.training.indices where !grown.contains(j) { XCTAssertGreaterThanOrEqual(f.clustering.dissimilarity[j, r], farthestAdded) }
        XCTAssertThrowsError(try f.clustering.membersWithOverlap(of: c, overlap: -1))
    }

    func testSaveLoadGivesTheSameAnswersThroughTheProtocol() throws {
        let f = try fixture()
        for selection in [ClusterSelection.nearestRepresentative, .nearestNeighbours(3), .smallestResidual] {
            let model = try LocalReducedBases.build(problem: f.problem, snapshots: f.snapshots, parameters: f.training,
                                                    clustering: f.clustering, basisSize: 4, overlap: 0.2, selection: selection)
            let url = temporary.url.appendingPathComponent("local-\(selection.key).npz")
            try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "local", details: [:]))
            let loaded = try OnlineModelFile.load(url)
            XCTAssertEqual(loaded.method, "local-reduced-bases")
            let b = loaded.model
            let a = LocalReducedModelEvaluator(model: model)
            XCTAssertEqual(b.reducedDimension, 12)
            XCTAssertTrue(b.canReconstruct)
            XCTAssertEqual(b.sizes.first { $0.key == "clusters" }?.value, 3)
            for mu in try f.problem.parameterSpace.random(count: 6, seed: 11) {
                try a.solve(mu)
                try b.solve(mu)
                XCTAssertEqual(a.coefficients, b.coefficients)
                XCTAssertEqual(a.errorEstimate, b.errorEstimate)
                XCTAssertEqual(try a.reconstruct(a.coefficients), try b.reconstruct(b.coefficients))
                // The coefficients name their block: the field is the selected cluster's V_c u_N.
                let local = try a.selected.model.reconstruct(a.selected.coefficients)
                XCTAssertEqual(try b.reconstruct(b.coefficients), local)
            }
            let direct = try OnlineModelFile.readLocal(url).model
            XCTAssertEqual(direct.trainingLabels, model.trainingLabels)
            XCTAssertEqual(direct.selection, selection)
        }
    }

    func testDamagedLocalModelFilesAreErrorsNamingThePlace() throws {
        let f = try fixture()
        let model = try LocalReducedBases.build(problem: f.problem, snapshots: f.snapshots, parameters: f.training,
                                                clustering: f.clustering, basisSize: 3)
        let url = temporary.url.appendingPathComponent("local.npz")
        try OnlineModelFile.write(model, to: url, provenance: .init(creator: "test", command: "local", details: [:]))
        let archive = try NPZ.read(url)
        func expectError(_ damaged: NPZArchive, containing text: String, line: UInt = #line) throws {
            let bad = temporary.url.appendingPathComponent("bad.npz")
            try NPZ.write(damaged, to: bad)
            XCTAssertThrowsError(try OnlineModelFile.load(bad), line: line) { error in
                XCTAssertTrue("\(error)".contains(text), "\(error)", line: line)
            }
        }
        var missing = archive
        missing.otherEntries["cluster_1/model.json"] = nil
        try expectError(missing, containing: "cluster 1")
        var shape = archive
        shape.arrays["cluster_2/reduced_rhs"] = NPYArray(Matrix(rows: 2, columns: 1))
        try expectError(shape, containing: "(cluster 2)")
        var labels = archive
        labels.arrays["training_labels"] = NPYArray(shape: [24], fortranOrder: true, elements: .int64([Int](repeating: 5, count: 24)))
        try expectError(labels, containing: "training_labels")
    }
}
