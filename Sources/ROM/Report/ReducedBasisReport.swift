import Foundation

/// The report of one reduced basis run (a driver such as `thermal-block` fills the input): greedy
/// convergence, singular value decay of the snapshots, estimated against true error over the test
/// set with the effectivities, timings and the facts of the problem, as one self-contained HTML file.
/// ```swift
/// var input = ReducedBasisReport.Input(title: "Thermal block 2×2, n = 100")
/// input.recordGreedy(result.history)
/// input.testEstimates = estimates; input.testTrueErrors = errors
/// try ReducedBasisReport(input).write(to: outFolder.appendingPathComponent("report.html"))
/// ```
public struct ReducedBasisReport: Sendable {
    /// What the report shows: plain numbers and strings. Every part is optional; an empty array
    /// gives a section that says the data were not recorded.
    public struct Input: Sendable {
        /// Document title.
        public var title: String
        /// A line under the title (command, date); nil for none.
        public var subtitle: String?
        /// Facts of the problem, in display order (e.g. ("blocks", "2 × 2"), ("mesh", "100 × 100")).
        public var problemFacts: [(String, String)] = []
        /// Number of truth unknowns.
        public var dofs: Int?
        /// Number of training parameters.
        public var trainingSetSize: Int?
        /// Number of test parameters.
        public var testSetSize: Int?
        /// How errors and estimates are measured (axis labels and captions).
        public var errorNorm = "relative error, H¹₀ seminorm"
        /// What the greedy's estimates measure (its plot's axis label).
        public var greedyEstimateNorm = "relative error, H¹₀ seminorm"
        /// Basis size N at each evaluation of the training set.
        public var greedyBasisSizes: [Int] = []
        /// The largest estimate over the training set at each of these evaluations.
        public var greedyMaxEstimates: [Double] = []
        /// The greedy's tolerance (drawn as a horizontal line); nil for none.
        public var greedyTolerance: Double?
        /// Why the greedy stopped.
        public var greedyStopReason: String?
        /// Singular values of the snapshots (decreasing).
        public var singularValues: [Double] = []
        /// Estimates Δ(μ) on the test parameters.
        public var testEstimates: [Double] = []
        /// True errors ‖u(μ) − u_N(μ)‖ on the same parameters, same norm and normalization.
        public var testTrueErrors: [Double] = []
        /// Wall-clock seconds of the offline stage.
        public var offlineSeconds: Double?
        /// Seconds per online query (reduced solve and estimate).
        public var onlineSecondsPerQuery: Double?
        /// Seconds per truth solve.
        public var truthSecondsPerSolve: Double?
        /// More timings, in display order (name, seconds).
        public var otherTimings: [(String, Double)] = []
        /// Fields drawn first, before any number (e.g. the truth, the reduced solution and their
        /// pointwise error at the worst test parameter, and the parameter's layout); empty for none.
        public var fieldViews: [FieldView] = []
        /// The heading of the fields' section.
        public var fieldViewsTitle = "Solution at the worst test parameter"
        /// A paragraph under the fields (what they show, where the `.vtu` is); shown alone when a
        /// driver cannot draw its fields (a 3D mesh); nil for none.
        public var fieldViewsNote: String?
        /// Free paragraphs shown at the end (settings, remarks).
        public var notes: [String] = []

        /// An input with a title and nothing else yet.
        public init(title: String, subtitle: String? = nil) {
            self.title = title
            self.subtitle = subtitle
        }

        /// Takes the basis sizes and max estimates of a greedy's history.
        public mutating func recordGreedy(_ history: [ReducedBasisGreedy.Iteration]) {
            greedyBasisSizes = history.map(\.basisSize)
            greedyMaxEstimates = history.map(\.maxEstimate)
        }
    }

    /// Minimum, maximum and mean of the effectivities, and how many test parameters had none.
    public struct EffectivitySummary: Sendable, Equatable {
        /// Smallest Δ/e (≥ 1 for a certified bound).
        public let min: Double
        /// Largest Δ/e.
        public let max: Double
        /// Arithmetic mean.
        public let mean: Double
        /// Test parameters skipped because their true error was zero or a value was not finite.
        public let skipped: Int

        /// A summary with the given values.
        public init(min: Double, max: Double, mean: Double, skipped: Int) {
            self.min = min
            self.max = max
            self.mean = mean
            self.skipped = skipped
        }
    }

    /// The data.
    public let input: Input

    /// A report of `input`.
    public init(_ input: Input) { self.input = input }

    /// Δ(μ)/e(μ) per test parameter, nil where the true error is zero or a value is not finite.
    public var effectivities: [Double?] {
        zip(input.testEstimates, input.testTrueErrors).map { estimate, error in
            error > 0 && error.isFinite && estimate.isFinite ? estimate / error : nil
        }
    }

    /// The summary of `effectivities`, nil when none is defined.
    public var effectivitySummary: EffectivitySummary? {
        let all = effectivities
        let defined = all.compactMap { $0 }
        guard let low = defined.min(), let high = defined.max() else { return nil }
        return EffectivitySummary(min: low, max: high, mean: defined.reduce(0, +) / Double(defined.count),
                                  skipped: all.count - defined.count)
    }

    /// The report as an HTML document.
    public func htmlReport() -> HTMLReport {
        HTMLReport(title: input.title, subtitle: input.subtitle,
                   sections: fieldSections() + [summarySection(), problemSection(), greedySection(), singularValueSection(),
                              testSection(), timingSection()] + (input.notes.isEmpty ? [] : [notesSection()]))
    }

    /// Writes the report to `url` atomically (creating its folder).
    /// - Throws: `FileFormatError.unwritable` naming the file.
    public func write(to url: URL) throws {
        try htmlReport().write(to: url)
    }

    /// The fields' section, or none when there is neither a view nor a note.
    private func fieldSections() -> [HTMLReport.Section] {
        var blocks: [HTMLReport.Block] = []
        if !input.fieldViews.isEmpty { blocks.append(.fields(input.fieldViews, caption: nil)) }
        if let note = input.fieldViewsNote { blocks.append(.paragraph(note)) }
        return blocks.isEmpty ? [] : [HTMLReport.Section(title: input.fieldViewsTitle, blocks: blocks)]
    }

    private func notesSection() -> HTMLReport.Section {
        HTMLReport.Section(title: "Notes", blocks: input.notes.map { .paragraph($0) })
    }
}
