// The human-readable form of `sweep expand`: what all configurations share, then one row per
// configuration with the keys that vary, within 80 columns, in pages of a thousand rows.
import SweepCore

struct ExpansionTable {
    let grid: Grid
    let indices: StrideTo<Int>

    /// Rows per page. A page is printed as soon as its rows are known, each with its own header and
    /// column widths, so a table of 10⁷ configurations starts at once and holds one page in memory.
    static let pageRows = 1000

    /// Passes the table to `emit`, page by page.
    func write(_ emit: (String) -> Void) {
        let keys = grid.keysInFileOrder
        let constant = grid.constantValues
        let varying = keys.filter { constant[$0] == nil }
        var text = ""
        if let summary = grid.summary { text += summary + "\n" }
        text += "\(grid.name): \(grid.describedSize)\n"
        let shared = keys.compactMap { key in constant[key].map { "\(key)=\(display($0))" } }
        if !shared.isEmpty { text += wrap("all: " + shared.joined(separator: " "), width: 80) }
        emit(text + "\n")
        var table = TextTable(columns: [.init("index", .right), .init("id")] + varying.map { .init($0, .left) })
        var pages = 0
        func flush() {
            emit((pages > 0 ? "\n" : "") + table.render(width: 80, keep: 2))
            table.rows.removeAll(keepingCapacity: true)
            pages += 1
        }
        for index in indices {
            let configuration = grid.configuration(index)
            table.append([String(index), String(configuration.id.prefix(10))]
                         + varying.map { configuration[$0].map(display) ?? "-" })
            if table.rows.count == Self.pageRows { flush() }
        }
        if !table.rows.isEmpty || pages == 0 { flush() }
    }

    /// Values as a user writes them: strings without quotes, everything else as canonical JSON.
    private func display(_ value: JSONValue) -> String { value.string ?? value.canonicalText }

    private func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = "    " + word
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }
}
