import ArgumentParser

/// `turbine-blade`: an elastoviscoplastic turbine blade under flight cycles, the industrial case
/// of the nonintrusive hyper-reduced ROM (docs/nonlinear.md). The three stages are separate
/// commands that exchange files only.
///
/// Sample runs:
/// ```
/// turbine-blade hf --out out/blade                      # default blade (≈ 15,000 dofs, P2), 2 cycles
/// turbine-blade hf --out out/blade --size 40000 --temperature-level 950 --cycles 3 --json -
/// turbine-blade hf --out out/blade --mesh blade.msh --root-tag 1
/// ```
@main
struct TurbineBladeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turbine-blade",
        abstract: "Elastoviscoplastic turbine blade under flight cycles: high-fidelity stage (hf).",
        subcommands: [HighFidelityCommand.self])
}
