// `sweep report --out DIR`: the report as files. index.html shows the tables and the charts together
// (the SVG files beside it, linked with <img>, so each chart also stands alone); report.md and
// report.csv hold the tables. No scripts and nothing fetched: the folder can be copied anywhere.
import Foundation

extension SweepReport {
    /// The HTML page for `charts` (from `charts()`) and the answers with theirs, which link to their files by name.
    public func htmlPage(charts: (sections: [[ReportChart]], powerLaw: [ReportChart]), answers: ReportAnswers? = nil,
                         answerCharts: (sections: [[AnswerChart]], overall: [AnswerChart]) = ([], [])) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escapeXML(sweep)): sweep report</title>
            <style>
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1520px; }
            table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
            th { background: #f2f2f2; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; }
            figure { margin: 0; width: 680px; }
            figure img { width: 100%; border: 1px solid #ddd; }
            figcaption, .note { font-size: 12px; color: #555; }
            </style>
            </head>
            <body>
            <h1>\(escapeXML(sweep))</h1>
            <p>\(escapeXML(headline)).</p>

            """
        if let shared = sharedSettings { out += "<p>All configurations share: <code>\(escapeXML(shared))</code>.</p>\n" }
        out += "<p>Tables as <a href=\"report.md\">Markdown</a> and <a href=\"report.csv\">CSV</a>.</p>\n"
        for (s, (section, sectionCharts)) in zip(sections, charts.sections).enumerated() {
            out += "<h2>\(escapeXML(section.title.isEmpty ? "Results" : section.title))</h2>\n<p>\(escapeXML(legend(section)))</p>\n"
            out += "<h3>Best setting per optimizer</h3>\n" + bestTable(section).html
            out += figures(sectionCharts)
            if let answers { out += answers.sectionHTML(s, charts: s < answerCharts.sections.count ? answerCharts.sections[s] : []) }
            for block in section.optimizers where block.groups.count > 1 {
                out += "<h3>\(escapeXML(block.name)): \(plural(block.groups.count, "setting")), best first</h3>\n"
                out += settingsTable(section, block, limit: nil).html
            }
        }
        if !charts.powerLaw.isEmpty { out += "<h2>Loss curves of the power-law regimes</h2>\n" + figures(charts.powerLaw) }
        if let answers { out += answers.overallHTML(charts: answerCharts.overall) }
        for note in problemNotes() { out += "<p class=\"note\">\(escapeXML(note))</p>\n" }
        return out + "</body>\n</html>\n"
    }

    private func figures(_ charts: [ReportChart]) -> String {
        figureList(charts.map { ($0.file, $0.chart.title, $0.caption) })
    }

    /// Writes index.html, report.md, report.csv and every chart into `folder` (created if needed), with
    /// the answers' tables, CSV files and charts when there are; returns the names written.
    @discardableResult
    public func write(to folder: String, answers: ReportAnswers? = nil) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ResultsError.cannotWrite(path: folder, reason: error.localizedDescription)
        }
        let charts = charts()
        let answerCharts = answers.map { ($0.sectionCharts(), $0.overallCharts()) } ?? ([], [])
        var files: [(String, String)] = [("index.html", htmlPage(charts: charts, answers: answers, answerCharts: answerCharts)),
                                         ("report.md", markdown + (answers?.markdown ?? "")), ("report.csv", answers?.settingsCSV ?? csv)]
        files += answers?.csvFiles ?? []
        files += (charts.sections.flatMap { $0 } + charts.powerLaw).map { ($0.file, $0.chart.svg) }
        files += (answerCharts.0.flatMap { $0 } + answerCharts.1).map { ($0.file, $0.svg) }
        for (name, text) in files {
            try atomicWrite((folder as NSString).appendingPathComponent(name), Array(text.utf8), suffix: ".tmp-\(getpid())")
        }
        return files.map(\.0)
    }
}

/// Charts as figures that link to their files, captioned.
func figureList(_ charts: [(file: String, title: String, caption: String)]) -> String {
    guard !charts.isEmpty else { return "" }
    return "<div class=\"charts\">\n" + charts.map { chart in
        "<figure><img src=\"\(escapeXML(chart.file))\" alt=\"\(escapeXML(chart.title))\">"
            + "<figcaption>\(escapeXML(chart.caption))</figcaption></figure>\n"
    }.joined() + "</div>\n"
}
