// The answers as tables (terminal, Markdown, HTML through ReportTable) and as CSV files: tuning budget
// at k = 1, 4, 16 and all; time to target per setting; the paired comparison; the performance profile;
// each map as a grid of cells.

extension ReportAnswers {
    // MARK: - Tables

    /// Expected best of k settings per optimizer, with the bootstrap band and the test metric at it.
    public func budgetTable(_ s: Int) -> ReportTable? {
        let section = report.sections[s]
        guard let selection = section.selection, !sections[s].budgets.isEmpty else { return nil }
        let test = section.testMetric.map { "\($0) at it" } ?? "test"
        var table = ReportTable(columns: [
            .init(title: "optimizer", shortTitle: "optimizer", numeric: false),
            .init(title: "budget k", shortTitle: "k", numeric: true),
            .init(title: "expected best \(selection)", shortTitle: "E[best]", numeric: true),
            .init(title: "90% bootstrap band over seeds", shortTitle: "band", numeric: true),
            .init(title: "expected \(test)", shortTitle: "test", numeric: true),
            .init(title: "P(no result)", shortTitle: "P(none)", numeric: true),
        ])
        for budget in sections[s].budgets {
            for point in budget.tablePoints {
                table.rows.append([budget.optimizer, point.k == budget.settings ? "\(point.k) (all)" : "\(point.k)",
                                   point.validation.map(formatNumber) ?? "-",
                                   point.low.flatMap { low in point.high.map { "\(formatNumber(low))–\(formatNumber($0))" } } ?? "-",
                                   point.test.map(formatNumber) ?? "-", point.noResult > 0 ? formatSignificant(point.noResult, digits: 2) : "0"])
            }
        }
        return table
    }

    /// Each setting's epochs and seconds to the target, fastest first within each optimizer; `limit`
    /// settings per optimizer (nil: all).
    public func targetTable(_ s: Int, limit: Int?) -> ReportTable? {
        let section = report.sections[s]
        guard sections[s].target != nil else { return nil }
        let keys = section.varyingKeys
        var table = ReportTable(columns: [.init(title: "optimizer", shortTitle: "optimizer", numeric: false)]
            + keys.map { .init(title: $0, shortTitle: $0, numeric: false) } + [
                .init(title: "epochs to target", shortTitle: "epochs", numeric: true),
                .init(title: "seconds to target", shortTitle: "seconds", numeric: true),
                .init(title: "runs reaching it", shortTitle: "reached", numeric: true),
            ])
        var hidden = 0
        for block in section.optimizers {
            let ranked = fastest(block, inSection: s)
            for (k, (group, times)) in ranked.enumerated() {
                if let limit, k >= limit { hidden += 1; continue }
                table.rows.append([block.name] + keys.map { key in group.value(key).map(display) ?? "" } + [
                    times.epochs?.text ?? "never", times.seconds?.text ?? "-", "\(times.runs - times.missed)/\(times.runs)"])
            }
        }
        if hidden > 0 { table.footnote = "… \(hidden) slower settings (all in --format md or csv)" }
        return table
    }

    /// A block's settings with times, fastest first: every seed reaching it before some, then by mean epochs.
    func fastest(_ block: SweepReport.OptimizerBlock, inSection s: Int) -> [(SweepReport.Group, TargetTimes)] {
        let timed = block.groups.compactMap { group in sections[s].times[group.indices[0]].map { (group, $0) } }
        return timed.sorted { a, b in
            let x = a.1, y = b.1
            if x.allReached != y.allReached { return x.allReached }
            let p = x.epochs?.mean ?? .infinity, q = y.epochs?.mean ?? .infinity
            if p != q { return p < q }
            if x.missed != y.missed { return x.missed < y.missed }
            return a.0.indices[0] < b.0.indices[0]
        }
    }

    /// The comparison asked for: the difference per seed, its mean and interval, and what it says.
    public func comparisonTable(_ s: Int) -> ReportTable? {
        guard let c = sections[s].comparison else { return nil }
        var table = ReportTable(columns: [
            .init(title: "metric (at each run's best epoch)", shortTitle: "metric", numeric: false),
            .init(title: "paired seeds", shortTitle: "pairs", numeric: true),
            .init(title: "mean \(c.b) − \(c.a)", shortTitle: "B − A", numeric: true),
            .init(title: "\(Int(c.confidence * 100))% interval", shortTitle: "interval", numeric: true),
            .init(title: "verdict", shortTitle: "verdict", numeric: false),
        ])
        table.rows.append([c.metric, "\(c.differences.count)", c.mean.map(formatNumber) ?? "-",
                           c.interval.map { "\(formatNumber($0.low)) to \(formatNumber($0.high))" } ?? "-", c.verdictText])
        let best = [c.a, c.b].compactMap { name in
            report.sections[s].optimizers.first { $0.name == name }?.groups.first.map { group in
                "\(name): " + report.sections[s].optimizers.first { $0.name == name }!.varyingKeys
                    .compactMap { key in group.value(key).map { "\(key)=\(display($0))" } }.joined(separator: " ")
            }
        }
        table.footnote = "Best settings by the ranking: " + best.joined(separator: "; ") + ". Student t interval over the per-seed differences."
        return table
    }

