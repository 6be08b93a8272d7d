// `sweep report` for the terminal (80 columns) and as Markdown: the headline, then per problem the
// best setting of each optimizer and each optimizer's settings ranked.

extension SweepReport {
    /// The report for a terminal; each optimizer's list is cut to `top` settings (nil: all).
    public func text(top: Int?) -> String {
        var out = wrap(headline, indent: 0)
        if let shared = sharedSettings { out += wrap("all: " + shared, indent: 0) }
        for section in sections {
            out += "\n"
            if !section.title.isEmpty { out += "== \(section.title) ==\n" }
            out += wrap(legend(section), indent: 0) + "\n"
            out += "best setting per optimizer:\n" + bestTable(section).text(keep: 1)
            for block in section.optimizers where block.groups.count > 1 {
                out += "\n\(block.name): \(plural(block.groups.count, "setting")), best first\n"
                out += settingsTable(section, block, limit: top).text(keep: 1)
            }
        }
        return out + problemNotes().map { wrap($0, indent: 0) }.joined()
    }

    /// The report as Markdown (every setting listed).
    public var markdown: String {
        var out = "# \(sweep)\n\n\(headline).\n"
        if let shared = sharedSettings { out += "\nAll configurations share: `\(shared)`.\n" }
        for section in sections {
            out += "\n## \(section.title.isEmpty ? "Results" : section.title)\n\n\(legend(section))\n\n"
            out += "### Best setting per optimizer\n\n" + bestTable(section).markdown
            for block in section.optimizers where block.groups.count > 1 {
                out += "\n### \(block.name): \(plural(block.groups.count, "setting")), best first\n\n"
                out += settingsTable(section, block, limit: nil).markdown
            }
        }
        let notes = problemNotes()
        if !notes.isEmpty { out += "\n" + notes.map { "> \($0)\n" }.joined() }
        return out
    }

    /// Records of configurations outside the grid, and damaged lines.
    func problemNotes() -> [String] {
        var notes: [String] = []
        if results.foreignRecords > 0 {
            notes.append("note: \(plural(results.foreignRecords, "record")) of configurations not in this grid (edited since?) are left out")
        }
        if !results.problems.isEmpty {
            notes.append("note: \(plural(results.problems.count, "damaged line")) in the shards skipped (`sweep status` lists them)")
        }
        return notes
    }
}
