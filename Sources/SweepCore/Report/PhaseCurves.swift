// Perplexity curves of runs that switch synthetic gradients on and off by epoch (the alternating-SG
// study, alt_sg.md §5): one series per arm (every setting, not only the best), mean over seeds, with a
// marker on each epoch whose `sg_on` metric is 1 in every run of the arm, so the SG phases show.

extension SweepReport {
    /// The metric whose epochs with value 1 are marked.
    static let phaseMetric = "sg_on"

    /// The curves of `section` for each perplexity metric, when its runs log `sg_on`.
    func phaseCurves(_ section: Section, slug: String) -> [ReportChart] {
        let arms = section.optimizers.flatMap { block in block.groups.map { (block, $0, okRuns($0)) } }
        guard arms.contains(where: { $0.2.contains { $0.series[Self.phaseMetric] != nil } }) else { return [] }
        let metrics = ["valid_perplexity", "train_perplexity"].filter { metric in arms.contains { $0.2.contains { $0.series[metric] != nil } } }
        let scope = section.title.isEmpty ? "" : " (\(section.title))"
        return metrics.compactMap { metric in
            var lines: [SVGChart.Series] = []
            for (block, group, runs) in arms {
                var byEpoch: [Int: [Double]] = [:], phase: [Int: Bool] = [:]
                for run in runs {
                    let values = run.series[metric] ?? [], on = run.series[Self.phaseMetric] ?? []
                    for (k, epoch) in run.epochs.enumerated() {
                        if k < values.count, values[k].isFinite { byEpoch[epoch, default: []].append(values[k]) }
                        phase[epoch] = (phase[epoch] ?? true) && k < on.count && on[k] == 1
                    }
                }
                guard !byEpoch.isEmpty else { continue }
                let epochs = byEpoch.keys.sorted()
                let setting = block.varyingKeys.compactMap { key in group.value(key).map { "\(key)=\(display($0))" } }.joined(separator: " ")
                let name = (section.optimizers.count > 1 ? block.name + (setting.isEmpty ? "" : ": ") : "") + setting
                lines.append(SVGChart.Series(name: (name.isEmpty ? block.name : name) + " (n=\(runs.count))",
                                             points: epochs.map { (Double($0), Spread(byEpoch[$0]!)!.mean) },
                                             marked: epochs.filter { phase[$0] == true }.map(Double.init)))
            }
            guard lines.contains(where: { $0.points.count > 1 }) else { return nil }
            // Epochs on a linear axis: a study's 20–40 epochs read better so, and a log axis padded to 100 wastes half the width.
            var chart = SVGChart(title: "\(metric) per arm\(scope)", xLabel: "epoch", yLabel: metric, series: lines, xLogarithmic: false)
            chart.markNote = "●: synthetic gradients on in that epoch (\(Self.phaseMetric) = 1 in every run of the arm)"
            return ReportChart(file: "phases-\(slug)-\(Self.slug(metric)).svg",
                               caption: "\(metric) per epoch of every setting\(scope), mean over seeds; dots mark the epochs with synthetic gradients on.",
                               chart: chart)
        }
    }
}