    /// Per optimizer: tasks reached, AlgoPerf's score, and its ratio to the fastest on each task.
    public var profileTable: ReportTable? {
        guard let profile else { return nil }
        var table = ReportTable(columns: [
            .init(title: "optimizer", shortTitle: "optimizer", numeric: false),
            .init(title: "tasks reaching the target", shortTitle: "reached", numeric: true),
            .init(title: "score (area under ρ, τ ≤ \(formatNumber(profile.tauMax)))", shortTitle: "score", numeric: true),
        ] + profile.tasks.map { .init(title: "time / best: \($0)", shortTitle: $0, numeric: true) })
        for entry in profile.entries.sorted(by: { ($0.score, $1.optimizer) > ($1.score, $0.optimizer) }) {
            table.rows.append([entry.optimizer, "\(entry.solved)/\(profile.tasks.count)", formatSignificant(entry.score, digits: 3)]
                              + entry.ratios.map { $0.isFinite ? formatSignificant($0, digits: 3) : "never" })
        }
        table.footnote = "Time: fewest mean epochs to each task's target over the settings whose every seed reached it."
        return table
    }

    /// A map as a table: rows y (largest first, as drawn), columns x.
    public func mapTable(_ map: ParameterMap) -> ReportTable {
        var table = ReportTable(columns: [.init(title: "\(map.yKey) \\ \(map.xKey)", shortTitle: "\(map.yKey)\\\(map.xKey)", numeric: false)]
            + map.xValues.map { .init(title: formatSignificant($0, digits: 4), shortTitle: formatSignificant($0, digits: 3), numeric: true) })
        for j in map.yValues.indices.reversed() {
            table.rows.append([formatSignificant(map.yValues[j], digits: 4)] + map.cells[j].map { cell in
                guard let cell else { return "" }
                if let mean = cell.mean { return formatSignificant(mean, digits: 3) + (cell.diverged > 0 ? " (\(cell.diverged) div)" : "") }
                return cell.diverged > 0 ? "diverged" : "–"
            })
        }
        if let a = map.agreement, let boundary = map.boundary {
            table.footnote = "Boundary \(boundary.text): diverged cells outside it \(a.divergedOutside) of \(a.diverged); finished cells inside it \(a.finishedInside) of \(a.finished)."
        }
        return table
    }

    /// One paragraph per section saying what the target is.
    public func targetLegend(_ s: Int) -> String? {
        guard let target = sections[s].target else { return nil }
        return "Target: \(target.text)" + (target.given ? " (given)" : " (\(Int(Target.defaultShare * 100))% of the best setting's value; set one with --target)")
            + "; a run reaches it at the first epoch whose value is at least as good. Diverged runs never do."
    }

    // MARK: - CSV

    /// The CSV files of the answers, by name: budget, profile, compare, maps (those that have rows).
    public var csvFiles: [(name: String, text: String)] {
        var files: [(String, [[String]])] = []
        var budget = [["section", "optimizer", "k", "settings", "selection_metric", "expected_best", "band_low", "band_high", "test_metric", "expected_test", "p_no_result"]]
        for (s, section) in report.sections.enumerated() {
            for b in sections[s].budgets {
                for p in b.points {
                    budget.append([section.title, b.optimizer, "\(p.k)", "\(b.settings)", section.selection ?? ""] + [p.validation, p.low, p.high].map(number)
                                  + [section.testMetric ?? "", number(p.test), number(p.noResult)])
                }
            }
        }
        files.append(("budget.csv", budget))
        if let profile {
            var rows = [["optimizer", "score", "tau_max", "tasks_reached"] + profile.tasks.map { "ratio:\($0)" }]
            for e in profile.entries {
                rows.append([e.optimizer, number(e.score), number(profile.tauMax), "\(e.solved)"] + e.ratios.map { $0.isFinite ? number($0) : "inf" })
            }
            files.append(("profile.csv", rows))
        }
        let comparisons = report.sections.indices.compactMap { s in sections[s].comparison.map { (report.sections[s].title, $0) } }
        if !comparisons.isEmpty {
            var rows = [["section", "a", "b", "metric", "pairs", "mean_b_minus_a", "low", "high", "confidence", "verdict", "differences"]]
            for (title, c) in comparisons {
                rows.append([title, c.a, c.b, c.metric, "\(c.differences.count)", number(c.mean), number(c.interval?.low), number(c.interval?.high),
                             number(c.confidence), c.verdict.rawValue, c.differences.map(number).joined(separator: " ")])
            }
            files.append(("compare.csv", rows))
        }
        if !maps.isEmpty {
            var rows = [["map", "x_key", "x", "y_key", "y", "metric", "mean", "finished", "diverged", "runs", "boundary_holds"]]
            for map in maps {
                for (j, row) in map.cells.enumerated() {
                    for (i, cell) in row.enumerated() {
                        guard let cell else { continue }
                        let holds = map.boundary.map { $0.holds([map.xValues[i], map.yValues[j]]) ? "true" : "false" } ?? ""
                        rows.append([map.title, map.xKey, number(map.xValues[i]), map.yKey, number(map.yValues[j]), map.metric, number(cell.mean),
                                     "\(cell.finished)", "\(cell.diverged)", "\(cell.runs)", holds])
                    }
                }
            }
            files.append(("maps.csv", rows))
        }
        return files.map { name, rows in (name, rows.map { $0.map(SweepReport.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n") }
    }

    private func number(_ x: Double?) -> String { x.map { $0.isFinite ? SweepReport.fullPrecision($0) : "" } ?? "" }
}
