// `sweep report`'s numbers: configurations grouped by everything but their seed, each group's mean ±
// std over seeds of the final and best metrics, and the groups of each optimizer ranked by the
// validation metric. A problem (the `dataset` and `model` a configuration trains) gets its own
// section: accuracies of different datasets are not comparable, so "best per optimizer" is per problem.
//
// Diverged runs are counted, never averaged in (their loss is not a number), and a group with any
// diverged seed ranks below every group without one: its mean covers only the seeds that survived
// and would flatter it. Failed, preempted, running and pending runs are counted and left out.
import Foundation

/// The aggregated results of a sweep.
public struct SweepReport {
    /// The configurations that differ only by seed.
    public struct Group {
        /// The configuration without `seed`, keys in the grid file's order.
        public var setting: [(key: String, value: JSONValue)]
        public var optimizer: String
        /// Grid indices of its configurations (one per seed), ascending.
        public var indices: [Int]
        public var counts = SweepStatus.Counts()
        /// The selection metric at each run's best epoch, over the `ok` runs.
        public var best: Spread?
        /// The test counterpart of the selection metric at each run's best epoch.
        public var testAtBest: Spread?
        /// Each metric's final value.
        public var final: [String: Spread] = [:]
        /// 1-based position within its section and optimizer.
        public var rank = 0

        /// The value of `key` in this setting.
        public func value(_ key: String) -> JSONValue? { setting.first { $0.key == key }?.value }
    }

    /// One optimizer's groups within a section, best first.
    public struct OptimizerBlock {
        public var name: String
        public var groups: [Group]
        /// Keys whose values differ between these groups, in file order.
        public var varyingKeys: [String]
    }

    /// The groups training one problem (dataset and model).
    public struct Section {
        /// The `dataset` and `model` values, where configurations have them.
        public var problem: [(key: String, value: JSONValue)]
        /// The validation metric groups are ranked by; nil when no run reports one.
        public var selection: String?
        public var higherIsBetter: Bool
        /// `test_…` counterpart of the selection metric, when runs report it.
        public var testMetric: String?
        public var optimizers: [OptimizerBlock]
        /// Keys whose values differ between the section's groups (besides optimizer), in file order.
        public var varyingKeys: [String]

        /// "dataset=mnist model=fc".
        public var title: String { problem.map { "\($0.key)=\(display($0.value))" }.joined(separator: " ") }
    }

    /// Keys that define a problem: results are compared only within one.
    public static let problemKeys = ["dataset", "model"]

    public let sweep: String
    public let sections: [Section]
    public let overall: SweepStatus.Counts
    /// Metric names seen, in the order first seen.
    public let metrics: [String]
    /// Keys with one value across the whole grid, with that value, in file order.
    public let constants: [(key: String, value: JSONValue)]
    public let results: SweepResults

    /// Groups and ranks `results`.
    public init(_ results: SweepResults) {
        self.results = results
        let grid = results.grid
        sweep = grid.name
        metrics = results.metrics
        let keyOrder = grid.keysInFileOrder
        let constant = grid.constantValues
        constants = keyOrder.compactMap { key in constant[key].map { (key, $0) } }

        // Group by the canonical text of the configuration without its seed; keep first-seen order.
        var groups: [Group] = []
        var groupOf: [String: Int] = [:]
        var overall = SweepStatus.Counts()
        for index in 0..<grid.count {
            let configuration = grid.configuration(index)
            var withoutSeed = configuration.entries.filter { $0.key != "seed" }
            let key = CanonicalJSON.string(.object(Dictionary(uniqueKeysWithValues: withoutSeed.map { ($0.key, $0.value) })))
            let state = results.runs[index].state
            overall[state] += 1
            if let known = groupOf[key] {
                groups[known].indices.append(index)
                groups[known].counts[state] += 1
                continue
            }
            withoutSeed.sort { (keyOrder.firstIndex(of: $0.key) ?? .max, $0.key) < (keyOrder.firstIndex(of: $1.key) ?? .max, $1.key) }
            let optimizer = configuration["optimizer"].map(display) ?? noOptimizer
            var group = Group(setting: withoutSeed, optimizer: optimizer, indices: [index])
            group.counts[state] += 1
            groupOf[key] = groups.count
            groups.append(group)
        }
        self.overall = overall

        // Sections by problem, in first-seen order.
        var sectionGroups: [[Group]] = []
        var sectionOf: [String: Int] = [:]
        for group in groups {
            let problem = Self.problemKeys.compactMap { key in group.value(key).map { (key, $0) } }
            let key = problem.map { "\($0.0)=\($0.1.canonicalText)" }.joined(separator: "\u{1}")
            if let known = sectionOf[key] { sectionGroups[known].append(group) } else {
                sectionOf[key] = sectionGroups.count
                sectionGroups.append([group])
            }
        }
        sections = sectionGroups.map { Self.section($0, results: results, keyOrder: keyOrder) }
    }

