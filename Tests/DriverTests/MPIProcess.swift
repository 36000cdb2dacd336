import Foundation
import XCTest

/// Runs an executable of this package under `mpirun` with K ranks (as root and on 2 cores:
/// `--allow-run-as-root --oversubscribe`; one BLAS thread per rank), with a timeout after which
/// the whole job is killed, so a test of a distributed stage can fail but never hang.
enum MPIProcess {
    struct Timeout: Error, CustomStringConvertible {
        let seconds: Double
        let command: String
        var description: String { "\(command) still running after \(seconds) s: killed" }
    }

    /// The outcome, with the wall-clock seconds the job took.
    struct Outcome {
        let result: DriverProcess.Result
        let seconds: Double
    }

    static let mpirun = "/usr/bin/mpirun"

    static func run(_ name: String, ranks: Int, _ arguments: [String], timeout: Double = 30) throws -> Outcome {
        let executable = DriverProcess.productsFolder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw NSError(domain: "MPIProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) not built at \(executable.path)"])
        }
        guard FileManager.default.isExecutableFile(atPath: mpirun) else {
            throw NSError(domain: "MPIProcess", code: 2, userInfo: [NSLocalizedDescriptionKey: "\(mpirun) missing: make deps installs openmpi-bin"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)",
                             "-x", "OPENBLAS_NUM_THREADS=1", "-x", "OMP_NUM_THREADS=1", "-x", "ROMKIT_NUM_THREADS=1",
                             executable.path] + arguments
        // A test process that ran MPI as a singleton carries its job's variables: a child
        // mpirun must not see them (it would take itself for a rank of that job).
        process.environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !["OMPI_", "PMIX_", "OPAL_", "ORTE_", "PRTE_"].contains { key.hasPrefix($0) }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        nonisolated(unsafe) var timedOut = false
        let killer = DispatchWorkItem {
            timedOut = true
            process.terminate()                      // mpirun forwards SIGTERM to its ranks
            Thread.sleep(forTimeInterval: 2)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        killer.cancel()
        if timedOut { throw Timeout(seconds: timeout, command: "mpirun -np \(ranks) \(name) \(arguments.joined(separator: " "))") }
        let result = DriverProcess.Result(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
        return Outcome(result: result, seconds: Date().timeIntervalSince(start))
    }
}
