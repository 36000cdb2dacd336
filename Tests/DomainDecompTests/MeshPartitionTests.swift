import DomainDecomp
import FEM
import Foundation
import TestSupport
import XCTest

/// METIS parts of 2D and 3D meshes checked by exhaustive counts: every cell in one part, the
/// edge cut equal to the facets between parts counted directly, balance within METIS's tolerance,
/// one owner per node, overlaps equal to their definition.
final class MeshPartitionTests: XCTestCase {
    /// The cell pairs sharing a facet (d nodes) that lie in different parts, counted directly.
    private func facetCut(_ mesh: Mesh, _ parts: [Int]) -> Int {
        var facets = [[Int]: [Int]]()
        let k = mesh.nodesPerCell
        for c in 0..<mesh.cellCount {
            let nodes = Array(mesh.cells[(k * c)..<(k * c + k)])
            for skip in 0..<k { facets[nodes.enumerated().filter { $0.offset != skip }.map(\.element).sorted(), default: []].append(c) }
        }
        return facets.values.filter { $0.count == 2 && parts[$0[0]] != parts[$0[1]] }.count
    }

    func testPartsCoverEveryCellOnceAndBalance() throws {
        for (mesh, partCounts) in [(Mesh.rectangle(24, 24), [2, 4, 7, 16]), (Mesh.box(8, 8, 8), [4, 16])] {
            for p in partCounts {
                let partition = try MeshPartition(mesh: mesh, parts: p)
                XCTAssertEqual(partition.cellParts.count, mesh.cellCount)
                XCTAssertTrue(partition.cellParts.allSatisfy { (0..<p).contains($0) })
                XCTAssertEqual(partition.partSizes.reduce(0, +), mesh.cellCount)
                XCTAssertTrue(partition.partSizes.allSatisfy { $0 > 0 }, "an empty part: \(partition.partSizes)")
                XCTAssertEqual((0..<p).flatMap { partition.cells(ofPart: $0) }.sorted(), Array(0..<mesh.cellCount))
                XCTAssertLessThanOrEqual(partition.imbalance, MeshPartition.metisTolerance + 1e-12, "\(p) parts: \(partition.partSizes)")
                XCTAssertEqual(partition.edgeCut, facetCut(mesh, partition.cellParts), "\(mesh.dimension)D, \(p) parts")
                // One owner per node; an owned node lies in one of its owner's cells.
                XCTAssertEqual((0..<p).flatMap { partition.ownedNodes(ofPart: $0) }.sorted(), Array(0..<mesh.nodeCount))
            }
        }
    }

    func testWeightsShiftTheBalance() throws {
        let mesh = Mesh.rectangle(20, 20)
        // Cells left of x = 0.5 weigh 3: the part holding them must hold fewer of them.
        let weights = (0..<mesh.cellCount).map { mesh.centroid($0).x < 0.5 ? 3 : 1 }
        let partition = try MeshPartition(mesh: mesh, parts: 2, weights: weights)
        var load = [0, 0]
        for c in 0..<mesh.cellCount { load[partition.cellParts[c]] += weights[c] }
        XCTAssertLessThanOrEqual(Double(load.max()!) / (Double(load.reduce(0, +)) / 2), MeshPartition.metisTolerance + 1e-12)
        XCTAssertThrowsError(try MeshPartition(mesh: mesh, parts: 2, weights: [1, 2])) { error in
            XCTAssertTrue("\(error)".contains("2 weights for 800 cells"), "\(error)")
        }
        XCTAssertThrowsError(try MeshPartition(mesh: mesh, parts: 0))
        XCTAssertThrowsError(try MeshPartition(mesh: mesh, parts: mesh.cellCount + 1))
    }

    func testInterfaceOverlapAndNumbering() throws {
        let mesh = Mesh.rectangle(16, 16)
        let partition = try MeshPartition(mesh: mesh, parts: 4)
        let k = mesh.nodesPerCell
        for part in 0..<4 {
            let cells = Set(partition.cells(ofPart: part))
            let nodes = Set(cells.flatMap { mesh.cells[(k * $0)..<(k * $0 + k)] })
            let others = Set((0..<mesh.cellCount).filter { !cells.contains($0) }.flatMap { mesh.cells[(k * $0)..<(k * $0 + k)] })
            XCTAssertEqual(Set(partition.interfaceNodes(ofPart: part)), nodes.intersection(others))
            // One layer of overlap: every cell with a node in the part's cells.
            let grown = (0..<mesh.cellCount).filter { c in mesh.cells[(k * c)..<(k * c + k)].contains { nodes.contains($0) } }
            let sub = try partition.subdomain(of: mesh, part: part, overlap: 1)
            XCTAssertEqual(sub.globalCells, grown)
            XCTAssertGreaterThan(sub.globalCells.count, cells.count)
            for (local, global) in sub.globalNodes.enumerated() {
                XCTAssertEqual(sub.localNode(global), local)
                XCTAssertEqual(sub.mesh.point(local), mesh.point(global))
            }
            XCTAssertEqual(try partition.subdomain(of: mesh, part: part).globalCells, cells.sorted())
        }
        XCTAssertThrowsError(try partition.cells(ofParts: 0..<1, overlap: -1))
    }

    func testRowDistributionsOfRanksCoverTheNodes() throws {
        let mesh = Mesh.box(6, 6, 6)
        let partition = try MeshPartition(mesh: mesh, parts: 16)
        for ranks in [1, 2, 4, 16] {
            let rows = try (0..<ranks).map { try RowDistribution(partition: partition, rank: $0, ranks: ranks) }
            XCTAssertEqual(rows.flatMap(\.ownedRows).sorted(), Array(0..<mesh.nodeCount))
            if ranks > 1 { XCTAssertGreaterThan(rows.map(\.localCount).reduce(0, +), mesh.nodeCount, "interface nodes are held twice") }
        }
        XCTAssertEqual(RowDistribution.parts(ofRank: 1, ranks: 2, parts: 16), 8..<16)
        XCTAssertThrowsError(try RowDistribution(partition: partition, rank: 0, ranks: 17))
    }

    func testPVTUListsOnePiecePerPart() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let mesh = Mesh.rectangle(8, 8)
        let partition = try MeshPartition(mesh: mesh, parts: 3)
        let field = (0..<mesh.nodeCount).map { mesh.point($0).x }
        let url = try PartitionVTKWriter.write(partition, mesh: mesh, fields: [("x", field)], to: folder.url, name: "parts")
        let xml = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(xml.components(separatedBy: "<Piece Source=").count - 1, 3)
        for p in 0..<3 {
            let piece = try String(decoding: Data(contentsOf: folder.url.appendingPathComponent("parts-\(p).vtu")), as: UTF8.self)
            XCTAssertTrue(piece.contains("NumberOfCells=\"\(partition.partSizes[p])\""))
            XCTAssertTrue(piece.contains("Name=\"x\""))
        }
    }
}