    private static func section(_ groups: [Group], results: SweepResults, keyOrder: [String]) -> Section {
        let okRuns = groups.flatMap(\.indices).map { results.runs[$0] }.filter { $0.state == .done }
        let selection = selectionMetric(okRuns)
        let higher = selection.flatMap(MetricNames.higherIsBetter) ?? true
        var testMetric: String?
        if let selection, selection.hasPrefix("valid_") {
            let candidate = "test_" + selection.dropFirst("valid_".count)
            if okRuns.contains(where: { $0.best?.test[candidate] != nil || $0.final[candidate] != nil }) { testMetric = candidate }
        }

        var measured = groups.map { group -> Group in
            var group = group
            let ok = group.indices.map { results.runs[$0] }.filter { $0.state == .done }
            if let selection {
                group.best = Spread(ok.compactMap { $0.value(selection, atBestOf: selection) }.filter(\.isFinite))
                if let testMetric {
                    group.testAtBest = Spread(ok.compactMap { $0.value(testMetric, atBestOf: selection) }.filter(\.isFinite))
                }
            }
            for metric in results.metrics {
                if let spread = Spread(ok.compactMap { $0.final[metric] }.filter(\.isFinite)) { group.final[metric] = spread }
            }
            return group
        }

        var blocks: [OptimizerBlock] = []
        for name in measured.map(\.optimizer).uniqued() {
            var own = measured.filter { $0.optimizer == name }
            own.sort { precedes($0, $1, higherIsBetter: higher) }
            for i in own.indices { own[i].rank = i + 1 }
            blocks.append(OptimizerBlock(name: name, groups: own, varyingKeys: varying(own, keyOrder: keyOrder)))
        }
        measured = blocks.flatMap(\.groups)
        let problem = problemKeys.compactMap { key in groups[0].value(key).map { (key, $0) } }
        return Section(problem: problem, selection: selection, higherIsBetter: higher, testMetric: testMetric,
                       optimizers: blocks, varyingKeys: varying(measured, keyOrder: keyOrder).filter { $0 != "optimizer" })
    }

    /// The metric the worker selected by (the most common `best.metric`), else the validation metric
    /// the runs report (MetricNames.selectionMetric).
    private static func selectionMetric(_ runs: [RunResult]) -> String? {
        var votes: [String: Int] = [:]
        for run in runs { if let metric = run.best?.metric { votes[metric, default: 0] += 1 } }
        if let top = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) { return top.key }
        let reported = Set(runs.flatMap { $0.final.keys }).union(runs.flatMap { $0.series.keys })
        return MetricNames.selectionMetric(among: Array(reported))
    }

    /// Ranking: groups with a result first; among them, those that never diverged; then by the mean
    /// best value in the metric's direction; ties and groups without results in grid order.
    static func precedes(_ a: Group, _ b: Group, higherIsBetter: Bool) -> Bool {
        switch (a.best, b.best) {
        case (nil, nil): return a.indices[0] < b.indices[0]
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?):
            let aDiverged = a.counts[.diverged] > 0, bDiverged = b.counts[.diverged] > 0
            if aDiverged != bDiverged { return bDiverged }
            if x.mean != y.mean { return higherIsBetter ? x.mean > y.mean : x.mean < y.mean }
            return a.indices[0] < b.indices[0]
        }
    }

    /// The keys (other than seed and the problem's) whose values differ between `groups`, in file order.
    private static func varying(_ groups: [Group], keyOrder: [String]) -> [String] {
        keyOrder.filter { key in
            guard key != "seed", !problemKeys.contains(key) else { return false }
            let values = groups.map { $0.value(key) }
            return values.contains { $0 != values[0] }
        }
    }
}

extension Sequence where Element: Hashable {
    /// The elements in first-seen order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
