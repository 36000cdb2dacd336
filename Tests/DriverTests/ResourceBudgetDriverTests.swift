import Foundation
import XCTest

/// Options whose sizes overflow `Int` arithmetic or ask for more memory than the machine has are
/// refused in `validate()`, before anything is allocated, with a message naming the option and the
/// memory the run would need: no trap, no endless run (issue 11).
final class ResourceBudgetDriverTests: XCTestCase {
    func assertRefused(_ driver: String, _ arguments: [String], mentions words: [String],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let output = ["thermal-block", "nonintrusive-rb", "poisson"].contains(driver) ? ["--out", NSTemporaryDirectory() + "budget-\(driver)"] : []
        let result = try DriverProcess.run(driver, arguments + output)
        XCTAssertEqual(result.status, 64, "\(driver) \(arguments): \(result.stderr)", file: file, line: line)
        for word in words {
            XCTAssertTrue(result.stderr.contains(word), "\(driver) \(arguments): '\(word)' not in \(result.stderr)", file: file, line: line)
        }
    }

    func testHugeSizesAreRefusedWithTheMemoryTheyNeed() throws {
        try assertRefused("thermal-block", ["--n", "100000"], mentions: ["--n 100000", "of memory", "this machine has"])
        try assertRefused("thermal-block", ["--n", "100000000"], mentions: ["--n 100000000", "2…1000000"])
        try assertRefused("thermal-block", ["--train", "9223372036854775807"], mentions: ["--train", "training set size"])
        try assertRefused("thermal-block", ["--test", "100000000000"], mentions: ["--test", "test set size"])
        try assertRefused("nonintrusive-rb", ["--n", "3000", "--grid", "100"], mentions: ["--n 3000", "of memory", "training samples"])
        try assertRefused("poisson", ["--dim", "3", "--n", "5000"], mentions: ["--n 5000", "of memory"])
        try assertRefused("eifmm", ["--n", "1000000000"], mentions: ["--n 1000000000 points", "of memory"])
        try assertRefused("eim-functions", ["--grid", "5000", "--params", "1000"], mentions: ["--grid 5000", "of memory"])
        try assertRefused("rom-bench", ["pod", "--rows", "100000000", "--columns", "100000"], mentions: ["--rows 100000000", "of memory"])
        try assertRefused("rom-bench", ["fem", "--sides3d", "5000"], mentions: ["--sides3d 5000", "of memory"])
        try assertRefused("rom-bench", ["linalg", "--repeats", "9223372036854775807"], mentions: ["--repeats", "1…1000"])
    }
}
