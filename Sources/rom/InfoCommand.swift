import ArgumentParser
import Foundation
import LinearAlgebra
import ROM

/// `rom info MODEL.npz`: sizes, parameters, coefficient expressions, estimator and provenance of
/// an online model file.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Describe an online model file (.npz): sizes, parameters, estimator, provenance.")

    @Argument(help: "Online model file (.npz).")
    var model: String

    @Option(help: "Write the description as JSON to this file, or '-' for stdout.")
    var json: String?

    func run() throws {
        let description = ModelDescription(file: model, loaded: try OnlineModelFile.load(URL(fileURLWithPath: model)))
        if let json { try OutputDestination.write(description.json.serialized() + "\n", to: json) }
        if !OutputDestination.isStandardOutput(json) { print(description.text, terminator: "") }
    }
}
