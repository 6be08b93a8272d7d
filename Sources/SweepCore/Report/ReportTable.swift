// The report's tables as cells, built once and rendered three ways: for the terminal (TextTable, short
// headers), as Markdown and as HTML (full headers). CSV is written from the numbers instead, in full
// precision (SweepReport+CSV.swift).
import Foundation

/// A table of the report.
public struct ReportTable {
    public struct Column {
        /// Header in Markdown and HTML.
        public var title: String
        /// Header on the terminal, where 80 columns are tight.
        public var shortTitle: String
        /// Right-aligned.
        public var numeric: Bool
    }

    public var columns: [Column]
    public var rows: [[String]] = []
    /// A line under the table ("… 35 more settings").
    public var footnote: String?

    /// The table as text within 80 columns; columns that do not fit go to further panels that repeat
    /// the first `keep`.
    public func text(keep: Int) -> String {
        var table = TextTable(columns: columns.map { TextTable.Column($0.shortTitle, $0.numeric ? .right : .left) })
        for row in rows { table.append(row) }
        return table.render(width: 80, maxCell: 24, keep: keep) + (footnote.map { wrap($0, indent: 0) } ?? "")
    }

    /// The table in GitHub-flavoured Markdown.
    public var markdown: String {
        func escaped(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|") }
        var text = "| " + columns.map { escaped($0.title) }.joined(separator: " | ") + " |\n"
        text += "|" + columns.map { $0.numeric ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { text += "| " + row.map(escaped).joined(separator: " | ") + " |\n" }
        if let footnote { text += "\n" + footnote + "\n" }
        return text
    }

    /// The table as an HTML `<table>` element.
    public var html: String {
        var text = "<table>\n<thead><tr>" + columns.map { "<th\($0.numeric ? " class=\"n\"" : "")>\(escapeXML($0.title))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            text += "<tr>" + zip(columns, row).map { "<td\($0.numeric ? " class=\"n\"" : "")>\(escapeXML($1))</td>" }.joined() + "</tr>\n"
        }
        text += "</tbody>\n</table>\n"
        if let footnote { text += "<p class=\"note\">\(escapeXML(footnote))</p>\n" }
        return text
    }
}

/// Text made safe inside XML and HTML elements and attribute values.
func escapeXML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

extension SweepReport {
    /// The best-ranked setting of each optimizer in `section`.
    public func bestTable(_ section: Section) -> ReportTable {
        var table = ReportTable(columns: [ReportTable.Column(title: "optimizer", shortTitle: "optimizer", numeric: false)]
                                + section.varyingKeys.map { ReportTable.Column(title: $0, shortTitle: $0, numeric: false) }
                                + metricColumns(section))
        for block in section.optimizers {
            guard let top = block.groups.first else { continue }
            table.rows.append([block.name] + section.varyingKeys.map { key in top.value(key).map(display) ?? "-" } + metricCells(top, section))
        }
        return table
    }

    /// The settings of one optimizer, best first; the first `limit` when one is given.
    public func settingsTable(_ section: Section, _ block: OptimizerBlock, limit: Int?) -> ReportTable {
        var table = ReportTable(columns: [ReportTable.Column(title: "rank", shortTitle: "#", numeric: true)]
                                + block.varyingKeys.map { ReportTable.Column(title: $0, shortTitle: $0, numeric: false) }
                                + metricColumns(section))
        let shown = limit.map { Array(block.groups.prefix($0)) } ?? block.groups
        for group in shown {
            table.rows.append([String(group.rank)] + block.varyingKeys.map { key in group.value(key).map(display) ?? "-" }
                              + metricCells(group, section))
        }
        if shown.count < block.groups.count {
            table.footnote = "… \(plural(block.groups.count - shown.count, "more setting")) (--top 0 shows all)"
        }
        return table
    }

    private func metricColumns(_ section: Section) -> [ReportTable.Column] {
        var columns = [ReportTable.Column(title: "n", shortTitle: "n", numeric: true),
                       ReportTable.Column(title: "diverged", shortTitle: "div", numeric: true),
                       ReportTable.Column(title: "failed", shortTitle: "fail", numeric: true)]
        if let selection = section.selection {
            columns.append(.init(title: "best \(selection)", shortTitle: "best", numeric: true))
            if let test = section.testMetric { columns.append(.init(title: "\(test) at best", shortTitle: "test@best", numeric: true)) }
            columns.append(.init(title: "final \(selection)", shortTitle: "final", numeric: true))
        }
        return columns
    }

    private func metricCells(_ group: Group, _ section: Section) -> [String] {
        var cells = ["\(group.counts[.done])/\(group.indices.count)", String(group.counts[.diverged]), String(group.counts[.failed])]
        if let selection = section.selection {
            cells.append(group.best?.text ?? "-")
            if section.testMetric != nil { cells.append(group.testAtBest?.text ?? "-") }
            cells.append(group.final[selection]?.text ?? "-")
        }
        return cells
    }

    /// What the numbers mean, in one sentence per section.
    public func legend(_ section: Section) -> String {
        guard let selection = section.selection else {
            return "No run of this problem reports a validation metric, so settings are not ranked."
        }
        var text = "Ranked by \(selection) (\(section.higherIsBetter ? "higher" : "lower") is better) at each run's best epoch"
        if let test = section.testMetric { text += ", with \(test) at that epoch" }
        text += "; mean±std over seeds (sample std, n−1); n = runs that finished ok of the setting's seeds."
        text += " Diverged runs are counted, never averaged in, and a setting with any diverged seed ranks below those without."
        return text
    }

    /// "450 configurations in 90 settings: 440 done, 5 diverged, 5 failed".
    public var headline: String {
        let settings = sections.reduce(0) { $0 + $1.optimizers.reduce(0) { $0 + $1.groups.count } }
        let states = RunState.allCases.filter { overall[$0] > 0 }.map { "\(overall[$0]) \($0.rawValue)" }
        return "\(sweep): \(plural(overall.total, "configuration")) in \(plural(settings, "setting"))"
            + (states.isEmpty ? "" : ": " + states.joined(separator: ", "))
    }

    /// "dataset=mnist epochs=10 …": what every configuration shares.
    public var sharedSettings: String? {
        constants.isEmpty ? nil : constants.map { "\($0.key)=\(display($0.value))" }.joined(separator: " ")
    }
}
