// A plain-text table for the terminal that stays readable in 80 columns: long cells are shortened with
// "…", and when the columns still do not fit, they are split into panels that repeat the leading
// (identifying) columns.

/// A table of strings rendered for a fixed-width terminal.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) { self.columns = columns }

    /// Adds a row (one cell per column).
    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "a row of \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// The table as text no wider than `width`, cells cut to `maxCell` characters, the first `keep`
    /// columns repeated in every panel.
    public func render(width: Int = 80, maxCell: Int = 24, keep: Int = 1) -> String {
        let cells = rows.map { $0.map { shorten($0, to: maxCell) } }
        let widths = columns.indices.map { c in
            max(columns[c].title.count, cells.map { $0[c].count }.max() ?? 0)
        }
        let kept = Array(columns.indices.prefix(min(keep, columns.count)))
        var panels: [[Int]] = []
        var current = kept
        var used = kept.reduce(0) { $0 + widths[$1] + 2 }
        for c in columns.indices.dropFirst(kept.count) {
            if current.count > kept.count && used + widths[c] > width {
                panels.append(current)
                current = kept
                used = kept.reduce(0) { $0 + widths[$1] + 2 }
            }
            current.append(c)
            used += widths[c] + 2
        }
        panels.append(current)

        var out = ""
        for (p, panel) in panels.enumerated() {
            if p > 0 { out += "\n" }
            out += line(panel.map { columns[$0].title }, panel, widths)
            out += line(panel.map { String(repeating: "-", count: widths[$0]) }, panel, widths)
            for row in cells { out += line(panel.map { row[$0] }, panel, widths) }
        }
        return out
    }

    private func line(_ texts: [String], _ panel: [Int], _ widths: [Int]) -> String {
        var parts: [String] = []
        for (text, c) in zip(texts, panel) {
            let pad = String(repeating: " ", count: max(0, widths[c] - text.count))
            parts.append(columns[c].alignment == .right ? pad + text : text + pad)
        }
        var result = parts.joined(separator: "  ")
        while result.last == " " { result.removeLast() }
        return result + "\n"
    }

    private func shorten(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
