// 2-D batch normalisation (PyTorch's `nn.BatchNorm2d`), forward and backward over NCHW buffers.
// Sizes: n = batch, c = channels, hw = height·width. Statistics are per channel over the n·hw values.
import Foundation
import KernelInterface

/// Training-mode forward: normalises with the batch statistics and updates the running ones.
///
///     mean = Σ x / m,   var = Σ (x − mean)² / m        (m = n·hw; the biased variance normalises)
///     out  = (x − mean) / √(var + eps) · weight + bias
///     runningMean ← (1 − momentum)·runningMean + momentum·mean
///     runningVar  ← (1 − momentum)·runningVar  + momentum·var·m/(m − 1)   (the unbiased variance)
///
/// input, out are (n, c, hw); weight, bias, runningMean, runningVar are (c). Caches mean and invStd =
/// 1/√(var + eps), each (c), for the backward. Sums are taken per (sample, channel) plane in 16 Float lanes,
/// then over planes in Double, in a fixed order. With m = 1 the unbiased variance is undefined; the running
/// variance then takes the biased one. With `relu`, writes max(out, 0) instead (the ReLU that follows
/// BatchNorm in the ResNets and the CIFAR-100 net, fused to save a pass and a buffer).
public func batchNorm2dTrainingForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                       invStd: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                       weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                       runningMean: UnsafeMutablePointer<Float>, runningVar: UnsafeMutablePointer<Float>,
                                       n: Int, c: Int, hw: Int, eps: Float, momentum: Float, relu: Bool = false) {
    let m = n * hw
    let kernels = Kernels.current
    // Channels are independent: threads split them, each channel's sums keep their order.
    parallelRanges(c, grain: max(1, elementGrain / m)) { channels in
        for ch in channels {
            var sum = 0.0
            for sample in 0..<n { sum += Double(kernels.planeSum(input + (sample * c + ch) * hw, hw, 0, false)) }
            let mu = Float(sum / Double(m))
            var squares = 0.0
            for sample in 0..<n { squares += Double(kernels.planeSum(input + (sample * c + ch) * hw, hw, mu, true)) }
            let variance = squares / Double(m)
            let inv = Float(1 / (variance + Double(eps)).squareRoot())
            mean[ch] = mu
            invStd[ch] = inv
            let unbiased = m > 1 ? variance * Double(m) / Double(m - 1) : variance
            runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mu
            runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(unbiased)
            for sample in 0..<n {
                let offset = (sample * c + ch) * hw
                kernels.normalizePlane(out + offset, input + offset, hw, mu, inv * weight[ch], bias[ch], relu)
            }
        }
    }
}

/// Evaluation-mode forward: `out = (x − runningMean) / √(runningVar + eps) · weight + bias`, then
/// max(out, 0) with `relu`. input, out are (n, c, hw); the other arrays (c).
public func batchNorm2dEvaluationForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                         weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                         runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>,
                                         n: Int, c: Int, hw: Int, eps: Float, relu: Bool = false) {
    let kernels = Kernels.current
    parallelRanges(c, grain: max(1, elementGrain / (n * hw))) { channels in
        for ch in channels {
            let inv = 1 / (runningVar[ch] + eps).squareRoot()
            for sample in 0..<n {
                let offset = (sample * c + ch) * hw
                kernels.normalizePlane(out + offset, input + offset, hw, runningMean[ch], inv * weight[ch], bias[ch], relu)
            }
        }
    }
}

/// Training-mode backward (the statistics depend on the input). With x̂ = (x − mean)·invStd recomputed
/// from the forward's input:
///
///     dBias   += Σ dOut            dWeight += Σ dOut·x̂
///     dInput  += weight·invStd · (dOut − Σ dOut / m − x̂ · Σ dOut·x̂ / m)
///
/// dOut, input, dInput are (n, c, hw); the rest (c). `dInput` may be nil. When the forward fused a ReLU,
/// `reluOutput` is its output (n, c, hw): dOut counts only where it is positive. With
/// `parameterGradients: .overwrite`, dWeight and dBias are written (the sums start at +0, so this gives
/// the bits of adding into zeros); with `inputGradient: .overwrite`, dInput is (0 + the same, so the same bits).
public func batchNorm2dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, input: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                n: Int, c: Int, hw: Int, reluOutput: UnsafePointer<Float>? = nil,
                                parameterGradients: GradientUpdate = .accumulate, inputGradient: GradientUpdate = .accumulate) {
    let overwrite = parameterGradients == .overwrite, writeInput = inputGradient == .overwrite
    let m = Float(n * hw)
    let kernels = Kernels.current
    parallelRanges(c, grain: max(1, elementGrain / (n * hw))) { channels in
        for ch in channels {
            func plane(_ sample: Int) -> BatchNormPlane {
                let offset = (sample * c + ch) * hw
                return BatchNormPlane(g: dOut + offset, x: input + offset, mask: reluOutput.map { $0 + offset }, count: hw,
                                      mean: mean[ch], invStd: invStd[ch])
            }
            var sumDOut = 0.0, sumDOutXHat = 0.0
            for sample in 0..<n {
                let (g, gx) = kernels.planeDotSums(plane(sample))
                sumDOut += Double(g)
                sumDOutXHat += Double(gx)
            }
            dBias[ch] = overwrite ? Float(sumDOut) : dBias[ch] + Float(sumDOut)
            dWeight[ch] = overwrite ? Float(sumDOutXHat) : dWeight[ch] + Float(sumDOutXHat)
            guard let dInput else { continue }
            let k = weight[ch] * invStd[ch]
            let meanG = Float(sumDOut) / m, meanGX = Float(sumDOutXHat) / m
            for sample in 0..<n {
                kernels.batchNormInputGradient(plane(sample), dInput + (sample * c + ch) * hw, k, meanG, meanGX, writeInput)
            }
        }
    }
}
