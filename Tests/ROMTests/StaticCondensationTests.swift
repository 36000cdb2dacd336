import LinearAlgebra
import ROM
import XCTest

final class StaticCondensationTests: XCTestCase {
    /// Condensed solves equal CHOLMOD's on the whole matrix to round-off, for 2×2 and 3×3 blocks.
    /// The interface of the 2×2 finite-difference block at n = 30 is grid column 15 and row 15
    /// (the edge 15→16 straddles x = 1/2 and belongs to the upper block): 30 + 30 − 1 = 59 points;
    /// 3×3 at n = 40: two columns and two rows, 4 · 40 − 4 = 156.
    func testCondensedSolvesEqualTheFullFactorization() throws {
        for (blocks, n, interface) in [(2, 30, 59), (3, 40, 156)] {
            let condensed = try finiteDifferenceThermalBlock(blocks: blocks, n: n)
            let full = try finiteDifferenceThermalBlock(blocks: blocks, n: n)
            full.truthSolver = .cholesky
            for mu in try condensed.parameterSpace.random(count: 4, seed: 5) {
                let u = try condensed.solve(mu)
                let reference = try full.solve(mu)
                let difference = zip(u, reference).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(difference, 1e-12 * reference.map(abs).max()!)
            }
            XCTAssertEqual(condensed.condensedInterfaceSize, interface)
            XCTAssertNil(full.condensedInterfaceSize)
        }
    }

    /// A small grid has too large an interface (automatic falls back to CHOLMOD; forcing it is an error).
    func testLargeInterfaceFallsBackOrIsRejected() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let mu = Parameter([0.3, 0.5, 0.7, 0.9])
        _ = try problem.solve(mu)
        XCTAssertNil(problem.condensedInterfaceSize)
        problem.truthSolver = .staticCondensation
        XCTAssertThrowsError(try problem.solve(mu)) { error in
            XCTAssertTrue("\(error)".contains("static condensation"), "\(error)")
        }
    }
}
