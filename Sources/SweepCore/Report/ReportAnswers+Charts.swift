// The answers' charts: per section the tuning-budget curves and the epochs to target against lr; across
// sections the performance profiles and the paired comparisons; and each map as a heatmap.
import Foundation

/// A chart of the answers, as the SVG text of its file.
public struct AnswerChart {
    public var file: String
    public var title: String
    public var caption: String
    public var svg: String
}

extension ReportAnswers {
    /// Each section's charts, in section order.
    public func sectionCharts() -> [[AnswerChart]] {
        report.sections.indices.map { s in [budgetChart(s), targetChart(s)].compactMap { $0 } }
    }

    /// The charts spanning sections: profile, comparisons, maps.
    public func overallCharts() -> [AnswerChart] {
        var charts: [AnswerChart] = []
        if let profile = profileChart() { charts.append(profile) }
        let rows = report.sections.indices.compactMap { s in sections[s].comparison.map { (task: taskName(s), comparison: $0) } }
        if let first = rows.first {
            let chart = IntervalChart(title: "\(first.comparison.b) against \(first.comparison.a), best settings paired by seed", rows: rows)
            charts.append(AnswerChart(file: "compare.svg", title: chart.title,
                                      caption: "Per task, \(first.comparison.b) − \(first.comparison.a) in \(first.comparison.metric) at each run's best epoch, seed by seed, with the mean and its 95% Student t interval.",
                                      svg: chart.svg))
        }
        for (k, map) in maps.enumerated() {
            let chart = HeatmapChart(map: map)
            charts.append(AnswerChart(file: "map-\(k + 1).svg", title: chart.title,
                                      caption: "\(map.metric) (mean over seeds) over \(map.xKey) and \(map.yKey), \(map.title)"
                                        + (map.boundary.map { "; red line: \($0.text)" } ?? "") + ".",
                                      svg: chart.svg))
        }
        return charts
    }

    private func taskName(_ s: Int) -> String { report.sections[s].title.isEmpty ? "all" : report.sections[s].title }

    private func slug(_ s: Int) -> String {
        let title = report.sections[s].title
        return title.isEmpty ? (report.sections.count == 1 ? "all" : "section\(s + 1)") : SweepReport.slug(title)
    }

    private func scope(_ s: Int) -> String { report.sections[s].title.isEmpty ? "" : " (\(report.sections[s].title))" }

    private func budgetChart(_ s: Int) -> AnswerChart? {
        let section = report.sections[s]
        guard let selection = section.selection else { return nil }
        let lines = sections[s].budgets.compactMap { budget -> SVGChart.Series? in
            let points = budget.points.compactMap { p in p.validation.map { (Double(p.k), $0) } }
            guard !points.isEmpty else { return nil }
            return SVGChart.Series(name: "\(budget.optimizer) (\(plural(budget.settings, "setting")))", points: points,
                                   band: budget.points.compactMap { p in p.low.flatMap { low in p.high.map { (Double(p.k), low, $0) } } },
                                   markers: budget.points.count <= 12)
        }
        guard !lines.isEmpty else { return nil }
        var chart = SVGChart(title: "tuning budget: expected best \(selection)\(scope(s))", xLabel: "settings tried at random (k)",
                             yLabel: "expected best \(selection)", series: lines, yLogarithmic: SweepReport.linearOnly(selection))
        chart.bandNote = "shaded: 5–95% over \(TuningBudget.resamples) bootstrap resamples of the seeds"
        return AnswerChart(file: "budget-\(slug(s)).svg", title: chart.title,
                           caption: "Expected best \(selection) after tuning each optimizer on k settings drawn at random from its grid\(scope(s)) (exact over all draws); band: bootstrap over seeds.",
                           svg: chart.svg)
    }

    /// Epochs to target against lr: at each lr the fastest setting of the other keys whose every seed
    /// reached the target; × where none did.
    private func targetChart(_ s: Int) -> AnswerChart? {
        guard let target = sections[s].target else { return nil }
        let section = report.sections[s]
        var lines: [SVGChart.Series] = []
        for block in section.optimizers {
            let ranked = fastest(block, inSection: s)
            let lrs = ranked.compactMap { $0.0.value("lr")?.number }.uniqued().sorted()
            guard lrs.count >= 2 else { continue }
            var points: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = [], never: [Double] = []
            for lr in lrs {
                if let (_, times) = ranked.first(where: { $0.0.value("lr")?.number == lr && $0.1.allReached }), let epochs = times.epochs {
                    points.append((lr, epochs.mean))
                    if epochs.std.isFinite { band.append((lr, epochs.mean - epochs.std, epochs.mean + epochs.std)) }
                } else {
                    never.append(lr)
                }
            }
            lines.append(SVGChart.Series(name: block.name, points: points, band: band, markers: true, diverged: never))
        }
        guard !lines.isEmpty else { return nil }
        var chart = SVGChart(title: "epochs to \(target.text)\(scope(s))", xLabel: "lr", yLabel: "epochs to target", series: lines,
                             yLogarithmic: false)
        chart.crossNote = "×: no setting at this lr reached the target with every seed"
        return AnswerChart(file: "target-\(slug(s)).svg", title: chart.title,
                           caption: "Epochs to \(target.text) against lr\(scope(s)): at each lr the fastest setting of the other keys whose every seed reached it; mean ± 1 std over seeds.",
                           svg: chart.svg)
    }

    /// ρ(τ) as steps: the share of tasks each optimizer reaches within τ times the fastest.
    private func profileChart() -> AnswerChart? {
        guard let profile, !profile.tasks.isEmpty else { return nil }
        let finite = profile.entries.flatMap(\.ratios).filter(\.isFinite)
        let end = max(profile.tauMax, (finite.max() ?? 1) * 1.1)
        let lines = profile.entries.map { entry -> SVGChart.Series in
            var points: [(x: Double, y: Double)] = [(1, entry.share(within: 1))]
            for r in entry.ratios.filter({ $0.isFinite && $0 > 1 }).uniqued().sorted() {
                points.append((r, points.last!.y))
                points.append((r, entry.share(within: r)))
            }
            points.append((end, points.last!.y))
            return SVGChart.Series(name: "\(entry.optimizer) (score \(formatSignificant(entry.score, digits: 3)))", points: points)
        }
        let chart = SVGChart(title: "performance profiles over \(plural(profile.tasks.count, "task"))", xLabel: "τ (time to target / fastest optimizer's)",
                             yLabel: "share of tasks within τ", series: lines, xLogarithmic: false, yLogarithmic: false)
        return AnswerChart(file: "profile.svg", title: chart.title,
                           caption: "ρ(τ): the share of tasks on which each optimizer reaches its target within τ times the fastest optimizer's epochs; score: AlgoPerf's area under ρ for τ from 1 to \(formatNumber(profile.tauMax)), divided by \(formatNumber(profile.tauMax - 1)).",
                           svg: chart.svg)
    }
}
