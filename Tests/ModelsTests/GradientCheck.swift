// Finite-difference checks for the layer tests: central differences of a scalar loss in Float, with the
// loss summed in Double (the layers are Float only; steps and tolerances are chosen for that, see
// `LayerGradientTests`).
import Models

/// `count` values uniform in [−scale, scale) from stream `name` of `seed`.
func uniformValues(_ count: Int, seed: UInt64, scale: Float = 1, _ name: String = "values") -> [Float] {
    var generator = SeededGenerator(seed: seed, stream: name)
    return (0..<count).map { _ in generator.uniform(-scale, scale) }
}

/// Like `uniformValues`, with every magnitude at least `gap` (so a ReLU or max-pool kink is never
/// crossed by a finite-difference step smaller than `gap`).
func valuesAwayFromZero(_ count: Int, seed: UInt64, gap: Float = 0.1) -> [Float] {
    uniformValues(count, seed: seed).map { $0 >= 0 ? $0 + gap : $0 - gap }
}

/// Σ r_i · y_i in Double: the scalar whose gradient with respect to y is r.
func projection(_ r: [Float], _ y: [Float]) -> Double {
    precondition(r.count == y.count, "projection: \(r.count) weights for \(y.count) values")
    var sum = 0.0
    for i in r.indices { sum += Double(r[i]) * Double(y[i]) }
    return sum
}

/// Compares each analytic gradient with central differences `(L(x + h) − L(x − h)) / 2h` of `loss`
/// over every element of every array in `values`. Returns nil when each array's largest difference is at
/// most `tolerance · max(|analytic|, floor)`, else a report naming the array, element and values.
func gradientCheck(_ values: [[Float]], analytic: [[Float]], names: [String], step: Float = 1e-2,
                   tolerance: Double = 5e-3, floor: Double = 1e-3, loss: ([[Float]]) -> Double) -> String? {
    precondition(values.count == analytic.count && values.count == names.count, "gradientCheck: mismatched lists")
    var reports: [String] = []
    for k in values.indices {
        precondition(values[k].count == analytic[k].count, "gradientCheck: \(names[k]) sizes differ")
        var numeric = [Double](repeating: 0, count: values[k].count)
        for i in values[k].indices {
            var plus = values, minus = values
            plus[k][i] += step
            minus[k][i] -= step
            // The step actually taken in Float.
            let h = Double(plus[k][i]) - Double(minus[k][i])
            numeric[i] = (loss(plus) - loss(minus)) / h
        }
        let scale = max(analytic[k].map { abs(Double($0)) }.max() ?? 0, floor)
        var worst = 0, worstDiff = 0.0
        for i in numeric.indices {
            let diff = abs(numeric[i] - Double(analytic[k][i]))
            if diff > worstDiff { worstDiff = diff; worst = i }
        }
        if worstDiff > tolerance * scale {
            reports.append("\(names[k])[\(worst)]: analytic \(analytic[k][worst]), numeric \(numeric[worst]); " +
                           "max diff \(worstDiff) > \(tolerance) × \(scale)")
        }
    }
    return reports.isEmpty ? nil : reports.joined(separator: "\n")
}
