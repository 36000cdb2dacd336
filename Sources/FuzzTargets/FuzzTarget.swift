import FEM
import Foundation
import LinearAlgebra
import ROM

/// The readers through which outside data enters ROMKit, as the fuzzers drive them: each takes an
/// input's bytes, and a clear thrown error is a pass. A trap, a hang or an accepted input that
/// breaks an invariant (an array whose shape does not match its elements, a model whose answer is
/// not finite) is a finding: the target stops the process with a message, and libFuzzer keeps the
/// input as a crash file (docs/reliability.md, "Fuzzing").
///
/// `romkit-fuzz` links these targets to libFuzzer (`make fuzz`); `FuzzCorpusTests` replays the
/// stored corpus and every crash input found through the same entry points in `make test`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `GmshReader.parse`: Gmsh 2.2 and 4.1, ASCII and binary.
    case gmsh
    /// `MatrixMarket.readSparse`, `readComplexSparse` and `readDense` on one file.
    case matrixMarket = "matrix-market"
    /// `NPY.decode`.
    case npy
    /// `NPZArchive(contentsOf:)` and every array in it.
    case npz
    /// `OnlineModelFile.load` of a model file (`model.json` semantics included), then queries at
    /// the corners and the centre of its parameter box.
    case model
    /// `ParameterTable.parse`: the `parameters.csv` of a matrix family folder.
    case parameterTable = "parameter-table"
    /// `ParameterFunction`: the coefficient expression parser, then one evaluation.
    case expression

    /// What a reader made of one input.
    public enum Outcome: Equatable, Sendable {
        /// The input was read.
        case accepted
        /// The reader refused the input with this message.
        case rejected(String)
    }

    /// Runs the target's reader on `bytes`. Returns how it ended; stops the process (the finding)
    /// when an accepted input breaks an invariant of what was read.
    public func run(_ bytes: [UInt8]) -> Outcome {
        do {
            switch self {
            case .gmsh: try Self.readGmsh(bytes)
            case .matrixMarket: try Self.readMatrixMarket(bytes)
            case .npy: try Self.decodeNPY(bytes)
            case .npz: try Self.readNPZ(bytes)
            case .model: try Self.loadModel(bytes)
            case .parameterTable: _ = try ParameterTable.parse(bytes, file: "parameters.csv")
            case .expression: try Self.evaluateExpression(bytes)
            }
            return .accepted
        } catch {
            return .rejected("\(error)")
        }
    }

    /// Stops the process: an accepted input broke an invariant.
    static func finding(_ message: String) -> Never {
        fatalError("fuzz finding: \(message)")
    }
}
