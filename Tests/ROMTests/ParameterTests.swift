import Foundation
import LinearAlgebra
import ROM
import XCTest

final class ParameterTests: XCTestCase {
    func testGridRandomAndLatinHypercubeSamples() throws {
        let space = try ParameterSpace(names: ["a", "b"], lower: [0, -1], upper: [1, 1])
        let grid = try space.uniformGrid(pointsPerComponent: 3)
        XCTAssertEqual(grid.count, 9)
        XCTAssertEqual(grid[0], Parameter([0, -1]))
        XCTAssertEqual(grid[1], Parameter([0.5, -1]))
        XCTAssertEqual(grid[8], Parameter([1, 1]))
        let random = try space.random(count: 100, seed: 1)
        XCTAssertEqual(random, try space.random(count: 100, seed: 1))
        for mu in random { XCTAssertNoThrow(try space.validate(mu)) }
        let lhs = try space.latinHypercube(count: 10, seed: 2)
        // Each of the 10 strata of each component is hit exactly once.
        for k in 0..<2 {
            let strata = Set(lhs.map { Int(($0[k] - space.lower[k]) / (space.upper[k] - space.lower[k]) * 10) })
            XCTAssertEqual(strata, Set(0..<10))
        }
        XCTAssertThrowsError(try space.validate(Parameter([2, 0]))) { error in
            XCTAssertEqual(error as? ParameterError, .outOfBounds(component: "a", value: 2, lower: 0, upper: 1))
        }
        XCTAssertThrowsError(try space.validate(Parameter([0]))) { error in
            XCTAssertEqual(error as? ParameterError, .wrongDimension(expected: 2, found: 1))
        }
        XCTAssertThrowsError(try ParameterSpace(names: ["x"], lower: [1], upper: [0]))
    }

    func testCoefficientExpressionsEvaluateAndRoundTrip() throws {
        let theta = try ParameterFunction("2 * exp(-mu[1]) + b ^ 2 - min(a, 0.5) / 4", names: ["a", "b"])
        let mu = Parameter([0.3, 1.5])
        XCTAssertEqual(theta(mu), 2 * exp(-1.5) + 1.5 * 1.5 - 0.3 / 4, accuracy: 1e-15)
        XCTAssertEqual(try ParameterFunction("-mu[0]^2")(mu), -0.09, accuracy: 1e-15)   // unary minus binds looser than ^
        XCTAssertEqual(try ParameterFunction("1e-3 * (mu[0] + 1)")(mu), 1.3e-3, accuracy: 1e-18)
        XCTAssertEqual(ParameterFunction.constant(1)(mu), 1)
        XCTAssertEqual(ParameterFunction.component(1)(mu), 1.5)
        // Through JSON the names become mu[k], and the value is unchanged.
        let data = try JSONEncoder().encode(theta)
        let decoded = try JSONDecoder().decode(ParameterFunction.self, from: data)
        XCTAssertEqual(decoded(mu), theta(mu))
        XCTAssertThrowsError(try ParameterFunction("mu[0] +")) { error in
            XCTAssertEqual((error as? ParameterFunctionError)?.offset, 7)
        }
        XCTAssertThrowsError(try ParameterFunction("foo(mu[0])")) { error in
            XCTAssertTrue("\(error)".contains("'foo'"), "\(error)")
        }
        XCTAssertThrowsError(try ParameterFunction("(mu[0]"))
    }

    func testGeneralCoercivityConstantMatchesTheDenseEigenvalue() throws {
        let x = SparseMatrix.laplacian1D(40)
        let a = SparseMatrix.linearCombination([(1, x), (0.5, SparseMatrix.identity(40))])
        let alpha = try CoercivityBound.smallestGeneralizedEigenvalue(a, x)
        // Eigenvalues of X⁻¹A = 1 + 0.5/λ(X): the smallest is 1 + 0.5/λ_max(X).
        let lambdaMax = 2 - 2 * cos(40 * Double.pi / 41)
        XCTAssertEqual(alpha, 1 + 0.5 / lambdaMax, accuracy: 1e-7)
        XCTAssertLessThanOrEqual(alpha, 1 + 0.5 / lambdaMax)
    }
}
