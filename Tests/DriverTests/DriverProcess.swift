import Foundation
import XCTest

/// Runs a driver executable of this package (built next to the test bundle by `swift test`) and
/// returns its exit status, stdout and stderr: the tests of a driver check its JSON contract end to end.
enum DriverProcess {
    /// The folder holding the package's built products (`.build/<config>`).
    static var productsFolder: URL {
        let bundle = Bundle(for: DriverProcessAnchor.self).bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
    }

    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String

        /// stdout parsed as one JSON object.
        func json(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: stdout)
            return try XCTUnwrap(object as? [String: Any], "stdout is not a JSON object", file: file, line: line)
        }
    }

    /// Runs `name` with `arguments` (stdout and stderr captured; stdin closed).
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                    workingDirectory: URL? = nil) throws -> Result {
        let executable = productsFolder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw NSError(domain: "DriverProcess", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "driver \(name) not built at \(executable.path)"])
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a chatty driver cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }
}

private final class DriverProcessAnchor {}
