import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LinearAlgebra
import ROM
import XCTest
import TestSupport

final class ReportHTMLTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: URL!

    override func setUpWithError() throws {
        temporary = try TemporaryFolder("romkit-report")
        folder = temporary.url
    }

    override func tearDownWithError() throws { temporary.remove() }

    /// The `<svg>…</svg>` fragments of a document.
    private func svgFragments(_ html: String) -> [String] {
        var result: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            result.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return result
    }

    /// A document that needs no network: no external resource of any kind.
    private func assertSelfContained(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        for forbidden in ["<script", "<link", "src=", "@import", "url("] {
            XCTAssertFalse(html.contains(forbidden), "found \(forbidden)", file: file, line: line)
        }
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertFalse(withoutNamespace.contains("http"), "a URL in the report", file: file, line: line)
    }

    func testReportIsEscapedSelfContainedAndWrittenAtomically() throws {
        var section = HTMLReport.Section(title: "Results <&>")
        section.blocks.append(.paragraph("x < y & \"z\""))
        section.blocks.append(.keyValues([("dofs", "20201"), ("<b>", "</td>")]))
        section.blocks.append(.table(header: ["N", "estimate"], rows: [["1", "0.5"], ["2", "<0.1>"]]))
        section.blocks.append(.plot(SVGPlot(title: "p", xLabel: "x", yLabel: "y", series: [.init(label: "s", x: [1, 2], y: [3, 4])]),
                                    caption: "caption & more"))
        section.blocks.append(.preformatted("thermal-block --n 100 <in"))
        let report = HTMLReport(title: "Report <1>", subtitle: "made by 'test'", sections: [section])
        let html = report.html()
        for raw in ["Report <1>", "x < y", "<b>", "</td>\n", "<0.1>", "caption & more", "<in"] {
            XCTAssertFalse(html.contains(raw), "unescaped: \(raw)")
        }
        XCTAssertTrue(html.contains("Results &lt;&amp;&gt;"))
        assertSelfContained(html)
        // The body (everything after the head) is well-formed XML, the SVG included.
        let body = try XCTUnwrap(html.range(of: "<body>")).lowerBound
        let end = try XCTUnwrap(html.range(of: "</body>")).upperBound
        XCTAssertNoThrow(try XMLDocument(xmlString: String(html[body..<end]), options: []))

        let url = folder.appendingPathComponent("nested/report.html")
        try report.write(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), html)
        // Atomic write: no temporary file is left next to the report.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path), ["report.html"])
        // Overwriting replaces the file in one step.
        try HTMLReport(title: "second").write(to: url)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("<title>second</title>"))
    }

    func testReducedBasisReportHasItsPlotsAndEffectivities() throws {
        var input = ReducedBasisReport.Input(title: "Thermal block", subtitle: "thermal-block --blocks 2")
        input.problemFacts = [("blocks", "2 × 2")]
        input.dofs = 20201
        input.trainingSetSize = 256
        input.testSetSize = 4
        input.greedyBasisSizes = [0, 1, 2, 3]
        input.greedyMaxEstimates = [1, 1e-2, 1e-5, 1e-8]
        input.greedyTolerance = 1e-6
        input.greedyStopReason = "tolerance reached"
        input.singularValues = [10, 1, 0.1, 1e-3, 1e-6, 0]
        input.testTrueErrors = [1e-7, 2e-8, 0, 5e-9]
        input.testEstimates = [2e-7, 1e-7, 1e-9, 5e-9]
        input.offlineSeconds = 0.5
        input.onlineSecondsPerQuery = 2e-6
        input.truthSecondsPerSolve = 0.06
        input.notes = ["seed 1"]
        let report = ReducedBasisReport(input)
        XCTAssertEqual(report.effectivities.map { $0 ?? -1 }, [2, 5, -1, 1])
        XCTAssertEqual(report.effectivitySummary, .init(min: 1, max: 5, mean: 8.0 / 3, skipped: 1))

        let html = report.htmlReport().html()
        assertSelfContained(html)
        for title in ["Summary", "Problem", "Greedy convergence", "Singular values of the snapshots",
                      "Error estimate against true error on the test set", "Timings", "Notes"] {
            XCTAssertTrue(html.contains("<h2>\(title)</h2>"), title)
        }
        let svgs = svgFragments(html)
        XCTAssertEqual(svgs.count, 4)
        func count(_ svg: String, _ xpath: String) throws -> Int { try xmlNodes(svg, xpath).count }
        let points = "//*[local-name()='circle'][@class='point']", lines = "//*[local-name()='path'][@class='series-line']"
        XCTAssertEqual(try count(svgs[0], points), 4)  // greedy: one marker per iteration, a line and the tolerance
        XCTAssertEqual(try count(svgs[0], lines), 2)
        XCTAssertEqual(try count(svgs[1], points), 5)  // the zero singular value is skipped, with a note
        XCTAssertTrue(svgs[1].contains("1 point not shown"))
        XCTAssertEqual(try count(svgs[2], points), 3)  // log-log scatter: the zero true error is skipped
        XCTAssertEqual(try count(svgs[2], lines), 1)   // the line Δ = e
        XCTAssertEqual(try count(svgs[3], points), 3)  // effectivity per test parameter
        XCTAssertTrue(html.contains("30000×"), "speed-up 0.06 / 2e-6")
        XCTAssertTrue(html.contains("20201"))

        let url = folder.appendingPathComponent("report.html")
        try report.write(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), html)
    }

    /// A real run fills every part. With ROMKIT_REPORT_SAMPLE=PATH in the environment the report is
    /// also written there, to look at in a browser.
    func testAGreedyRunFillsTheReport() throws {
        let problem = try finiteDifferenceThermalBlock(blocks: 2, n: 12)
        let training = try problem.parameterSpace.uniformGrid(pointsPerComponent: 2)
        let result = try ReducedBasisGreedy(tolerance: 1e-6, maxBasisSize: 8).run(problem: problem, trainingSet: training)
        var input = ReducedBasisReport.Input(title: "FD thermal block 2×2, n = 12", subtitle: "ReportHTMLTests")
        input.problemFacts = [("blocks", "2 × 2"), ("scheme", "5-point finite differences")]
        input.dofs = problem.dimension
        input.trainingSetSize = training.count
        input.recordGreedy(result.history)
        input.greedyTolerance = 1e-6
        input.greedyStopReason = result.stopReason.description
        input.offlineSeconds = result.seconds
        var snapshots = Matrix(rows: problem.dimension, columns: 0)
        for mu in training { snapshots.appendColumn(try problem.solve(mu)) }
        input.singularValues = try POD(snapshots: snapshots, truncation: .count(1)).singularValues

        let test = try problem.parameterSpace.random(count: 12, seed: 5)
        input.testSetSize = test.count
        let evaluator = ReducedModelEvaluator(model: result.model)
        for mu in test {
            try evaluator.solve(mu)
            let truth = try problem.solve(mu)
            let reduced = try result.model.reconstruct(evaluator.coefficients)
            input.testTrueErrors.append(problem.innerProduct.norm(zip(truth, reduced).map { $0 - $1 }))
            input.testEstimates.append(evaluator.errorEstimate)
        }
        input.errorNorm = "absolute error, energy norm"
        input.truthSecondsPerSolve = problem.solveSeconds / Double(problem.solveCount)
        input.onlineSecondsPerQuery = 2e-6

        let report = ReducedBasisReport(input)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(report.effectivitySummary).min, 1 - 1e-9)
        let html = report.htmlReport().html()
        let svgs = svgFragments(html)
        XCTAssertEqual(svgs.count, 4)
        XCTAssertEqual(try xmlNodes(svgs[0], "//*[local-name()='circle'][@class='point']").count, result.history.count)
        XCTAssertEqual(try xmlNodes(svgs[2], "//*[local-name()='circle'][@class='point']").count, test.count)
        if let sample = ProcessInfo.processInfo.environment["ROMKIT_REPORT_SAMPLE"] {
            try report.write(to: URL(fileURLWithPath: sample))
        }
        let empty = ReducedBasisReport(.init(title: "empty")).htmlReport().html()
        XCTAssertTrue(empty.contains("No test set was evaluated."))
        XCTAssertTrue(empty.contains("No singular values were recorded."))
        XCTAssertTrue(empty.contains("No greedy history was recorded."))
    }
}
