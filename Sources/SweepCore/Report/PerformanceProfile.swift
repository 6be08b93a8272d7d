// Performance profiles (Dolan and Moré 2002) as the AlgoPerf benchmark scores optimizers (Dahl et al.
// 2023): on each task (a section: dataset and model) every optimizer has a time to target, or none; its
// ratio to the fastest optimizer's time on that task is τ, and its profile ρ(τ) is the share of tasks
// with a ratio at most τ. The score is the area under ρ from τ = 1 to τ_max, divided by τ_max − 1: 1
// for the fastest everywhere, 0 for never within τ_max of it.

/// Each optimizer's profile over a set of tasks.
public struct PerformanceProfile: Sendable {
    /// One optimizer's ratios and score.
    public struct Entry: Sendable {
        public var optimizer: String
        /// Time over the best time on each task, in task order; infinity where it never reached the
        /// target (or did not run), and on a task no optimizer solved.
        public var ratios: [Double]
        /// AlgoPerf's score: (1 / (τ_max − 1)) ∫₁^τ_max ρ(τ) dτ.
        public var score: Double
        /// Tasks on which it reached the target.
        public var solved: Int

        /// ρ(τ): the share of tasks with a ratio at most τ.
        public func share(within tau: Double) -> Double {
            ratios.isEmpty ? 0 : Double(ratios.filter { $0 <= tau }.count) / Double(ratios.count)
        }
    }

    /// AlgoPerf integrates the profile up to τ = 4: slower than four times the best is no better than failing.
    public static let defaultTauMax = 4.0

    public var tasks: [String]
    public var tauMax: Double
    public var entries: [Entry]

    /// `times[t][o]` is optimizer `o`'s time to target on task `t` (nil: never reached it).
    public init(tasks: [String], optimizers: [String], times: [[Double?]], tauMax: Double = defaultTauMax) {
        precondition(times.count == tasks.count && times.allSatisfy { $0.count == optimizers.count },
                     "PerformanceProfile: times must be tasks (\(tasks.count)) × optimizers (\(optimizers.count))")
        self.tasks = tasks
        self.tauMax = tauMax
        let best = times.map { row in row.compactMap { $0 }.filter { $0 > 0 }.min() }
        entries = optimizers.enumerated().map { o, name in
            let ratios = times.enumerated().map { t, row -> Double in
                guard let time = row[o], let fastest = best[t] else { return .infinity }
                return max(time, fastest) / fastest
            }
            // ρ is a step function: each task within τ_max adds (τ_max − r) / (τ_max − 1) of area.
            let area = ratios.filter { $0 <= tauMax }.map { (tauMax - $0) / (tauMax - 1) }.reduce(0, +)
            return Entry(optimizer: name, ratios: ratios, score: tasks.isEmpty ? 0 : area / Double(tasks.count),
                         solved: ratios.filter(\.isFinite).count)
        }
    }
}
