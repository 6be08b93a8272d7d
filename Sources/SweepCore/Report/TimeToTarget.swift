// Convergence speed: how many epochs (and seconds) a run takes to reach a target value of a
// validation metric, and per setting the mean ± std over the seeds that reached it, with those that
// never did counted. The target is the user's (`--target valid_accuracy=0.85`) or, by default, a share
// of the best setting's value, so that "reached" means "came close to the best anyone did".
import Foundation

/// The value a metric must reach.
public struct Target: Sendable, Equatable {
    public var metric: String
    public var value: Double
    public var higherIsBetter: Bool
    /// Whether the user gave it (else it is `defaultShare` of the best setting's value).
    public var given: Bool

    /// A derived target is 95 % of the best value for a metric that grows (accuracy), and the best
    /// value divided by 0.95 for one that falls (loss, perplexity).
    public static let defaultShare = 0.95

    public init(metric: String, value: Double, higherIsBetter: Bool, given: Bool) {
        self.metric = metric
        self.value = value
        self.higherIsBetter = higherIsBetter
        self.given = given
    }

    /// The default target for a section whose best setting reached `best`.
    public static func derived(metric: String, best: Double, higherIsBetter: Bool) -> Target {
        Target(metric: metric, value: higherIsBetter ? best * defaultShare : best / defaultShare, higherIsBetter: higherIsBetter, given: false)
    }

    func reached(_ value: Double) -> Bool { value.isFinite && (higherIsBetter ? value >= self.value : value <= self.value) }

    /// "valid_accuracy ≥ 0.855".
    public var text: String { "\(metric) \(higherIsBetter ? "≥" : "≤") \(formatNumber(value))" }
}

/// When one run first reached a target.
public struct TargetHit: Sendable, Equatable {
    public var epoch: Int
    /// The run's elapsed seconds at that epoch, when its record says.
    public var seconds: Double?

    /// The first epoch of `epochs` (ascending) whose `values` reach `target`; nil when none does.
    public static func first(epochs: [Int], values: [Double], elapsed: [Double], target: Target) -> TargetHit? {
        for (position, value) in values.enumerated() where target.reached(value) {
            let seconds = position < elapsed.count && elapsed[position].isFinite ? elapsed[position] : nil
            return TargetHit(epoch: epochs[position], seconds: seconds)
        }
        return nil
    }
}

/// How fast one setting's seeds reached the target.
public struct TargetTimes: Sendable {
    /// Epochs to target over the seeds that reached it.
    public var epochs: Spread?
    /// Seconds to target over the seeds that reached it and recorded their time.
    public var seconds: Spread?
    /// Finished runs that never reached the target, and diverged runs (which never can).
    public var missed: Int
    /// Runs counted: reached + missed.
    public var runs: Int

    /// The times of a setting's runs: `hits` one per finished run (nil: never reached), plus `diverged` runs.
    public init(hits: [TargetHit?], diverged: Int) {
        let reached = hits.compactMap { $0 }
        epochs = Spread(reached.map { Double($0.epoch) })
        let seconds = reached.compactMap(\.seconds)
        self.seconds = seconds.count == reached.count ? Spread(seconds) : nil
        missed = hits.count - reached.count + diverged
        runs = hits.count + diverged
    }

    /// Whether every run reached the target: only then does the setting count as reaching it.
    public var allReached: Bool { missed == 0 && runs > 0 }
}
