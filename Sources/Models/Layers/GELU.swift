// The exact GELU (BERT/RoBERTa's `gelu`, PyTorch's `nn.GELU()` without the tanh approximation),
// forward and backward, element-wise over `count` values.
import Foundation

/// `out = x · Φ(x) = ½·x·(1 + erf(x/√2))`; input, out are (count).
public func geluForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range {
            let x = input[i]
            out[i] = 0.5 * x * (1 + erf(x * Float(0.5).squareRoot()))
        }
    }
}

/// `dInput += dOut · (Φ(x) + x·φ(x))` with φ the standard normal density; needs the forward's input.
public func geluBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, input: UnsafePointer<Float>,
                         count: Int) {
    let inverseSqrt2Pi = 1 / Float(2 * Double.pi).squareRoot()
    parallelRanges(count, grain: elementGrain) { range in
        for i in range {
            let x = input[i]
            let cdf = 0.5 * (1 + erf(x * Float(0.5).squareRoot()))
            let pdf = inverseSqrt2Pi * exp(-0.5 * x * x)
            dInput[i] += dOut[i] * (cdf + x * pdf)
        }
    }
}
