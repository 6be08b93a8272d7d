// The report's answers to the studies' questions, computed once from a SweepReport: per section the
// tuning-budget curve of each optimizer, each setting's time to target and the paired comparison asked
// for; across sections the performance profiles; and the maps asked for. Rendering is elsewhere
// (ReportAnswers+Tables, ReportAnswers+Charts).

/// Tuning budgets, convergence speed, profiles, paired comparisons and maps of one report.
public struct ReportAnswers {
    /// One section's answers.
    public struct SectionAnswers {
        public var budgets: [TuningBudget]
        public var target: Target?
        /// Time to target per setting, by the setting's first grid index.
        public var times: [Int: TargetTimes]
        public var comparison: PairedComparison?
    }

    public let report: SweepReport
    public let questions: ReportQuestions
    public let sections: [SectionAnswers]
    /// Across sections (tasks) by epochs to target; nil with fewer than two sections or no target.
    public let profile: PerformanceProfile?
    public let maps: [ParameterMap]

    /// Answers `questions` about `report`; throws when a question names what the results lack.
    public init(_ report: SweepReport, questions: ReportQuestions = ReportQuestions()) throws {
        self.report = report
        self.questions = questions
        // A target is checked against the metrics runs report, once some have: before, nothing can be wrong.
        if let target = questions.target, !report.metrics.isEmpty {
            guard report.metrics.contains(target.metric) else {
                throw ReportQuestionError.unknownMetric(target.metric, valid: report.metrics.filter { MetricNames.higherIsBetter($0) != nil })
            }
            guard MetricNames.higherIsBetter(target.metric) != nil else { throw ReportQuestionError.metricWithoutDirection(target.metric) }
        }
        if let compare = questions.compare {
            let names = report.sections.flatMap { $0.optimizers.map(\.name) }.uniqued()
            for name in [compare.a, compare.b] where !names.contains(name) {
                throw ReportQuestionError.unknownOptimizer(name, valid: names)
            }
        }
        if questions.boundary != nil && questions.map == nil { throw ReportQuestionError.boundaryWithoutMap }
        sections = report.sections.map { Self.answers($0, report: report, questions: questions) }
        profile = Self.profile(report, sections)
        maps = try questions.map.map { try report.maps(x: $0.x, y: $0.y, boundary: questions.boundary) } ?? []
    }

    private static func okRuns(_ group: SweepReport.Group, _ report: SweepReport) -> [RunResult] {
        group.indices.map { report.results.runs[$0] }.filter { $0.state == .done }
    }

    private static func answers(_ section: SweepReport.Section, report: SweepReport, questions: ReportQuestions) -> SectionAnswers {
        var answers = SectionAnswers(budgets: [], target: nil, times: [:], comparison: nil)
        guard let selection = section.selection else { return answers }

        answers.budgets = section.optimizers.map { block in
            let candidates = block.groups.map { group in
                TuningCandidate(runs: okRuns(group, report).compactMap { run in
                    run.value(selection, atBestOf: selection).flatMap { valid in
                        valid.isFinite ? (valid, section.testMetric.flatMap { run.value($0, atBestOf: selection) }) : nil
                    }
                }, diverged: group.counts[.diverged] > 0)
            }
            return TuningBudget(optimizer: block.name, candidates: candidates, higherIsBetter: section.higherIsBetter)
        }

        let groups = section.optimizers.flatMap(\.groups)
        if let given = questions.target {
            if groups.contains(where: { g in okRuns(g, report).contains { $0.series[given.metric] != nil } }) {
                answers.target = Target(metric: given.metric, value: given.value,
                                        higherIsBetter: MetricNames.higherIsBetter(given.metric) ?? true, given: true)
            }
        } else if let best = groups.sorted(by: { SweepReport.precedes($0, $1, higherIsBetter: section.higherIsBetter) }).first?.best,
                  groups.contains(where: { g in okRuns(g, report).contains { $0.series[selection] != nil } }) {
            answers.target = Target.derived(metric: selection, best: best.mean, higherIsBetter: section.higherIsBetter)
        }
        if let target = answers.target {
            for group in groups {
                let hits = okRuns(group, report).map { run in
                    TargetHit.first(epochs: run.epochs, values: run.series[target.metric] ?? [], elapsed: run.elapsed, target: target)
                }
                answers.times[group.indices[0]] = TargetTimes(hits: hits, diverged: group.counts[.diverged])
            }
        }

        if let compare = questions.compare,
           let a = section.optimizers.first(where: { $0.name == compare.a })?.groups.first,
           let b = section.optimizers.first(where: { $0.name == compare.b })?.groups.first {
            let metric = section.testMetric ?? selection
            let higher = MetricNames.higherIsBetter(metric) ?? section.higherIsBetter
            func bySeed(_ group: SweepReport.Group) -> [String: Double] {
                var values: [String: Double] = [:]
                for index in group.indices where report.results.runs[index].state == .done {
                    let seed = report.results.grid.value(of: "seed", at: index).map(display) ?? "-"
                    if let value = report.results.runs[index].value(metric, atBestOf: selection), value.isFinite { values[seed] = value }
                }
                return values
            }
            let valuesA = bySeed(a), valuesB = bySeed(b)
            let seeds = a.indices.compactMap { report.results.grid.value(of: "seed", at: $0).map(display) }
                .filter { valuesA[$0] != nil && valuesB[$0] != nil }
            answers.comparison = PairedComparison(a: compare.a, b: compare.b, metric: metric, higherIsBetter: higher,
                                                  differences: seeds.map { valuesB[$0]! - valuesA[$0]! })
        }
        return answers
    }

    /// An optimizer's time on a task is the fewest mean epochs to target over its settings whose every
    /// seed reached it; an optimizer absent from a task, or never reaching its target there, fails it.
    private static func profile(_ report: SweepReport, _ answers: [SectionAnswers]) -> PerformanceProfile? {
        guard report.sections.count >= 2, answers.contains(where: { $0.target != nil }) else { return nil }
        let optimizers = report.sections.flatMap { $0.optimizers.map(\.name) }.uniqued()
        let times = zip(report.sections, answers).map { section, answers in
            optimizers.map { name -> Double? in
                guard let block = section.optimizers.first(where: { $0.name == name }) else { return nil }
                return block.groups.compactMap { group -> Double? in
                    guard let times = answers.times[group.indices[0]], times.allReached else { return nil }
                    return times.epochs?.mean
                }.min()
            }
        }
        return PerformanceProfile(tasks: report.sections.map { $0.title.isEmpty ? "all" : $0.title }, optimizers: optimizers, times: times)
    }
}
