// The report as CSV (RFC 4180): one row per setting, every number in full precision, for a
// spreadsheet or pandas. Columns are the same for every row whatever the problem, so the selection
// metric is named in a column rather than in the headers.
import Foundation

extension SweepReport {
    /// The CSV text, header first; rows in grid order.
    public var csv: String { csv(extraHeader: []) { _, _ in [] } }

    /// The CSV text with `extraHeader` columns appended, each row's from `extra`.
    func csv(extraHeader: [String], extra: (Group, Int) -> [String]) -> String {
        let keys = results.grid.keysInFileOrder.filter { $0 != "seed" }
        var header = keys + ["seeds", "ok", "diverged", "failed", "preempted", "running", "pending",
                             "rank", "selection_metric", "best_mean", "best_std", "test_metric", "test_at_best_mean", "test_at_best_std"]
        for metric in metrics { header += ["final_\(metric)_mean", "final_\(metric)_std"] }
        var rows: [[String]] = [header + extraHeader]
        var ordered: [(Group, Int)] = []
        for (s, section) in sections.enumerated() { for block in section.optimizers { for group in block.groups { ordered.append((group, s)) } } }
        ordered.sort { $0.0.indices[0] < $1.0.indices[0] }
        for (group, s) in ordered {
            let section = sections[s]
            var row = keys.map { key in group.value(key).map(display) ?? "" }
            row += [String(group.indices.count)] + [RunState.done, .diverged, .failed, .preempted, .running, .pending].map { String(group.counts[$0]) }
            row += [String(group.rank), section.selection ?? ""] + numbers(group.best)
            row += [section.testMetric ?? ""] + numbers(group.testAtBest)
            for metric in metrics { row += numbers(group.final[metric]) }
            rows.append(row + extra(group, s))
        }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    func numbers(_ spread: Spread?) -> [String] {
        guard let spread else { return ["", ""] }
        return [Self.fullPrecision(spread.mean), spread.std.isFinite ? Self.fullPrecision(spread.std) : ""]
    }

    /// Shortest text that reads back as the same Double.
    static func fullPrecision(_ x: Double) -> String {
        var bytes: [UInt8] = []
        CanonicalJSON.appendNumber(x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A field quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
