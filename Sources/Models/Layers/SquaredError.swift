// Squared-error losses for regression and reconstruction: MSE (`nn.MSELoss`) and the power-law studies'
// ½·MSE share one forward (the sum of squares) and one backward with a scale.

/// Returns `Σ_i (prediction_i − target_i)²` over `count` elements, accumulated in Double in index order.
/// The mean squared error is this over count; the power-law loss ½·mean is half of that.
public func squaredErrorForward(prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int) -> Double {
    var sum = 0.0
    for i in 0..<count {
        let d = Double(prediction[i]) - Double(target[i])
        sum += d * d
    }
    return sum
}

/// `dPrediction += scale · 2 · (prediction − target)`: the gradient of `scale · Σ (prediction − target)²`
/// (scale = 1/count for the MSE, 1/(2·count) for ½·MSE). The target is a constant.
public func squaredErrorBackward(dPrediction: UnsafeMutablePointer<Float>, prediction: UnsafePointer<Float>,
                                 target: UnsafePointer<Float>, count: Int, scale: Float) {
    let twice = 2 * scale
    for i in 0..<count { dPrediction[i] += twice * (prediction[i] - target[i]) }
}
