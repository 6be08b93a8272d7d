// A paired comparison of two optimizers on one task: the best setting of each, their runs paired by
// seed (the same data order and initialisation), and a Student t confidence interval for the mean
// difference. The interval excluding zero is what backs a claim like "Adam_C beats Adam here".
import Foundation

/// The difference B − A of two optimizers' best settings, seed by seed.
public struct PairedComparison: Sendable {
    public enum Verdict: String, Sendable {
        case aBetter, bBetter, noClearDifference, tooFewPairs
    }

    public var a: String
    public var b: String
    public var metric: String
    public var higherIsBetter: Bool
    /// B − A for each seed both finished, in seed order.
    public var differences: [Double]
    public var mean: Double?
    /// The confidence interval of the mean difference; nil with fewer than two pairs.
    public var interval: (low: Double, high: Double)?
    public var confidence: Double

    public init(a: String, b: String, metric: String, higherIsBetter: Bool, differences: [Double], confidence: Double = 0.95) {
        self.a = a
        self.b = b
        self.metric = metric
        self.higherIsBetter = higherIsBetter
        self.differences = differences
        self.confidence = confidence
        guard let spread = Spread(differences) else { return }
        mean = spread.mean
        guard spread.n >= 2 else { return }
        let half = Self.tQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: spread.n - 1) * spread.std / Double(spread.n).squareRoot()
        interval = (spread.mean - half, spread.mean + half)
    }

    /// Which is better, by whether the interval excludes zero and on which side.
    public var verdict: Verdict {
        guard let interval else { return .tooFewPairs }
        if interval.low > 0 { return higherIsBetter ? .bBetter : .aBetter }
        if interval.high < 0 { return higherIsBetter ? .aBetter : .bBetter }
        return .noClearDifference
    }

    /// The verdict in words: "adam_c better", "no clear difference".
    public var verdictText: String {
        switch verdict {
        case .aBetter: return "\(a) better"
        case .bBetter: return "\(b) better"
        case .noClearDifference: return "no clear difference"
        case .tooFewPairs: return "too few paired seeds (need 2)"
        }
    }

    /// The quantile p of Student's t distribution: bisection on its CDF, written with the regularised
    /// incomplete beta function (Numerical Recipes §6.4), to 1e-10.
    static func tQuantile(_ p: Double, degreesOfFreedom nu: Int) -> Double {
        let v = Double(nu)
        func cdf(_ t: Double) -> Double {
            let tail = 0.5 * regularizedBeta(v / (v + t * t), v / 2, 0.5)
            return t >= 0 ? 1 - tail : tail
        }
        var low = -1e3, high = 1e3
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle) < p { low = middle } else { high = middle }
            if high - low < 1e-10 { break }
        }
        return (low + high) / 2
    }

    /// I_x(a, b) by its continued fraction (Lentz's method).
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        // The fraction converges fast only below the mean; use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
        if x > (a + 1) / (a + b + 2) { return 1 - regularizedBeta(1 - x, b, a) }
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...300 {
            let m = Double(m)
            let even: Double = (a + 2 * m - 1) * (a + 2 * m)
            var numerator: Double = m * (b - m) * x / even
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            f *= d * c
            let odd: Double = (a + 2 * m) * (a + 2 * m + 1)
            numerator = -(a + m) * (a + b + m) * x / odd
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return front * f / a
    }
}
