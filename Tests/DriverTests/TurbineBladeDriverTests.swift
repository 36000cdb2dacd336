import Foundation
import TestSupport
import XCTest

/// `turbine-blade hf` end to end on a tiny blade: the JSON contract against stored values, the
/// displacement files (read back as NumPy would), the ParaView series.
final class TurbineBladeDriverTests: XCTestCase {
    /// Newton iterations, max |u| (mm) and max p of the tiny run below.
    static let storedIterations = 13.0, storedUMax = 0.6847134522511986, storedPMax = 0.00010580676563829977

    func testHighFidelityStageOnATinyBlade() throws {
        let temporary = try TemporaryFolder("turbine-blade")
        defer { temporary.remove() }
        let out = temporary.url.appendingPathComponent("hf")
        let result = try DriverProcess.run("turbine-blade", ["hf", "--out", out.path, "--size", "1500", "--cycles", "1",
                                                             "--steps-per-cycle", "8", "--json", "-", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try result.json()
        for key in ["dofs", "integration_points", "time_steps", "hf_seconds", "newton_iterations_total", "u_max", "p_max"] {
            XCTAssertNotNil(json[key] as? Double, key)
        }
        XCTAssertEqual(json["dofs"] as? Double, 1485)
        XCTAssertEqual(json["integration_points"] as? Double, 4 * 6 * 5 * 2 * 4)
        XCTAssertEqual(json["time_steps"] as? Double, 8)
        XCTAssertEqual(json["lu_steps"] as? Double, 0)
        // Stored values of this run (the law, loads and mesh of cases/turbine-blade/BladeCase.swift).
        XCTAssertEqual(try XCTUnwrap(json["newton_iterations_total"] as? Double), Self.storedIterations, accuracy: 2)
        XCTAssertEqual(try XCTUnwrap(json["u_max"] as? Double), Self.storedUMax, accuracy: 1e-6 * Self.storedUMax)
        XCTAssertEqual(try XCTUnwrap(json["p_max"] as? Double), Self.storedPMax, accuracy: 1e-4 * Self.storedPMax)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        for name in ["mesh.vtu", "times.npy", "blade.pvd", "u_0000.npy", "u_0008.npy", "blade_0008.vtu"] {
            XCTAssertTrue(files.contains(name), name)
        }
        XCTAssertFalse(files.contains("u_0009.npy"))
        // u_0008.npy: a float64 vector of 1485 entries (the NPY header, then the data).
        let data = try Data(contentsOf: out.appendingPathComponent("u_0008.npy"))
        XCTAssertEqual(Array(data.prefix(6)), [0x93] + Array("NUMPY".utf8))
        XCTAssertTrue(String(decoding: data.prefix(128), as: UTF8.self).contains("(1485,)"))
        let pvd = try String(contentsOf: out.appendingPathComponent("blade.pvd"), encoding: .utf8)
        XCTAssertEqual(pvd.components(separatedBy: "<DataSet").count - 1, 9)
        let vtu = try Data(contentsOf: out.appendingPathComponent("blade_0008.vtu"))
        let header = String(decoding: vtu.prefix(2000), as: UTF8.self)
        for name in ["Name=\"u\"", "Name=\"sigma_vM\"", "Name=\"p\""] { XCTAssertTrue(header.contains(name), name) }
    }

    func testBadOptionsAreErrorsNamingThem() throws {
        let result = try DriverProcess.run("turbine-blade", ["hf", "--temperature-level", "2000"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--temperature-level"), result.stderr)
        let size = try DriverProcess.run("turbine-blade", ["hf", "--size", "10"])
        XCTAssertNotEqual(size.status, 0)
        XCTAssertTrue(size.stderr.contains("--size"), size.stderr)
    }
}
