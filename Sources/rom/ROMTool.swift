import ArgumentParser
import LinearAlgebra

/// `rom`: the offline and online stages of ROMKit for users of an external solver, on files only
/// (NPY snapshots and bases, MatrixMarket inner-product matrices, `.npz` online models).
///
/// - `rom pod SNAPSHOTS.npy --out BASIS.npy`: POD modes and singular values of a snapshot matrix.
/// - `rom nonintrusive DIR --out MODEL.npz`: the nonintrusive RB of a folder of assembled matrices.
/// - `rom info MODEL.npz`: what an online model file holds.
/// - `rom online MODEL.npz --mu a,b,c`: reduced solutions, error bounds and outputs.
@main
struct ROMTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rom",
        abstract: "Reduced-order modeling on files: POD of snapshots, nonintrusive RB of assembled matrices, online model queries.",
        discussion: "Files: NPY (.npy) for snapshots, bases and fields; MatrixMarket (.mtx) for sparse matrices; "
            + "an online model is one .npz written by a ROMKit driver or the Swift API. See docs/rom-tool.md.",
        subcommands: [PODCommand.self, NonintrusiveCommand.self, InfoCommand.self, OnlineCommand.self]
    )

    static func main() {
        BLASRuntime.startExecutable()
        main(nil)
    }
}
