import DomainDecomp
import FEM
import Foundation
import LinearAlgebra
import ROM
import TestSupport
import XCTest

/// The distributed POD on one rank (a singleton MPI process: the multi-rank runs are in
/// DriverTests/MPIDriverTests) against the serial POD, TSQR against the method of snapshots, the
/// file round trip and the collectives of a communicator of size 1.
final class DistributedPODTests: XCTestCase {
    /// Snapshots with known decay: u_j(x) = Σ_i 2^{-i} sin((i+1)π x) cos(i μ_j) sin(π y).
    private func snapshots(_ mesh: Mesh, count: Int) -> Matrix {
        var s = Matrix(rows: mesh.nodeCount, columns: count)
        for j in 0..<count {
            let mu = Double(j) / Double(count)
            for node in 0..<mesh.nodeCount {
                let p = mesh.point(node)
                var value = 0.0
                for i in 0..<10 { value += pow(0.5, Double(i)) * sin(Double(i + 1) * .pi * p.x) * cos(Double(i) * 3 * mu) * sin(.pi * p.y) }
                s[node, j] = value
            }
        }
        return s
    }

    private func world() throws -> (Communicator, RowDistribution, MeshPartition, Mesh) {
        let mesh = Mesh.rectangle(20, 20)
        let partition = try MeshPartition(mesh: mesh, parts: 4)
        let world = Communicator.world
        XCTAssertEqual(world.size, 1, "swift test runs MPI as a singleton")
        return (world, try RowDistribution(partition: partition, rank: 0, ranks: 1), partition, mesh)
    }

    func testOneRankEqualsTheSerialPOD() throws {
        let (world, rows, partition, mesh) = try world()
        let s = snapshots(mesh, count: 24)
        var distributed = DistributedMatrix(communicator: world, distribution: rows)
        for j in 0..<s.columns { try distributed.append(globalColumn: s.column(j)) }
        XCTAssertEqual(try distributed.gathered(), s)
        for weighted in [false, true] {
            let m = Assembler(space: FunctionSpace(mesh: mesh, order: 1)).assemble(.mass())
            let product = weighted ? try DistributedInnerProduct.subassembled(.mass(), mesh: mesh, partition: partition, distribution: rows,
                                                                              communicator: world) : nil
            let pod = try DistributedPOD(snapshots: distributed, innerProduct: product, truncation: .count(6))
            let serial = try POD(snapshots: s, innerProduct: weighted ? .weighted(by: m) : .euclidean, truncation: .count(6), method: .snapshots)
            var serialModes = serial.modes
            try DistributedPOD.normalizeSigns(&serialModes)
            let gathered = try XCTUnwrap(try pod.modes.gathered())
            XCTAssertEqual(pod.modes.columns, 6)
            for i in 0..<6 { XCTAssertEqual(pod.singularValues[i], serial.singularValues[i], accuracy: 1e-10 * serial.singularValues[0]) }
            XCTAssertLessThan((gathered - serialModes).maxAbs, 1e-10, "weighted: \(weighted)")
            XCTAssertLessThan(pod.orthogonalityError, 1e-13)
        }
    }

    func testTSQREqualsTheMethodOfSnapshots() throws {
        let (world, rows, _, mesh) = try world()
        let s = snapshots(mesh, count: 16)
        let distributed = try DistributedMatrix(communicator: world, distribution: rows, local: s.rows(rows.localRows))
        let snapshotsPOD = try DistributedPOD(snapshots: distributed, truncation: .count(5), method: .snapshots)
        let tsqr = try DistributedPOD(snapshots: distributed, truncation: .count(5), method: .tsqr)
        let exact = try ThinSVD(s).singularValues
        for i in 0..<5 {
            XCTAssertEqual(tsqr.singularValues[i], exact[i], accuracy: 1e-12 * exact[0])
            XCTAssertEqual(snapshotsPOD.singularValues[i], exact[i], accuracy: 1e-10 * exact[0])
        }
        // TSQR resolves all singular values, beyond the kept ones too.
        XCTAssertEqual(tsqr.singularValues[9], exact[9], accuracy: 1e-13 * exact[0])
        XCTAssertLessThan((try XCTUnwrap(tsqr.modes.gathered()) - XCTUnwrap(snapshotsPOD.modes.gathered())).maxAbs, 1e-10)
        XCTAssertLessThan(tsqr.orthogonalityError, 1e-14)
        let mass = try DistributedInnerProduct.splitting(.identity(mesh.nodeCount), distribution: rows, communicator: world)
        XCTAssertThrowsError(try DistributedPOD(snapshots: distributed, innerProduct: mass, truncation: .count(2), method: .tsqr)) { error in
            XCTAssertTrue("\(error)".contains("TSQR needs the Euclidean product"), "\(error)")
        }
    }

    func testFileRoundTripAndSignConvention() throws {
        let (world, rows, _, mesh) = try world()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let s = snapshots(mesh, count: 8)
        let distributed = try DistributedMatrix(communicator: world, distribution: rows, local: s.rows(rows.localRows))
        let pod = try DistributedPOD(snapshots: distributed, truncation: .count(4))
        let url = folder.file("modes.npy")
        try pod.modes.write(to: url)
        let back = try DistributedMatrix.read(url, distribution: rows, communicator: world)
        XCTAssertEqual(back.local, pod.modes.local)
        // The convention: the first entry of magnitude ≥ 1 % of the largest is positive.
        let whole = try XCTUnwrap(try pod.modes.gathered())
        for j in 0..<whole.columns {
            let column = whole.column(j), largest = column.map(abs).max()!
            XCTAssertGreaterThan(try XCTUnwrap(column.first { abs($0) >= 0.01 * largest }), 0)
        }
        var flipped = whole
        for i in 0..<flipped.rows { flipped[i, 1] = -flipped[i, 1] }
        try DistributedPOD.normalizeSigns(&flipped)
        XCTAssertEqual(flipped, whole)
        XCTAssertThrowsError(try DistributedMatrix.read(url, distribution: try RowDistribution(globalCount: 3, ownedRows: [0, 1, 2]),
                                                        communicator: world))
    }

    func testSingletonCollectivesReturnTheirInput() throws {
        let world = Communicator.world
        XCTAssertEqual(try world.allreduce([1.5, 2.5]), [1.5, 2.5])
        XCTAssertEqual(try world.allgather([3, 4]), [[3, 4]])
        XCTAssertEqual(try world.broadcast([7.0]), [7.0])
        XCTAssertEqual(try world.scatter([[1.0, 2.0]]), [1.0, 2.0])
        XCTAssertThrowsError(try world.scatter([[1.0], [2.0]]))
        XCTAssertThrowsError(try world.send([1.0], to: 1)) { error in XCTAssertTrue("\(error)".contains("rank 1 outside 0..<1")) }
        XCTAssertTrue(MPIReduction(world).isSerial)
        let ranks = ParameterParallelSnapshots.indices(count: 10, rank: 1, ranks: 4)
        XCTAssertEqual(ranks, [1, 5, 9])
    }
}
