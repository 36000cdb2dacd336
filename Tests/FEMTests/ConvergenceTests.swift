import XCTest
import FEM
import LinearAlgebra

/// Convergence rates of every element on a manufactured solution: L² ≈ p + 1 and H¹ ≈ p, fitted
/// over two refinements (three meshes) and asserted within ±0.2.
final class ConvergenceTests: XCTestCase {
    func check(dimension: Int, order: Int, sizes: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        let exact = SineSolution(dimension: dimension)
        var l2 = [Double](), h1 = [Double]()
        for n in sizes {
            let (space, u) = try solvePoisson(mesh: unitMesh(dimension: dimension, n), order: order, source: exact.source)
            let e = space.errors(of: u, exact: exact.value, gradient: exact.gradient)
            l2.append(e.l2); h1.append(e.h1)
        }
        for k in 1..<sizes.count {
            XCTAssertEqual(rate(l2[k - 1], l2[k]), Double(order + 1), accuracy: 0.2, "L2 \(dimension)D P\(order) \(l2)", file: file, line: line)
            XCTAssertEqual(rate(h1[k - 1], h1[k]), Double(order), accuracy: 0.2, "H1 \(dimension)D P\(order) \(h1)", file: file, line: line)
        }
    }

    func testP1Interval() throws { try check(dimension: 1, order: 1, sizes: [8, 16, 32]) }
    func testP2Interval() throws { try check(dimension: 1, order: 2, sizes: [8, 16, 32]) }
    func testP1Triangle() throws { try check(dimension: 2, order: 1, sizes: [8, 16, 32]) }
    func testP2Triangle() throws { try check(dimension: 2, order: 2, sizes: [4, 8, 16]) }
    func testP1Tetrahedron() throws { try check(dimension: 3, order: 1, sizes: [4, 8, 16]) }
    func testP2Tetrahedron() throws { try check(dimension: 3, order: 2, sizes: [3, 6, 12]) }

    /// −Δu = 1 on the unit square: max u → 0.0736713532814 (the torsion function at the centre),
    /// the error of the centre value falling as h² for P1 and faster for P2.
    func testTorsionMaximumConvergesAtTheElementRate() throws {
        let exactMax = 0.0736713532814
        for (order, sizes, expected) in [(1, [16, 32, 64], 2.0), (2, [8, 16, 32], 4.0)] {
            var errors = [Double]()
            for n in sizes {
                let (_, u) = try solvePoisson(mesh: .rectangle(n, n), order: order, source: 1)
                errors.append(abs(u.max()! - exactMax))
            }
            for k in 1..<errors.count {
                XCTAssertEqual(rate(errors[k - 1], errors[k]), expected, accuracy: 0.2, "P\(order) \(errors)")
            }
        }
    }
}
