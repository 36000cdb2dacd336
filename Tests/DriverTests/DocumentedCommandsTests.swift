import Foundation
import LinearAlgebra
import TestSupport
import XCTest

/// The commands of docs/rom-tool.md, run as written: every `$ rom …` line of the page runs in a
/// folder holding the files it names, exits 0, and prints what the page shows (each shown line,
/// numbers masked, is a line of the output; a line with `…` is a prefix of one). The error
/// messages the page quotes are produced by the commands that cause them.
final class DocumentedCommandsTests: XCTestCase {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/rom-tool.md").standardizedFileURL

    /// A line with every run of digits (and a decimal point, sign or exponent within) replaced by `#`.
    static func masked(_ line: Substring) -> String {
        line.replacingOccurrences(of: "[-+]?[0-9]+(\\.[0-9]+)?(e[-+]?[0-9]+)?", with: "#", options: .regularExpression)
            .trimmingCharacters(in: .whitespaces)
    }

    /// The `$ rom …` commands of the page's code blocks, each with the output lines shown under it.
    static func documentedCommands(_ text: String) -> [(arguments: [String], shown: [Substring])] {
        var commands: [(arguments: [String], shown: [Substring])] = [], inBlock = false, collecting = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock.toggle(); collecting = false; continue }
            guard inBlock else { continue }
            if line.hasPrefix("$ rom ") {
                let words = line.dropFirst(6).split(separator: "#", maxSplits: 1).first ?? ""
                commands.append((words.split(separator: " ").map(String.init), []))
                collecting = true
            } else if line.hasPrefix("$ ") {
                collecting = false
            } else if collecting {
                commands[commands.count - 1].shown.append(line)
            }
        }
        return commands
    }

    func testTheRomToolPageRunsAsWritten() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeDocumentedInputs(in: folder.url)
        let commands = Self.documentedCommands(text)
        XCTAssertGreaterThanOrEqual(commands.count, 3, "the page's `$ rom` commands")
        for (arguments, shown) in commands {
            let result = try DriverProcess.run("rom", arguments, workingDirectory: folder.url)
            XCTAssertEqual(result.status, 0, "rom \(arguments): \(result.stderr)")
            let printed = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { Self.masked($0) }
            for line in shown where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = line.components(separatedBy: "…")
                let head = Self.masked(Substring(parts[0]))
                if parts.count == 1 {
                    XCTAssertTrue(printed.contains(head), "rom \(arguments): the page shows '\(line)', not printed:\n\(printed.joined(separator: "\n"))")
                } else if !head.isEmpty {
                    XCTAssertTrue(printed.contains { $0.hasPrefix(head) }, "rom \(arguments): the page shows '\(line)', not printed")
                }
            }
        }
        // The error messages the page quotes, from the commands that cause them.
        let errors: [([String], String)] = [
            (["online", "model.npz", "--mu", "0.1,0.5,1"], "Error: --mu: 3 values given, the model has 4 parameters (diffusion_0, diffusion_1, diffusion_2, diffusion_3)"),
            (["online", "model.npz", "--mu", "0.1,0.5,1.5,0.3"], "Error: --mu: parameter component 'diffusion_2' = 1.5 lies outside [0.1, 1.0]"),
            (["online", "model.npz", "--mu-file", "params.csv"], "Error: params.csv, line 7: column 2 ('diffusion_1'): '0.5x' is not a number"),
        ]
        for (arguments, message) in errors {
            XCTAssertTrue(text.contains(message), "docs/rom-tool.md no longer quotes '\(message)'")
            let result = try DriverProcess.run("rom", arguments, workingDirectory: folder.url)
            XCTAssertEqual(result.status, 1, "rom \(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "rom \(arguments): '\(result.stderr)', the page says '\(message)'")
        }
    }

    /// The files the page's commands name: S.npy as its Python line makes it (2000 × 40 with
    /// singular values decaying as 0.5ᵏ), the thermal block's model where `make run` writes it and
    /// as model.npz, the matrix-functions model where its driver writes it, and a params.csv whose
    /// line 7 is the page's bad line.
    func writeDocumentedInputs(in folder: URL) throws {
        var generator = SplitMix64(seed: 0)
        let g0 = Matrix(rows: 2000, columns: 40, storage: (0..<80_000).map { _ in generator.nextUniform() - 0.5 })
        let g1 = Matrix(rows: 40, columns: 40, storage: (0..<1600).map { _ in generator.nextUniform() - 0.5 })
        let s = g0 * Matrix.diagonal((0..<40).map { pow(0.5, Double($0)) }) * g1
        try NPY.write(s, to: folder.appendingPathComponent("S.npy"))
        let models = folder.appendingPathComponent("out/thermal-block")
        let run = try DriverProcess.run("thermal-block", ["--n", "10", "--train", "16", "--test", "4", "--quiet", "--out", models.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        try FileManager.default.copyItem(at: models.appendingPathComponent("thermal-block-model.npz"),
                                         to: folder.appendingPathComponent("model.npz"))
        // The matrix-functions model where the driver writes it (a 12 × 12 mesh: the page's numbers are masked).
        let functions = try DriverProcess.run("matrix-functions", ["--n", "12", "--training", "20", "--test", "2", "--probes", "2",
                                                                  "--lanczos", "5", "--out", folder.appendingPathComponent("out/matrix-functions").path])
        XCTAssertEqual(functions.status, 0, functions.stderr)
        let csv = "# components in the model's order\n0.1, 0.5, 1, 0.3\n1, 1, 1, 1\n\n# next\n0.4, 0.3, 0.2, 0.1\n0.2, 0.5x, 0.3, 0.4\n"
        try Data(csv.utf8).write(to: folder.appendingPathComponent("params.csv"))
    }
}
