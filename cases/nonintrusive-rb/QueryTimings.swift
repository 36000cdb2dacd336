import Foundation
import LinearAlgebra
import ROM

/// The online query timed as a user runs it, against the truth of the same run: the query with
/// its indicator (`errorEstimate` read after each solve), the query alone (the reduced solution;
/// the indicator is computed only when read), and the solve with the entries already given.
struct QueryTimings {
    /// Mean seconds per query: entries, β and γ, the reduced solve and the indicator.
    let withIndicator: Double
    /// Mean seconds per query without reading the indicator.
    let withoutIndicator: Double
    /// Mean seconds of the solve and indicator from given entries.
    let solveAlone: Double

    /// Times `query(i)` and `solveAlone(i)` over i < count; `indicator(i)` reads the indicator of
    /// the evaluator that answered i.
    init(count: Int, indicator: (Int) -> Double, solveAlone: (Int) throws -> Void, query: (Int) throws -> Void) throws {
        self.solveAlone = try NonintrusiveRun<Double>.time(count) { try solveAlone($0); _ = indicator($0) }
        withIndicator = try NonintrusiveRun<Double>.time(count) { try query($0); _ = indicator($0) }
        withoutIndicator = try NonintrusiveRun<Double>.time(count) { try query($0) }
    }

    /// The JSON members, speed-ups against `truthSeconds` per truth solve.
    func figures(truthSeconds: Double) -> [(String, JSONValue)] {
        [("online_seconds_per_query", .number(withIndicator)),
         ("online_seconds_per_query_without_indicator", .number(withoutIndicator)),
         ("online_solve_seconds", .number(solveAlone)),
         ("fem_seconds_per_solve", .number(truthSeconds)),
         ("speedup", .number(truthSeconds / withIndicator)),
         ("speedup_without_indicator", .number(truthSeconds / withoutIndicator))]
    }

    /// One summary line: "online query (… + solve + indicator): …".
    func line(truthSeconds: Double, what: String) -> String {
        "online query (\(what) + solve + indicator): \(NumberText.seconds(withIndicator)) (solve alone \(NumberText.seconds(solveAlone)); "
            + "without the indicator \(NumberText.seconds(withoutIndicator))); speed-up \(String(format: "%.0f", truthSeconds / withIndicator))× "
            + "(\(String(format: "%.0f", truthSeconds / withoutIndicator))× without the indicator)"
    }
}
