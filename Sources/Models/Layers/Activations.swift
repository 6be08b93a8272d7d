// Elementwise activations, forward and backward. Each backward takes the forward's output (all three
// derivatives are functions of it) and adds into dInput. Sizes: count = number of elements.
import KernelInterface

/// `out = max(input, 0)`.
public func reluForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range { out[i] = input[i] > 0 ? input[i] : 0 }
    }
}

/// `dInput += dOut` where the forward's output is positive (the derivative at 0 is taken as 0, as
/// PyTorch does); with `inputGradient: .overwrite`, dInput = 0 + that. The kernel set's masked add: the
/// baseline build compiled this loop to a compare and a branch per element, mispredicted half the time
/// (6% of the fc 784→1000→1000→10 step in perf).
public func reluBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                         out: UnsafePointer<Float>, count: Int, inputGradient: GradientUpdate = .accumulate) {
    let kernels = Kernels.current
    let pass = inputGradient == .overwrite ? kernels.maskedWrite : kernels.maskedAccumulate
    parallelRanges(count, grain: elementGrain) { range in
        let start = range.lowerBound
        pass(dInput + start, nil, dOut + start, out + start, range.count)
    }
}

/// `dInput = dOut` where the forward's output is positive, else 0: reluBackward's sum written rather
/// than added into zeros (the same bits unless dOut holds −0), in 16 lanes without a branch per element.
public func reluGradient(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, out: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        var i = range.lowerBound
        while i + 16 <= range.upperBound {
            let g = UnsafeRawPointer(dOut + i).loadUnaligned(as: SIMD16<Float>.self)
            let positive = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD16<Float>.self) .> 0
            UnsafeMutableRawPointer(dInput + i).storeBytes(of: SIMD16<Float>(repeating: 0).replacing(with: g, where: positive),
                                                           as: SIMD16<Float>.self)
            i += 16
        }
        while i < range.upperBound {
            dInput[i] = out[i] > 0 ? dOut[i] : 0
            i += 1
        }
    }
}

/// `out = tanh(input)`.
public func tanhForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        mapVector(out + range.lowerBound, input + range.lowerBound, range.count, vectorTanh)
    }
}

/// `dInput += dOut · (1 − out²)`.
public func tanhBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                         out: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range { dInput[i] += dOut[i] * (1 - out[i] * out[i]) }
    }
}

/// `out = σ(input) = 1 / (1 + e^{−input})`.
public func sigmoidForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        mapVector(out + range.lowerBound, input + range.lowerBound, range.count, vectorSigmoid)
    }
}

/// `dInput += dOut · out · (1 − out)`.
public func sigmoidBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                            out: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range { dInput[i] += dOut[i] * out[i] * (1 - out[i]) }
    }
}

/// `out = factor · input` (the power-law network's 1/√d and 1/√m).
public func scaleForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, factor: Float, count: Int) {
    for i in 0..<count { out[i] = factor * input[i] }
}

/// `dInput += factor · dOut`.
public func scaleBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, factor: Float, count: Int) {
    for i in 0..<count { dInput[i] += factor * dOut[i] }
}
