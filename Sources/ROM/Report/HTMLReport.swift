import Foundation
import LinearAlgebra

/// A self-contained HTML report: a title, then sections of paragraphs, tables and inline SVG plots.
/// The file needs no network access (no external style sheet, script, font or image) and opens in
/// any browser; every text is HTML-escaped.
/// ```swift
/// var report = HTMLReport(title: "Thermal block")
/// report.sections.append(.init(title: "Problem", blocks: [.keyValues([("dofs", "20201")])]))
/// try report.write(to: URL(fileURLWithPath: "out/report.html"))
/// ```
public struct HTMLReport: Sendable {
    /// One element of a section.
    public enum Block: Sendable {
        /// A paragraph of text.
        case paragraph(String)
        /// A two-column table of names and values.
        case keyValues([(String, String)])
        /// A table with a header row (may be empty for none) and rows of cells.
        case table(header: [String], rows: [[String]])
        /// A plot, rendered inline as SVG, with an optional caption under it.
        case plot(SVGPlot, caption: String?)
        /// Fields on a mesh, drawn side by side (wrapping), with an optional caption under them.
        case fields([FieldView], caption: String?)
        /// Monospaced text (a command line, a log excerpt).
        case preformatted(String)
    }

    /// A titled section.
    public struct Section: Sendable {
        /// The heading.
        public var title: String
        /// The content, in order.
        public var blocks: [Block]

        /// A section with the given content.
        public init(title: String, blocks: [Block] = []) {
            self.title = title
            self.blocks = blocks
        }
    }

    /// The document title (heading and `<title>`).
    public var title: String
    /// A line under the title (e.g. the creator and the date); nil for none.
    public var subtitle: String?
    /// The sections, in order.
    public var sections: [Section]

    /// A report with the given content.
    public init(title: String, subtitle: String? = nil, sections: [Section] = []) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// The whole document.
    public func html() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"ROMKit\">\n"
        out += "<title>\(HTMLEscaping.escape(title))</title>\n<style>\n\(Self.styleSheet)</style>\n</head>\n<body>\n<main>\n"
        out += "<h1>\(HTMLEscaping.escape(title))</h1>\n"
        if let subtitle { out += "<p class=\"subtitle\">\(HTMLEscaping.escape(subtitle))</p>\n" }
        for section in sections {
            out += "<section>\n<h2>\(HTMLEscaping.escape(section.title))</h2>\n"
            for block in section.blocks { out += Self.render(block) }
            out += "</section>\n"
        }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    /// Writes the document to `url` atomically (temporary file, then rename), creating the folder.
    /// - Throws: `FileFormatError.unwritable` naming the file.
    public func write(to url: URL) throws {
        try AtomicFile.createParentFolder(of: url)
        try AtomicFile.write(Data(html().utf8), to: url)
    }

    static func render(_ block: Block) -> String {
        switch block {
        case .paragraph(let text):
            return "<p>\(HTMLEscaping.escape(text))</p>\n"
        case .keyValues(let pairs):
            var out = "<table class=\"facts\">\n<tbody>\n"
            for (key, value) in pairs {
                out += "<tr><th scope=\"row\">\(HTMLEscaping.escape(key))</th><td>\(HTMLEscaping.escape(value))</td></tr>\n"
            }
            return out + "</tbody>\n</table>\n"
        case let .table(header, rows):
            var out = "<table class=\"data\">\n"
            if !header.isEmpty {
                out += "<thead><tr>" + header.map { "<th>\(HTMLEscaping.escape($0))</th>" }.joined() + "</tr></thead>\n"
            }
            out += "<tbody>\n"
            for row in rows { out += "<tr>" + row.map { "<td>\(HTMLEscaping.escape($0))</td>" }.joined() + "</tr>\n" }
            return out + "</tbody>\n</table>\n"
        case let .plot(plot, caption):
            var out = "<figure>\n\(plot.svg())\n"
            if let caption { out += "<figcaption>\(HTMLEscaping.escape(caption))</figcaption>\n" }
            return out + "</figure>\n"
        case let .fields(views, caption):
            var out = "<figure class=\"fields\">\n<div class=\"field-row\">\n"
            for view in views { out += view.svg() + "\n" }
            out += "</div>\n"
            if let caption { out += "<figcaption>\(HTMLEscaping.escape(caption))</figcaption>\n" }
            return out + "</figure>\n"
        case .preformatted(let text):
            return "<pre>\(HTMLEscaping.escape(text))</pre>\n"
        }
    }

    /// The inline style sheet: readable on screen and in print, no external resources.
    static let styleSheet = """
        body { margin: 0; background: #f6f7f9; color: #1d1f23;
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
        h1 { font-size: 26px; margin: 8px 0 4px; }
        h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #dde1e6; }
        .subtitle { color: #5b6270; margin-top: 0; }
        table { border-collapse: collapse; margin: 10px 0 16px; font-variant-numeric: tabular-nums; }
        th, td { padding: 4px 12px; border-bottom: 1px solid #eceff2; text-align: left; vertical-align: top; }
        table.facts th { font-weight: 500; color: #414753; }
        table.data thead th { border-bottom: 2px solid #c9ced6; }
        table.data td { text-align: right; }
        figure { margin: 14px 0 22px; }
        figure svg { max-width: 100%; height: auto; border: 1px solid #eceff2; }
        .field-row { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; }
        figcaption { color: #5b6270; font-size: 13px; margin-top: 4px; }
        pre { background: #f3f4f6; padding: 10px 12px; overflow-x: auto; font-size: 13px; }
        @media print { body { background: #fff; } main { padding: 0; } }

        """
}
