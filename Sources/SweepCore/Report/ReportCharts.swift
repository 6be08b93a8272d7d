// The report's charts: learning curves of each optimizer's best setting (mean ± std over seeds per
// epoch), sensitivity of the final validation metric to lr (and to topC and decay, which only the
// critical-gradient optimizers have), the synthetic-gradient phases (PhaseCurves.swift) and, for the power-law regimes, the loss curves their end
// records carry: one chart per setting, one series per model.
import Foundation

/// A chart of the report and the file it goes to.
public struct ReportChart {
    public var file: String
    /// What the chart shows, for the page under it.
    public var caption: String
    public var chart: SVGChart
}

extension SweepReport {
    /// Keys whose effect on the final metric is charted, when they vary.
    public static let sensitivityKeys = ["lr", "topC", "decay"]

    /// The charts of each section (learning curves, SG phases, then sensitivity), and the power-law loss curves.
    public func charts() -> (sections: [[ReportChart]], powerLaw: [ReportChart]) {
        let bySection = sections.enumerated().map { k, section -> [ReportChart] in
            let slug = section.title.isEmpty ? (sections.count == 1 ? "all" : "section\(k + 1)") : Self.slug(section.title)
            return learningCurves(section, slug: slug) + phaseCurves(section, slug: slug) + sensitivity(section, slug: slug)
        }
        return (bySection, powerLawCurves())
    }

    func okRuns(_ group: Group) -> [RunResult] {
        group.indices.map { results.runs[$0] }.filter { $0.state == .done }
    }

    private func learningCurves(_ section: Section, slug: String) -> [ReportChart] {
        guard let selection = section.selection else { return [] }
        var charts: [ReportChart] = []
        for metric in [selection, "train_loss"].uniqued() {
            var lines: [SVGChart.Series] = []
            for block in section.optimizers {
                guard let top = block.groups.first, top.best != nil else { continue }
                let runs = okRuns(top)
                var byEpoch: [Int: [Double]] = [:]
                for run in runs {
                    guard let values = run.series[metric] else { continue }
                    for (epoch, value) in zip(run.epochs, values) where value.isFinite { byEpoch[epoch, default: []].append(value) }
                }
                guard !byEpoch.isEmpty else { continue }
                let spreads = byEpoch.keys.sorted().map { (Double($0), Spread(byEpoch[$0]!)!) }
                let setting = block.varyingKeys.compactMap { key in top.value(key).map { "\(key)=\(display($0))" } }.joined(separator: " ")
                lines.append(SVGChart.Series(
                    name: block.name + (setting.isEmpty ? "" : ": " + setting) + " (n=\(runs.count))",
                    points: spreads.map { ($0.0, $0.1.mean) },
                    band: spreads.filter { $0.1.std.isFinite }.map { ($0.0, $0.1.mean - $0.1.std, $0.1.mean + $0.1.std) }))
            }
            // A curve needs two epochs; single-epoch runs (the power-law regimes) have theirs elsewhere.
            guard lines.contains(where: { $0.points.count > 1 }) else { continue }
            let scope = section.title.isEmpty ? "" : " (\(section.title))"
            charts.append(ReportChart(
                file: "curves-\(slug)-\(Self.slug(metric)).svg",
                caption: "\(metric) per epoch of each optimizer's best setting by \(selection)\(scope); line: mean over seeds, band: ±1 std.",
                chart: SVGChart(title: "\(metric): best setting per optimizer\(scope)", xLabel: "epoch", yLabel: metric,
                                series: lines, xLogarithmic: false, yLogarithmic: Self.linearOnly(metric))))
        }
        return charts
    }

    private func sensitivity(_ section: Section, slug: String) -> [ReportChart] {
        guard let selection = section.selection else { return [] }
        var charts: [ReportChart] = []
        for key in Self.sensitivityKeys {
            var lines: [SVGChart.Series] = []
            for block in section.optimizers {
                let values = block.groups.compactMap { $0.value(key)?.number }.uniqued().sorted()
                guard values.count >= 2 else { continue }
                var points: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = [], diverged: [Double] = []
                for x in values {
                    // Groups are ranked: the first one at this value is the best setting of the other keys.
                    let here = block.groups.filter { $0.value(key)?.number == x }
                    if let best = here.first(where: { $0.final[selection] != nil }), let spread = best.final[selection] {
                        points.append((x, spread.mean))
                        if spread.std.isFinite { band.append((x, spread.mean - spread.std, spread.mean + spread.std)) }
                    } else if here.contains(where: { $0.counts[.diverged] > 0 }) {
                        diverged.append(x)
                    }
                }
                guard !points.isEmpty || !diverged.isEmpty else { continue }
                lines.append(SVGChart.Series(name: block.name, points: points, band: band, markers: true, diverged: diverged))
            }
            guard !lines.isEmpty else { continue }
            let scope = section.title.isEmpty ? "" : " (\(section.title))"
            charts.append(ReportChart(
                file: "sensitivity-\(slug)-\(Self.slug(key)).svg",
                caption: "Final \(selection) against \(key)\(scope): at each \(key), the best-ranked setting of the other keys; mean ± 1 std over seeds.",
                chart: SVGChart(title: "final \(selection) vs \(key)\(scope)", xLabel: key, yLabel: "final \(selection)",
                                series: lines, yLogarithmic: Self.linearOnly(selection))))
        }
        return charts
    }

