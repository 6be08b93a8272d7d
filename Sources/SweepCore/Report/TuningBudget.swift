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
        let exact = Self.curve(valid: means, test: tests, diverged: candidates.map(\.diverged), higherIsBetter: higherIsBetter)

        // Each resample draws every setting's seeds with replacement and ranks the settings again.
        var random = SplitMix(seed: 0x5EED_B00C)
        var replicates = [[Double]](repeating: [], count: n)
        for _ in 0..<resamples {
            let resampled = candidates.map { c -> Double? in
                guard !c.runs.isEmpty else { return nil }
                var sum = 0.0
                for _ in c.runs { sum += c.runs[random.below(c.runs.count)].valid }
                return sum / Double(c.runs.count)
            }
            let curve = Self.curve(valid: resampled, test: tests, diverged: candidates.map(\.diverged), higherIsBetter: higherIsBetter)
            for k in 0..<n { if let v = curve[k].validation { replicates[k].append(v) } }
        }
        points = exact.enumerated().map { k, point in
            var point = point
            let sorted = replicates[k].sorted()
            if !sorted.isEmpty {
                point.low = Self.percentile(sorted, 0.05)
                point.high = Self.percentile(sorted, 0.95)
            }
            return point
        }
    }

    /// The exact expectation for k = 1 … n. Settings are ranked best first (results before none, no
    /// divergence before divergence, then by value); with k of n drawn, the best drawn is the setting of
    /// rank i with probability C(n − i, k − 1) / C(n, k): the other k − 1 all come from below it.
    static func curve(valid: [Double?], test: [Double?], diverged: [Bool], higherIsBetter: Bool) -> [Point] {
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
        guard n > 0 else { return [] }
        return (1...n).map { k in
            var expected = 0.0, expectedTest = 0.0, testWeight = 0.0, weight = 0.0
            for (rank, setting) in order.enumerated() {
                guard let value = valid[setting] else { break }
                let p = Self.chooseRatio(n - rank - 1, k - 1, n, k)
                expected += p * value
                weight += p
                if let t = test[setting] {
                    expectedTest += p * t
                    testWeight += p
                }
            }
            let none = Self.chooseRatio(n - withResult, k, n, k)
            return Point(k: k, validation: weight > 0 ? expected / weight : nil,
                         test: testWeight > 0 && abs(testWeight - weight) < 1e-12 ? expectedTest / testWeight : nil,
                         noResult: none)
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

    /// The budgets a table shows: 1, 4, 16 and all, those the grid allows.
    public var tableBudgets: [Int] { ([1, 4, 16].filter { $0 < points.count } + [points.count]).filter { $0 >= 1 } }
}
