// Binary cross-entropy between probabilities and targets in [0, 1]: on probabilities as PyTorch's
// `BCELoss` computes it, and fused with the sigmoid that produces them (what the autoencoder trains
// with: the same function, finite where p rounds to 0 or 1).
import Foundation

/// Returns `−Σ_i [t_i·log p_i + (1 − t_i)·log(1 − p_i)]` over `count` probabilities, with each log
/// clamped to ≥ −100 as `BCELoss` does (so p = 0 or 1 gives a large finite loss, not infinity).
public func binaryCrossEntropyForward(probability: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int) -> Double {
    var sum = 0.0
    for i in 0..<count {
        let p = Double(probability[i]), t = Double(target[i])
        sum -= t * max(log(p), -100) + (1 - t) * max(log(1 - p), -100)
    }
    return sum
}

/// `dProbability += scale · (p − t) / max(p·(1 − p), 1e-12)` (`BCELoss`'s guard against division by 0).
public func binaryCrossEntropyBackward(dProbability: UnsafeMutablePointer<Float>, probability: UnsafePointer<Float>,
                                       target: UnsafePointer<Float>, count: Int, scale: Float) {
    for i in 0..<count {
        let p = probability[i]
        dProbability[i] += scale * (p - target[i]) / max(p * (1 - p), 1e-12)
    }
}

/// Sigmoid then binary cross-entropy, from logits z: writes `probability = σ(z)` and returns
/// `Σ_i [max(z_i, 0) − z_i·t_i + log(1 + e^{−|z_i|})]`, the same loss written so it stays finite and
/// accurate for any z (`BCEWithLogitsLoss`).
public func sigmoidBinaryCrossEntropyForward(probability: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
                                             target: UnsafePointer<Float>, count: Int) -> Double {
    sigmoidForward(out: probability, input: logits, count: count)
    var sum = 0.0
    for i in 0..<count {
        let z = Double(logits[i])
        sum += max(z, 0) - z * Double(target[i]) + log1p(exp(-abs(z)))
    }
    return sum
}

/// `dLogits += scale · (σ(z) − t)`, the gradient of `scale ·` the fused loss, from the forward's probabilities.
public func sigmoidBinaryCrossEntropyBackward(dLogits: UnsafeMutablePointer<Float>, probability: UnsafePointer<Float>,
                                              target: UnsafePointer<Float>, count: Int, scale: Float) {
    for i in 0..<count { dLogits[i] += scale * (probability[i] - target[i]) }
}
