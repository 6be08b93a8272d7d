// The answers in the report's three text forms: terminal, Markdown and HTML, in the order of the
// questions (budget, speed, comparison per section; then profiles and maps); and the settings CSV with
// each setting's time to target appended.

extension ReportAnswers {
    /// The tables of section `s` with their headings; `heading` formats a heading, `render` a table.
    private func sectionParts(_ s: Int, limit: Int?) -> [(heading: String, text: String?, table: ReportTable)] {
        var parts: [(String, String?, ReportTable)] = []
        if let table = budgetTable(s) {
            parts.append(("Tuning budget", "Expected best result when tuning each optimizer on k settings drawn at random from its grid.", table))
        }
        if let table = targetTable(s, limit: limit) { parts.append(("Time to target", targetLegend(s), table)) }
        if let table = comparisonTable(s), let c = sections[s].comparison { parts.append(("\(c.b) against \(c.a)", nil, table)) }
        return parts
    }

    private func overallParts(limit: Int?) -> [(heading: String, text: String?, table: ReportTable)] {
        var parts: [(String, String?, ReportTable)] = []
        if let table = profileTable {
            parts.append(("Performance profiles", "Each optimizer's time to target on each task over the fastest optimizer's; never reaching it is a failure.", table))
        }
        for map in maps { parts.append(("Map: \(map.title)", "\(map.metric), mean over finished seeds.", mapTable(map))) }
        return parts
    }

    /// The answers for a terminal, after the report's own text.
    public func text(top: Int?) -> String {
        var out = ""
        for s in report.sections.indices {
            let parts = sectionParts(s, limit: top)
            guard !parts.isEmpty else { continue }
            out += "\n" + (report.sections[s].title.isEmpty ? "" : "== \(report.sections[s].title) ==\n")
            for part in parts {
                out += "\n\(part.heading.lowercased()):\n" + (part.text.map { wrap($0, indent: 0) } ?? "") + part.table.text(keep: 1)
            }
        }
        for part in overallParts(limit: top) {
            out += "\n" + wrap(part.heading + ":", indent: 0) + (part.text.map { wrap($0, indent: 0) } ?? "") + part.table.text(keep: 1)
        }
        return out
    }

    /// The answers as Markdown, after the report's own.
    public var markdown: String {
        var out = ""
        for s in report.sections.indices {
            let parts = sectionParts(s, limit: nil)
            guard !parts.isEmpty else { continue }
            let title = report.sections[s].title.isEmpty ? "Results" : report.sections[s].title
            for part in parts {
                out += "\n## \(title): \(part.heading.lowercased())\n\n" + (part.text.map { $0 + "\n\n" } ?? "") + part.table.markdown
            }
        }
        for part in overallParts(limit: nil) {
            out += "\n## \(part.heading)\n\n" + (part.text.map { $0 + "\n\n" } ?? "") + part.table.markdown
        }
        return out
    }

    /// Section `s`'s answers as HTML, with its charts.
    func sectionHTML(_ s: Int, charts: [AnswerChart]) -> String {
        var out = ""
        for part in sectionParts(s, limit: nil) {
            out += "<h3>\(escapeXML(part.heading))</h3>\n" + (part.text.map { "<p>\(escapeXML($0))</p>\n" } ?? "") + part.table.html
        }
        return out + figureList(charts.map { ($0.file, $0.title, $0.caption) })
    }

    /// The answers spanning sections as HTML, with their charts.
    func overallHTML(charts: [AnswerChart]) -> String {
        let parts = overallParts(limit: nil)
        guard !parts.isEmpty || !charts.isEmpty else { return "" }
        var out = "<h2>Profiles, comparisons and maps</h2>\n"
        for part in parts {
            out += "<h3>\(escapeXML(part.heading))</h3>\n" + (part.text.map { "<p>\(escapeXML($0))</p>\n" } ?? "") + part.table.html
        }
        return out + figureList(charts.map { ($0.file, $0.title, $0.caption) })
    }

    /// The report's settings CSV with each setting's target and time to it.
    public var settingsCSV: String {
        report.csv(extraHeader: ["target_metric", "target", "epochs_to_target_mean", "epochs_to_target_std", "seconds_to_target_mean",
                                 "seconds_to_target_std", "runs_reaching_target"]) { group, s in
            guard let target = sections[s].target, let times = sections[s].times[group.indices[0]] else { return ["", "", "", "", "", "", ""] }
            return [target.metric, SweepReport.fullPrecision(target.value)] + report.numbers(times.epochs) + report.numbers(times.seconds)
                + ["\(times.runs - times.missed)"]
        }
    }
}
