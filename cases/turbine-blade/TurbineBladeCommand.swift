import ArgumentParser

/// `turbine-blade`: an elastoviscoplastic turbine blade under flight cycles, the industrial case
/// of the nonintrusive hyper-reduced ROM (docs/nonlinear.md). The three stages are separate
/// commands that exchange files only; `run` (the default) chains them for the whole study.
///
/// Sample runs:
/// ```
/// turbine-blade run --json -                            # the study: 2 training levels, offline, online at 900 °C over 4 cycles
/// turbine-blade hf --out out/blade-800 --temperature-level 800 --no-series
/// turbine-blade hf --out out/blade-1000 --temperature-level 1000 --no-series
/// turbine-blade offline --hf out/blade-800 out/blade-1000 --out out/model.npz --json -
/// turbine-blade hf --out out/blade-900 --temperature-level 900 --cycles 4 --no-series
/// turbine-blade online --model out/model.npz --temperature-level 900 --cycles 4 --compare-hf out/blade-900 --json -
/// turbine-blade hf --out out/blade --mesh blade.msh --root-tag 1
/// ```
@main
struct TurbineBladeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turbine-blade",
        abstract: "Elastoviscoplastic turbine blade under flight cycles: high-fidelity (hf), offline reduction, online ROM, and the whole study (run).",
        subcommands: [StudyCommand.self, HighFidelityCommand.self, OfflineCommand.self, OnlineCommand.self],
        defaultSubcommand: StudyCommand.self)
}
