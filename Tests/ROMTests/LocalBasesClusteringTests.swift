import LinearAlgebra
import ROM
import XCTest

/// The dissimilarities, k-medoids, k-means and the a priori criterion against known answers:
/// invariances, exact recovery of random subspaces, exhaustive search on a tiny set.
final class LocalBasesClusteringTests: XCTestCase {
    /// Normal random numbers (Box–Muller) from a seeded generator.
    private func gaussian(_ g: inout SplitMix64) -> Double {
        (-2 * log(max(g.nextUniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * g.nextUniform())
    }

    /// `perCluster` snapshots in each of `k` random `dimension`-dimensional subspaces of R^rows,
    /// each snapshot within 30° of its subspace's first direction, scaled by ±10^[−3, 3].
    private func subspaceSnapshots(k: Int, dimension: Int, perCluster: Int, rows: Int, seed: UInt64) -> (Matrix, [Int]) {
        var g = SplitMix64(seed: seed)
        var columns: [[Double]] = [], labels: [Int] = []
        for c in 0..<k {
            let basis = (0..<dimension).map { _ in (0..<rows).map { _ in gaussian(&g) } }
            for _ in 0..<perCluster {
                let angle = (g.nextUniform() - 0.5) * Double.pi / 3
                var v = zip(basis[0], basis[1]).map { cos(angle) * $0 + sin(angle) * $1 }
                for extra in basis.dropFirst(2) { let w = 0.2 * gaussian(&g); v = zip(v, extra).map { $0 + w * $1 } }
                let scale = (g.nextUniform() < 0.5 ? -1.0 : 1.0) * pow(10, 6 * g.nextUniform() - 3)
                columns.append(v.map { $0 * scale })
                labels.append(c)
            }
        }
        // Interleave the clusters so that no order gives the answer away.
        var order = Array(0..<columns.count)
        order.shuffle(using: &g)
        return (Matrix(columns: order.map { columns[$0] }), order.map { labels[$0] })
    }

    /// Whether two labelings are the same partition (equal up to renaming the clusters).
    private func samePartition(_ a: [Int], _ b: [Int]) -> Bool {
        var map: [Int: Int] = [:], inverse: [Int: Int] = [:]
        for (x, y) in zip(a, b) {
            if map[x, default: y] != y || inverse[y, default: x] != x { return false }
            map[x] = y
            inverse[y] = x
        }
        return true
    }

    func testSineDissimilarityIgnoresScalingAndSignOfEitherSnapshot() throws {
        var g = SplitMix64(seed: 3)
        let u = (0..<20).map { _ in gaussian(&g) }, v = (0..<20).map { _ in gaussian(&g) }
        let sine = SnapshotDissimilarity.sine
        let reference = try sine.matrix(snapshots: Matrix(columns: [u, v]))[0, 1]
        // By hand: √(1 − cos²) with cos = u·v/(|u||v|).
        let cosine = BLAS.dot(u, v) / (BLAS.nrm2(u) * BLAS.nrm2(v))
        XCTAssertEqual(reference, (1 - cosine * cosine).squareRoot(), accuracy: 1e-14)
        for (a, b) in [(-1.0, 1.0), (1.0, -1.0), (-3.5, -1e-4), (1e6, 2e-3), (7.0, -7.0)] {
            let scaled = try sine.matrix(snapshots: Matrix(columns: [u.map { a * $0 }, v.map { b * $0 }]))
            XCTAssertEqual(scaled[0, 1], reference, accuracy: 1e-14, "scales \(a), \(b)")
            XCTAssertEqual(scaled[1, 0], reference, accuracy: 1e-14)
        }
        // A snapshot against a multiple of itself: 0; the Euclidean distance does see the scale.
        XCTAssertEqual(try sine.matrix(snapshots: Matrix(columns: [u, u.map { -4 * $0 }]))[0, 1], 0, accuracy: 1e-7)
        XCTAssertEqual(try SnapshotDissimilarity.euclidean.matrix(snapshots: Matrix(columns: [u, u.map { -4 * $0 }]))[0, 1],
                       5 * BLAS.nrm2(u), accuracy: 1e-12)
        // A zero snapshot spans no line: an error naming it.
        XCTAssertThrowsError(try sine.matrix(snapshots: Matrix(columns: [u, [Double](repeating: 0, count: 20)]))) { error in
            XCTAssertTrue("\(error)".contains("snapshot 1"), "\(error)")
        }
    }

    func testSineKMedoidsRecoversRandomSubspacesExactlyAndTheirLocalBasesAreExact() throws {
        for seed: UInt64 in [1, 2, 3] {
            let (snapshots, truth) = subspaceSnapshots(k: 4, dimension: 2, perCluster: 12, rows: 200, seed: seed)
            let gram = InnerProduct.euclidean.gram(snapshots)
            let clustering = try SnapshotClustering(gram: gram, clusters: 4, method: .sineKMedoids, seed: seed)
            XCTAssertTrue(samePartition(clustering.labels, truth), "seed \(seed): \(clustering.labels) vs \(truth)")
            // Each cluster spans its plane: a 2-mode POD reproduces every member to round-off.
            for c in 0..<4 {
                let members = Matrix(columns: clustering.members(of: c).map { snapshots.column($0) })
                let pod = try POD(snapshots: members, truncation: .count(2))
                for j in 0..<members.columns {
                    let x = members.column(j)
                    let p = pod.modes.apply(pod.modes.applyTransposed(x))
                    XCTAssertLessThan(BLAS.nrm2(zip(x, p).map { $0 - $1 }), 1e-10 * BLAS.nrm2(x))
                }
            }
            // The scales spread over six decades: the Euclidean partitions are not the subspaces.
            XCTAssertFalse(samePartition(try SnapshotClustering(gram: gram, clusters: 4, method: .euclideanKMedoids, seed: seed).labels, truth))
            XCTAssertFalse(samePartition(try SnapshotClustering(gram: gram, clusters: 4, method: .kMeans, seed: seed).labels, truth))
        }
    }

    func testKMedoidsNeverIncreasesItsObjectiveAndMatchesExhaustiveSearch() throws {
        // Three overlapping blobs (centres 2.5 apart, unit spread), 12 points: several swap-optimal
        // medoid sets exist (featureless Gaussian data has local optima that 20 seedings miss).
        let centres: [[Double]] = [[0, 0, 0], [2.5, 0, 0], [0, 2.5, 0]]
        for seed: UInt64 in 1...8 {
            var g = SplitMix64(seed: seed)
            let m = 12, k = 3
            let points = (0..<m).map { i in (0..<3).map { a in centres[i % 3][a] + gaussian(&g) } }
            let d = try SnapshotDissimilarity.euclidean.matrix(snapshots: Matrix(columns: points))
            // Exhaustive: every set of k medoids.
            var best = Double.infinity
            for a in 0..<m { for b in (a + 1)..<m { for c in (b + 1)..<m {
                best = min(best, (0..<m).reduce(0) { $0 + min(d[$1, a], d[$1, b], d[$1, c]) })
            } } }
            // Swap phases stop at a local optimum: the best of 5 seedings is the global one here.
            let medoids = try KMedoids(dissimilarity: d, clusters: k, seed: seed, restarts: 5)
            XCTAssertEqual(medoids.objective, best, accuracy: 1e-12, "seed \(seed)")
            for (before, after) in zip(medoids.objectiveHistory, medoids.objectiveHistory.dropFirst()) { XCTAssertLessThan(after, before) }
            // The labels are the nearest medoids and give the objective.
            let total = (0..<m).reduce(0) { $0 + d[$1, medoids.medoids[medoids.labels[$1]]] }
            XCTAssertEqual(total, medoids.objective, accuracy: 1e-12)
            // One run from a single seeding descends too.
            let single = try KMedoids(dissimilarity: d, clusters: k, seed: seed &+ 100)
            for (before, after) in zip(single.objectiveHistory, single.objectiveHistory.dropFirst()) { XCTAssertLessThan(after, before) }
            XCTAssertGreaterThanOrEqual(single.objective, best - 1e-12)
            // ... to a swap-optimal set: no exchange of a medoid and a non-medoid lowers TD.
            for i in 0..<k {
                for x in 0..<m where !single.medoids.contains(x) {
                    var swapped = single.medoids
                    swapped[i] = x
                    let total = (0..<m).reduce(0) { sum, o in sum + swapped.map { d[o, $0] }.min()! }
                    XCTAssertGreaterThanOrEqual(total, single.objective - 1e-12, "swap \(i) ↔ \(x)")
                }
            }
        }
    }

    func testKMeansDescendsAndFindsTheTwoBlobs() throws {
        var g = SplitMix64(seed: 9)
        // Two well-separated blobs in R^5: k-means finds them, and its objective never rises.
        let columns = (0..<20).map { j in (0..<5).map { _ in (j < 10 ? 5.0 : -5.0) + gaussian(&g) } }
        let means = try KMeans(gram: InnerProduct.euclidean.gram(Matrix(columns: columns)), clusters: 2, seed: 4)
        XCTAssertTrue(samePartition(means.labels, (0..<20).map { $0 < 10 ? 0 : 1 }), "\(means.labels)")
        for (before, after) in zip(means.objectiveHistory, means.objectiveHistory.dropFirst()) { XCTAssertLessThanOrEqual(after, before + 1e-9) }
        // The objective is Σ‖x − mean‖² computed directly.
        var direct = 0.0
        for c in 0..<2 {
            let members = columns.indices.filter { means.labels[$0] == c }.map { columns[$0] }
            let mean = (0..<5).map { a in members.reduce(0) { $0 + $1[a] } / Double(members.count) }
            for x in members { direct += zip(x, mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        }
        XCTAssertEqual(means.objective, direct, accuracy: 1e-9 * direct)
    }

    /// Three lines, each snapshot repeated at three scales (sine dissimilarity 0 within a line):
    /// three clusters are the lines; four or more still leave no cluster empty, for every method.
    func testRepeatedShapesGiveTheLinesAndNoEmptyCluster() throws {
        var g = SplitMix64(seed: 4)
        let lines = (0..<3).map { _ in (0..<8).map { _ in gaussian(&g) } }
        var columns: [[Double]] = []
        for j in 0..<9 {
            let scale = Double(1 + j / 3)
            columns.append(lines[j % 3].map { (x: Double) -> Double in x * scale })
        }
        let gram = InnerProduct.euclidean.gram(Matrix(columns: columns))
        let three = try SnapshotClustering(gram: gram, clusters: 3, method: .sineKMedoids)
        XCTAssertTrue(samePartition(three.labels, (0..<9).map { $0 % 3 }), "\(three.labels)")
        for method in ClusteringMethod.allCases {
            for k in 4...6 {
                let clustering = try SnapshotClustering(gram: gram, clusters: k, method: method)
                for c in 0..<k { XCTAssertFalse(clustering.members(of: c).isEmpty, "\(method) k = \(k): cluster \(c) empty") }
                for (c, r) in clustering.representatives.enumerated() { XCTAssertEqual(clustering.labels[r], c) }
            }
        }
    }

    func testBadClusteringInputIsAnErrorNamingIt() {
        let d = Matrix(rowMajor: [[0, 1], [2, 0]])
        XCTAssertThrowsError(try KMedoids(dissimilarity: d, clusters: 1)) { XCTAssertTrue("\($0)".contains("symmetric"), "\($0)") }
        XCTAssertThrowsError(try KMedoids(dissimilarity: Matrix(rowMajor: [[0, 1], [1, 0]]), clusters: 3)) {
            XCTAssertTrue("\($0)".contains("cluster count"), "\($0)")
        }
        XCTAssertThrowsError(try KMeans(gram: Matrix(rowMajor: [[1, .nan], [.nan, 1]]), clusters: 1))
    }

    func testCriterionFindsTheNumberOfSubspaces() throws {
        let (snapshots, _) = subspaceSnapshots(k: 3, dimension: 2, perCluster: 16, rows: 150, seed: 5)
        let criterion = try LocalBasisCriterion(gram: InnerProduct.euclidean.gram(snapshots), basisSize: 2, maximumClusters: 5)
        let errors = criterion.evaluations.map(\.error)
        // Three planes, two modes each: exact from k = 3 on, far from it below.
        XCTAssertEqual(criterion.chosenClusters, 3, "\(errors)")
        XCTAssertLessThan(errors[2], 1e-6, "\(errors)")
        XCTAssertGreaterThan(errors[0], 0.5, "\(errors)")
        XCTAssertTrue(criterion.localBeatsGlobal(clusters: 3))
        XCTAssertFalse(criterion.localBeatsGlobal(clusters: 1))
        // With 6 modes the global basis spans all three planes: local bases bring nothing.
        let wide = try LocalBasisCriterion(gram: InnerProduct.euclidean.gram(snapshots), basisSize: 6, maximumClusters: 3)
        XCTAssertEqual(wide.chosenClusters, 1, "\(wide.evaluations.map(\.error))")
    }
}