    /// One chart per setting whose runs carry loss curves. A setting is what those runs share: their
    /// configuration without `model`, `seed`, and the keys only some regimes take (`runs`, `tau`…), which
    /// name the series instead ("spectral_diagonal tau=-1"), so the regimes of one setting share a chart.
    private func powerLawCurves() -> [ReportChart] {
        let grid = results.grid
        let withCurves = (0..<grid.count).filter { results.runs[$0].state == .done && results.runs[$0].lossCurve != nil }
        guard let first = withCurves.first else { return [] }
        var shared = Set(grid.configuration(first).entries.map(\.key))
        for index in withCurves.dropFirst() { shared.formIntersection(grid.configuration(index).entries.map(\.key)) }
        shared.subtract(["model", "seed"])
        var settings: [String] = []
        var byModel: [String: [(model: String, curves: [(step: [Double], loss: [Double])])]] = [:]
        var describedBy: [String: String] = [:]
        let describer = SettingDescriber(grid: grid, excluding: Set(grid.keysInFileOrder).subtracting(shared))
        for index in withCurves {
            let curve = results.runs[index].lossCurve!
            let configuration = grid.configuration(index)
            let rest = configuration.entries.filter { shared.contains($0.key) }
            let key = CanonicalJSON.string(.object(Dictionary(uniqueKeysWithValues: rest.map { ($0.key, $0.value) })))
            if byModel[key] == nil {
                settings.append(key)
                describedBy[key] = describer.describe(index)
            }
            let own = configuration.entries.filter { !shared.contains($0.key) && $0.key != "model" && $0.key != "seed" }
            let model = ([configuration["model"].map(display) ?? "-"] + own.map { "\($0.key)=\(display($0.value))" }).joined(separator: " ")
            var entries = byModel[key] ?? []
            if let m = entries.firstIndex(where: { $0.model == model }) { entries[m].curves.append(curve) } else { entries.append((model, [curve])) }
            byModel[key] = entries
        }
        return settings.enumerated().map { k, key in
            let lines = byModel[key]!.map { entry -> SVGChart.Series in
                var byStep: [Double: [Double]] = [:]
                for curve in entry.curves {
                    for (step, loss) in zip(curve.step, curve.loss) where step.isFinite && loss.isFinite { byStep[step, default: []].append(loss) }
                }
                let spreads = byStep.keys.sorted().map { ($0, Spread(byStep[$0]!)!) }
                return SVGChart.Series(name: "\(entry.model) (n=\(entry.curves.count))", points: spreads.map { ($0.0, $0.1.mean) },
                                       band: spreads.filter { $0.1.std.isFinite }.map { ($0.0, $0.1.mean - $0.1.std, $0.1.mean + $0.1.std) })
            }
            let setting = describedBy[key]!
            return ReportChart(
                file: "powerlaw-\(k + 1).svg",
                caption: "Loss curves of each model" + (setting.isEmpty ? "" : " at \(setting)") + "; line: mean over seeds, band: ±1 std.",
                chart: SVGChart(title: "loss curves" + (setting.isEmpty ? "" : ": " + setting), xLabel: "step", yLabel: "loss", series: lines))
        }
    }

    /// Accuracies (fractions in [0, 1]) are read on a linear axis whatever their span: false for them,
    /// nil (decide from the values) for losses, perplexities and the rest.
    static func linearOnly(_ metric: String) -> Bool? {
        MetricNames.higherIsBetter(metric) == true ? false : nil
    }

    /// A file-name-safe form of `text`: lower case, letters, digits, dots and dashes.
    static func slug(_ text: String) -> String {
        var out = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "_") {
                out.append(character)
            } else if !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "chart" : out
    }
}
