// Mean and spread over seeds, the numbers every report cell shows. The standard deviation is the
// sample one (divisor n − 1), as pandas' `std()` and most papers report it; with one seed there is
// no spread to show.
import Foundation

/// The mean, sample standard deviation and count of some values.
public struct Spread: Equatable, Sendable {
    public var mean: Double
    /// Sample standard deviation, √(Σ(x − mean)² / (n − 1)); NaN when n < 2.
    public var std: Double
    public var n: Int

    /// The spread of `values`, summed in the order given (two passes: the mean, then the squared
    /// deviations from it, which keeps the variance accurate when it is small next to the mean);
    /// nil when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        n = values.count
        var sum = 0.0
        for x in values { sum += x }
        mean = sum / Double(n)
        guard n > 1 else {
            std = .nan
            return
        }
        var squares = 0.0
        for x in values { squares += (x - mean) * (x - mean) }
        std = (squares / Double(n - 1)).squareRoot()
    }

    /// "0.9123±0.0021", or the mean alone for one value.
    public var text: String { formatMeanStd(mean, std) }
}
