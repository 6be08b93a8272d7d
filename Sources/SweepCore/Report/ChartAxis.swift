// One axis of a chart: its range, linear or logarithmic, and tick marks at round values. Logarithmic
// when every value is positive and they span a decade or more (learning rates 1e-5…1e-1, losses
// falling as power laws), unless the caller says otherwise (accuracies stay linear); ticks then sit
// on powers of ten, with 2 and 5 between them when the axis spans at most two decades.
import Foundation

/// A chart axis mapping values to a pixel range.
struct ChartAxis {
    let logarithmic: Bool
    /// The range shown (in values, not logarithms).
    let low: Double
    let high: Double
    let ticks: [Double]

    /// An axis for `values` (non-finite ones ignored); `logarithmic` nil decides by the values' span.
    init(values: [Double], logarithmic: Bool? = nil) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        let positive = low > 0
        let log = (logarithmic ?? (positive && high / low >= 10)) && positive
        self.logarithmic = log
        if log {
            var first = floor(log10(low)), last = ceil(log10(high))
            if first == last { first -= 1; last += 1 }
            low = pow(10, first)
            high = pow(10, last)
            var ticks: [Double] = []
            for exponent in Int(first)...Int(last) {
                let decade = pow(10, Double(exponent))
                ticks.append(decade)
                if last - first <= 2 && exponent < Int(last) { ticks += [2 * decade, 5 * decade] }
            }
            self.ticks = ticks
        } else {
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                low -= pad
                high += pad
            }
            // Whole-number data (epochs, topC) gets whole-number ticks.
            let integral = !finite.isEmpty && finite.allSatisfy { $0 == $0.rounded() }
            let step = max(Self.niceStep((high - low) / 5), integral ? 1 : 0)
            low = floor(low / step) * step
            high = ceil(high / step) * step
            self.ticks = stride(from: 0, through: Int(((high - low) / step).rounded()), by: 1).map { low + Double($0) * step }
        }
        self.low = low
        self.high = high
    }

    /// 1, 2 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = pow(10, floor(log10(rough)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= rough * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// Where `value` falls between `from` (the low end) and `to` (the high end), in pixels.
    func position(_ value: Double, from: Double, to: Double) -> Double {
        let t = logarithmic ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : (value - low) / (high - low)
        return from + t * (to - from)
    }

    /// A tick's label: on a log axis reaching outside 0.01…1000, powers of ten as "10⁻⁴" and no label
    /// on the 2 and 5 ticks between them (so the labels read alike); otherwise the plain number with as
    /// many decimals as the spacing needs. Empty for a tick drawn without a label.
    func label(_ value: Double) -> String {
        if logarithmic {
            let exponent = Int(log10(value).rounded())
            let decade = abs(value - pow(10, Double(exponent))) < 1e-12 * value
            if low < 0.01 || high > 1000 { return decade ? "10" + Self.superscript(exponent) : "" }
            return formatSignificant(value, digits: 3)
        }
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        return abs(value) < step * 1e-9 ? "0" : String(format: "%.\(decimals)f", value)
    }

    private static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(abs(n)).map { digits[Int(String($0))!] }
    }
}
