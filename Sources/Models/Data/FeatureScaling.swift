// Per-column standardisation fitted on the training rows only, then applied to every split: the UCI tables
// (seeds.md §3.2: unbiased std) and the LIBSVM sets (scikit-learn's StandardScaler, §1.14: population std).
// Statistics are computed in Double and the scaled values rounded once to Float.

/// `x ↦ (x − mean[j]) / scale[j]` per column `j`.
public struct FeatureScaling: Equatable, Sendable {
    public var mean: [Double]
    /// The standard deviation, or 1 for a constant column (as scikit-learn does), so a column that
    /// happens to be constant in a small training subset gives zeros instead of NaN.
    public var scale: [Double]

    /// Which standard deviation divides.
    public enum Deviation: Sendable {
        /// Divides the sum of squares by n − 1 (torch's and pandas' `std()`).
        case unbiased
        /// Divides by n (scikit-learn's `StandardScaler`).
        case population
    }

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// Fitted on `rows` of a row-major `values` matrix with `width` columns (two passes: mean, then the
    /// squared deviations from it).
    public static func fit(_ values: [Double], width: Int, rows: [Int], deviation: Deviation) -> FeatureScaling {
        precondition(!rows.isEmpty, "FeatureScaling.fit: no rows")
        var mean = [Double](repeating: 0, count: width)
        for r in rows { for j in 0..<width { mean[j] += values[r * width + j] } }
        for j in 0..<width { mean[j] /= Double(rows.count) }
        var squares = [Double](repeating: 0, count: width)
        for r in rows {
            for j in 0..<width {
                let d = values[r * width + j] - mean[j]
                squares[j] += d * d
            }
        }
        return FeatureScaling(mean: mean, scale: deviations(squares, count: rows.count, deviation: deviation))
    }

    /// The standard deviations from sums of squared deviations over `count` rows, constant columns → 1.
    static func deviations(_ squares: [Double], count: Int, deviation: Deviation) -> [Double] {
        let divisor = Double(deviation == .unbiased ? max(count - 1, 1) : count)
        return squares.map { sum in
            let std = (sum / divisor).squareRoot()
            return std > 0 ? std : 1
        }
    }

    /// The scaled `rows` of `values`, in that order, as Float.
    public func apply(_ values: [Double], width: Int, rows: [Int]) -> [Float] {
        var output = [Float](repeating: 0, count: rows.count * width)
        for (k, r) in rows.enumerated() {
            for j in 0..<width { output[k * width + j] = Float((values[r * width + j] - mean[j]) / scale[j]) }
        }
        return output
    }
}
