// Tuning-budget curves (Sivaprasad et al., "Optimizer benchmarking needs to account for
// hyperparameter tuning", 2020; DeepOBS): what an optimizer delivers when tuned with a budget of k
// settings drawn at random from its part of the grid, for k = 1 … all of it. The expectation is exact
// (no sampling of draws); only the band over seeds is a bootstrap.
import Foundation

/// One setting of an optimizer as a tuning draw sees it.
public struct TuningCandidate: Sendable {
    /// Each finished seed's selection metric at its best epoch and the test metric there.
    public var runs: [(valid: Double, test: Double?)]
    /// Whether some seed diverged: such a setting ranks below every setting without one.
    public var diverged: Bool

    public init(runs: [(valid: Double, test: Double?)], diverged: Bool) {
        self.runs = runs
        self.diverged = diverged
    }
}

/// The expected outcome of tuning one optimizer with budgets k = 1 … n.
public struct TuningBudget: Sendable {
    /// The outcome at one budget.
    public struct Point: Sendable, Equatable {
        public var k: Int
        /// Expected validation metric of the best of k settings drawn without replacement (given
        /// that at least one of them has a result); nil when none has.
        public var validation: Double?
        /// Expected test metric of that best setting.
        public var test: Double?
        /// 5th and 95th percentiles of `validation` over bootstrap resamples of the seeds.
        public var low: Double?
        public var high: Double?
        /// Probability that none of the k settings drawn has a finished run.
        public var noResult: Double
    }

    public var optimizer: String
    public var points: [Point]

    /// Bootstrap resamples drawn for the band: enough for stable 5 % and 95 % percentiles.
    public static let resamples = 200

    /// The curve for `candidates` (one per setting); `higherIsBetter` is the selection metric's direction.
    public init(optimizer: String, candidates: [TuningCandidate], higherIsBetter: Bool, resamples: Int = resamples) {
        self.optimizer = optimizer
        let n = candidates.count
        let means = candidates.map { c in c.runs.isEmpty ? nil : Self.mean(c.runs.map(\.valid)) }
        let tests = candidates.map { c -> Double? in
            let values = c.runs.compactMap(\.test)
            return values.count == c.runs.count && !values.isEmpty ? Self.mean(values) : nil
        }
        let weights = Self.weights(n: n, budgets: Self.budgets(n))
        let exact = Self.curve(valid: means, test: tests, diverged: candidates.map(\.diverged), higherIsBetter: higherIsBetter, weights: weights)

        // Each resample draws every setting's seeds with replacement and ranks the settings again.
        var random = SplitMix(seed: 0x5EED_B00C)
        var replicates = [[Double]](repeating: [], count: weights.count)
        for _ in 0..<resamples {
            let resampled = candidates.map { c -> Double? in
                guard !c.runs.isEmpty else { return nil }
                var sum = 0.0
                for _ in c.runs { sum += c.runs[random.below(c.runs.count)].valid }
                return sum / Double(c.runs.count)
            }
            let curve = Self.curve(valid: resampled, test: tests, diverged: candidates.map(\.diverged), higherIsBetter: higherIsBetter,
                                   weights: weights)
            for b in curve.indices { if let v = curve[b].validation { replicates[b].append(v) } }
        }
        points = exact.enumerated().map { b, point in
            var point = point
            let sorted = replicates[b].sorted()
            if !sorted.isEmpty {
                point.low = Self.percentile(sorted, 0.05)
                point.high = Self.percentile(sorted, 0.95)
            }
            return point
        }
    }

    /// The budgets evaluated: every k up to 100 settings; beyond, about 60 spaced evenly in log k
    /// (with 1, 4, 16 and n), which a chart on a log axis cannot tell from all of them.
    static func budgets(_ n: Int) -> [Int] {
        guard n > 100 else { return Array(stride(from: 1, through: n, by: 1)) }
        let spaced = (0..<60).map { Int(exp(Double($0) / 59 * log(Double(n))).rounded()) }
        return Set(spaced + [1, 4, 16, n]).filter { $0 >= 1 && $0 <= n }.sorted()
    }

    /// For each budget k, the probability that the best of k drawn is the setting of rank i (best
    /// first): C(n − 1 − i, k − 1) / C(n, k), the other k − 1 all coming from below it. Computed once
    /// per optimizer; the bootstrap only reorders the settings.
    static func weights(n: Int, budgets: [Int]) -> [(k: Int, p: [Double])] {
        budgets.map { k in (k, (0..<n).map { rank in chooseRatio(n - rank - 1, k - 1, n, k) }) }
    }

    /// The exact expectation at each budget of `weights`. Settings are ranked best first (results
    /// before none, no divergence before divergence, then by value); the expectation is conditional on
    /// some drawn setting having a result, and `noResult` is the chance that none has.
    static func curve(valid: [Double?], test: [Double?], diverged: [Bool], higherIsBetter: Bool,
                      weights: [(k: Int, p: [Double])]) -> [Point] {
        let n = valid.count
        let order = (0..<n).sorted { a, b in
            switch (valid[a], valid[b]) {
            case (nil, nil): return a < b
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?):
                if diverged[a] != diverged[b] { return diverged[b] }
                if x != y { return higherIsBetter ? x > y : x < y }
                return a < b
            }
        }
        let withResult = valid.filter { $0 != nil }.count
        return weights.map { k, p in
            var expected = 0.0, expectedTest = 0.0, testWeight = 0.0, weight = 0.0
            for (rank, setting) in order.enumerated() {
                guard let value = valid[setting] else { break }
                expected += p[rank] * value
                weight += p[rank]
                if let t = test[setting] {
                    expectedTest += p[rank] * t
                    testWeight += p[rank]
                }
            }
            return Point(k: k, validation: weight > 0 ? expected / weight : nil,
                         test: testWeight > 0 && abs(testWeight - weight) < 1e-12 ? expectedTest / testWeight : nil,
                         noResult: Self.chooseRatio(n - withResult, k, n, k))
        }
    }

    /// C(a, b) / C(n, k), through logarithms of factorials so that large grids do not overflow.
    static func chooseRatio(_ a: Int, _ b: Int, _ n: Int, _ k: Int) -> Double {
        guard b >= 0, a >= b else { return 0 }
        func logChoose(_ n: Int, _ k: Int) -> Double {
            lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
        }
        return exp(logChoose(a, b) - logChoose(n, k))
    }

    static func mean(_ values: [Double]) -> Double {
        var sum = 0.0
        for x in values { sum += x }
        return sum / Double(values.count)
    }

    /// Linear interpolation between order statistics (numpy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// The number of settings: the largest budget.
    public var settings: Int { points.last?.k ?? 0 }

    /// The points a table shows: k = 1, 4, 16 and all, those the grid allows.
    public var tablePoints: [Point] { points.filter { [1, 4, 16, settings].contains($0.k) } }
}
