// How reports print numbers: means in four significant digits and spreads to the same decimal place,
// so that a column of "0.9123±0.0021" stays narrow and aligned. CSV prints full precision instead
// (CanonicalJSON's shortest round-trip form).
import Foundation

/// `x` in `digits` significant digits, in plain notation from 1e-4 up to 1e6 and in e-notation
/// outside ("1.2e-05"); "nan", "inf", "-inf" for non-finite values.
func formatSignificant(_ x: Double, digits: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    if x == 0 { return "0" }
    let magnitude = abs(x)
    if magnitude >= 1e-4 && magnitude < 1e6 {
        let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
        var text = String(format: "%.\(decimals)f", x)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
    return String(format: "%.\(max(0, digits - 1))e", x)
        .replacingOccurrences(of: #"\.?0+e"#, with: "e", options: .regularExpression)
}

/// A metric value for tables: four significant digits.
func formatNumber(_ x: Double) -> String { formatSignificant(x, digits: 4) }

/// "0.9123±0.0021": the mean in four significant digits and the std to the same decimal place, so a
/// column of them lines up; e-notation for means outside 1e-4…1e6. The mean alone (same decimals)
/// when there is no spread (one sample).
func formatMeanStd(_ mean: Double, _ std: Double) -> String {
    let magnitude = abs(mean)
    guard mean.isFinite, magnitude < 1e6, magnitude >= 1e-4 || (magnitude == 0 && std > 0) || (magnitude == 0 && !std.isFinite) else {
        return formatSignificant(mean, digits: 4) + (std.isFinite ? "±" + formatSignificant(std, digits: 2) : "")
    }
    let decimals = magnitude > 0 ? max(0, 3 - Int(floor(log10(magnitude)))) : (std > 0 ? max(0, 1 - Int(floor(log10(std)))) : 0)
    let text = String(format: "%.\(decimals)f", mean)
    return std.isFinite ? text + "±" + String(format: "%.\(decimals)f", std) : text
}
