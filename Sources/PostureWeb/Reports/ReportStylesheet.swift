import Foundation
import PostureCore

/// The report's own stylesheet: built for paper (A4 by default, US Letter on request), light
/// colours only, page numbers in the bottom margin, tables and charts kept whole across pages.
enum ReportStylesheet {
    static func css(paper: ReportPaper) -> String {
        """
        @page { size: \(paper.cssSize); margin: 16mm 14mm 18mm;
          @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt system-ui, sans-serif; color: #57606a; } }
        :root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --panel: #f6f8fa;
          --bad: #cf222e; --okay: #9a6700; --good: #1a7f37; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
          color: var(--fg); background: #ffffff; }
        main.report { max-width: 182mm; margin: 0 auto; padding: 8mm 0; }
        @media print { main.report { padding: 0; } .screen-only, details.data { display: none; } }
        h1 { font-size: 18pt; margin: 0 0 2mm; }
        h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid var(--line); padding-bottom: 1mm;
          break-after: avoid; }
        .period, .hint { color: var(--muted); }
        .headline { display: flex; gap: 8mm; align-items: baseline; flex-wrap: wrap; margin: 4mm 0; }
        .headline .big { font-size: 26pt; font-weight: 700; }
        .zone { font-weight: 700; text-transform: capitalize; }
        .zone-bad { color: var(--bad); } .zone-okay { color: var(--okay); } .zone-good { color: var(--good); }
        table { width: 100%; border-collapse: collapse; margin: 2mm 0; break-inside: auto; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; }
        th, td { text-align: left; padding: 1.2mm 2mm; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 9pt; color: var(--muted); font-weight: 600; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        td.day { white-space: nowrap; }
        section { break-inside: avoid-page; }
        section.long { break-inside: auto; }
        figure.chart-figure { margin: 2mm 0; break-inside: avoid; }
        figure.chart-figure figcaption { font-weight: 600; margin-bottom: 1mm; }
        svg.chart { width: 100%; height: auto; max-height: 75mm; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .axis { fill: var(--muted); font-size: 11px; }
        svg .line { fill: none; stroke-width: 2.5; }
        svg .s0 { stroke: var(--accent); fill: var(--accent); }
        svg .s1 { stroke: var(--muted); fill: var(--muted); }
        svg .s2 { stroke: var(--okay); fill: var(--okay); }
        svg .s3 { stroke: var(--good); fill: var(--good); }
        svg polyline.line { fill: none; }
        .legend { list-style: none; padding: 0; margin: 1mm 0; display: flex; gap: 5mm; flex-wrap: wrap; font-size: 9pt; }
        .empty { color: var(--muted); font-style: italic; }
        a { color: var(--accent); }
        """
    }
}

extension ReportPaper {
    var cssSize: String {
        switch self {
        case .a4: "A4"
        case .letter: "letter"
        }
    }
}

/// The frame of every report page: head, stylesheet (linked, or inside the page for a file or a
/// PDF engine), the on-screen links that are never printed, and the body.
struct ReportDocument {
    var title: String
    var paper: ReportPaper
    var inlineStyles: Bool
    var screenLinks: [(label: String, href: String)]

    func render(_ body: SafeHTML) -> String {
        let style: SafeHTML =
            inlineStyles
            ? "<!--report-styles-->" : #"<link rel="stylesheet" href="/assets/report-\#(paper.rawValue).css">"#
        let links: SafeHTML =
            screenLinks.isEmpty
            ? ""
            : #"<nav class="screen-only">\#(SafeHTML.join(screenLinks.map { link -> SafeHTML in #"<a href="\#(href: link.href)">\#(link.label)</a>"# }, separator: " · ")) · print this page (Ctrl+P) to save it as PDF</nav>"#
        let page: SafeHTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(title)</title>
            \(style)
            </head>
            <body>
            <main class="report">
            \(links)
            \(body)
            </main>
            </body>
            </html>
            """
        guard inlineStyles else { return page.description }
        // The stylesheet is our own constant text: inside <style> entities are not decoded, so it
        // goes in as it is, in place of a marker no escaped text can contain.
        return page.description.replacingOccurrences(
            of: "<!--report-styles-->",
            with: "<style>\n" + ReportStylesheet.css(paper: paper) + "\n</style>"
        )
    }
}
