import ComplexModule
import Foundation
import XCTest
import TestSupport
@testable import LinearAlgebra

/// The scratch folder of the I/O tests.
typealias IOTemporaryFolder = TemporaryFolder

/// A small deterministic generator (SplitMix64) so that failures reproduce.
struct IOTestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A value with a wide spread of magnitudes and digits, negative about half the time.
    mutating func value() -> Double {
        let mantissa = Double(next() >> 11) / Double(1 << 53)
        let exponent = Double(int(41) - 20)
        let x = (mantissa + 0.01) * Foundation.pow(10, exponent)
        return next() & 1 == 0 ? x : -x
    }
}

/// Asserts that `body` throws a `FileFormatError` equal to `expected`.
func assertThrowsFileError<T>(_ expected: FileFormatError, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
    } catch let error as FileFormatError {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}

/// The `FileFormatError` thrown by `body`, or nil (with a test failure) when it throws none or another error.
func fileError<T>(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) -> FileFormatError? {
    do {
        _ = try body()
        XCTFail("expected a FileFormatError, nothing was thrown", file: file, line: line)
    } catch let error as FileFormatError {
        return error
    } catch {
        XCTFail("expected a FileFormatError, got \(error)", file: file, line: line)
    }
    return nil
}

/// Asserts that `body` throws a `FileFormatError`.
func XCTThrowsFileError<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertTrue(error is FileFormatError, "expected a FileFormatError, got \(error)", file: file, line: line)
    }
}
