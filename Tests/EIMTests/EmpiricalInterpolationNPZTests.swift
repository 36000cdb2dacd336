import EIM
import Foundation
import LinearAlgebra
import XCTest
import TestSupport

/// Saving and loading the online object: the round trip is exact, damaged files are errors naming the fault.
final class EmpiricalInterpolationNPZTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL!

    override func setUpWithError() throws {
        temporary = try TemporaryFolder("eim-npz")
        folder = temporary.url
    }

    override func tearDownWithError() throws { temporary.remove() }

    private func provenance() -> EmpiricalInterpolation.Provenance {
        EmpiricalInterpolation.Provenance(creator: "EIMTests", command: "round trip", details: ["family": "inverse-distance"])
    }

    private func assertSameOutput(_ a: EmpiricalInterpolation, _ b: EmpiricalInterpolation, on g: Matrix,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(a.points, b.points, file: file, line: line)
        XCTAssertEqual(a.parameters, b.parameters, file: file, line: line)
        XCTAssertEqual(a.errorHistory, b.errorHistory, file: file, line: line)
        XCTAssertEqual(a.stopReason, b.stopReason, file: file, line: line)
        XCTAssertEqual(a.formulation, b.formulation, file: file, line: line)
        for j in [0, 11, g.columns - 1] {
            let values = a.points.map { g[$0, j] }
            XCTAssertEqual(try a.coefficients(values), try b.coefficients(values), file: file, line: line)
            XCTAssertEqual(try a.interpolate(values), try b.interpolate(values), file: file, line: line)
        }
    }

    func testRoundTripGivesIdenticalOutput() throws {
        let g = Fixtures.inverseDistance()
        let options = EIMOptions(tolerance: 1e-8)
        let eim = try EmpiricalInterpolation(snapshots: g, options: options)
        let url = folder.appendingPathComponent("sub/eim.npz")
        // One provenance, written and compared: each one made stamps the current second.
        let written = provenance()
        try eim.write(to: url, options: options, provenance: written)
        let saved = try EmpiricalInterpolation.read(url)
        try assertSameOutput(eim, saved.interpolation, on: g)
        XCTAssertEqual(saved.options, EmpiricalInterpolation.SavedOptions(options))
        XCTAssertEqual(saved.provenance, written)
        // numpy.load sees the arrays: points int64, basis float64 in Fortran order.
        let archive = try NPZ.read(url)
        XCTAssertEqual(archive.arrays["points"]?.elements.typeName, "int64")
        XCTAssertEqual(archive.arrays["basis"]?.shape, [g.rows, eim.terms])
        XCTAssertEqual(archive.arrays["basis"]?.fortranOrder, true)
    }

    func testRoundTripOfTheVariants() throws {
        let g = Fixtures.gaussian()
        let eim = try EmpiricalInterpolation(snapshots: g, options: EIMOptions(tolerance: 1e-9))
        let rectangular = try eim.addingPoints(2).removingPoint(at: 3)
        let symmetric = try eim.symmetricFormulation(snapshots: g)
        let qdeim = try EmpiricalInterpolation(snapshots: g, selection: .qdeim, tolerance: 1e-9)
        for (name, variant) in [("rectangular", rectangular), ("symmetric", symmetric), ("qdeim", qdeim)] {
            let url = folder.appendingPathComponent("\(name).npz")
            try variant.write(to: url, provenance: provenance(), compressed: name == "symmetric")
            try assertSameOutput(variant, try EmpiricalInterpolation(contentsOf: url), on: g)
        }
    }

    private func saved() throws -> (URL, NPZArchive) {
        let eim = try EmpiricalInterpolation(snapshots: Fixtures.gaussian(side: 10, params: 4), options: EIMOptions(tolerance: 1e-6))
        let url = folder.appendingPathComponent("eim.npz")
        try eim.write(to: url, provenance: provenance())
        return (url, try NPZ.read(url))
    }

    private func assertReadFails(_ url: URL, _ check: (EIMError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try EmpiricalInterpolation(contentsOf: url), file: file, line: line) { error in
            guard let e = error as? EIMError else { return XCTFail("not an EIMError: \(error)", file: file, line: line) }
            XCTAssertTrue(check(e), "\(e)", file: file, line: line)
        }
    }

    func testTruncatedFileIsAnError() throws {
        let (url, _) = try saved()
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        assertReadFails(url) { if case let .badFile(message) = $0 { return message.contains("eim.npz") } else { return false } }
    }

    func testWrongShapeIsAnErrorNamingTheArray() throws {
        let (url, archive) = try saved()
        var damaged = archive
        let basis = try archive.array("basis").matrix()
        damaged.arrays["basis"] = NPYArray(basis.columns(0..<(basis.columns - 1)))
        try NPZ.write(damaged, to: url)
        assertReadFails(url) { if case let .badArray(_, array, detail) = $0 { return array == "basis" && detail.contains("shape") } else { return false } }
        damaged = archive
        damaged.arrays["points"] = NPYArray(vector: try archive.array("points").doubles())
        try NPZ.write(damaged, to: url)
        assertReadFails(url) { if case let .badArray(_, array, detail) = $0 { return array == "points" && detail.contains("int64") } else { return false } }
    }

    func testInconsistentContentIsAnError() throws {
        let (url, archive) = try saved()
        var damaged = archive
        var points = try archive.array("points").ints()
        points[1] = 10_000
        damaged.arrays["points"] = NPYArray(int64: points)
        try NPZ.write(damaged, to: url)
        assertReadFails(url) { if case let .badArray(_, array, detail) = $0 { return array == "points" && detail.contains("outside") } else { return false } }
        damaged = archive
        var f = try archive.array("interpolation_matrix").matrix()
        f[0, 0] = 2
        damaged.arrays["interpolation_matrix"] = NPYArray(f)
        try NPZ.write(damaged, to: url)
        assertReadFails(url) { if case let .badArray(_, array, _) = $0 { return array == "interpolation_matrix" } else { return false } }
    }

    func testBadVersionIsAnError() throws {
        let (url, archive) = try saved()
        var damaged = archive
        let text = String(decoding: try archive.entry("model.json"), as: UTF8.self)
        damaged.otherEntries["model.json"] = Data(text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7").utf8)
        XCTAssertNotEqual(damaged, archive)
        try NPZ.write(damaged, to: url)
        assertReadFails(url) { $0 == .unsupportedFileVersion(file: "eim.npz", version: 7, supported: 1) }
    }
}
