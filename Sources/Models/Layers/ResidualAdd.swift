// The merge of a residual block: the sum of two equally shaped tensors, and its backward.
import KernelInterface

/// `out = a + b` over `count` elements, or `max(a + b, 0)` with `relu` (a basic block's closing ReLU).
public func residualAddForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                               count: Int, relu: Bool = false) {
    parallelRanges(count, grain: elementGrain) { range in
        if relu {
            for i in range { out[i] = max(a[i] + b[i], 0) }
        } else {
            for i in range { out[i] = a[i] + b[i] }
        }
    }
}

/// `dA += dOut`, `dB += dOut` (either may be nil when nothing upstream needs it). When the forward
/// fused a ReLU, `reluOutput` is its output and dOut counts only where it is positive.
public func residualAddBackward(dA: UnsafeMutablePointer<Float>?, dB: UnsafeMutablePointer<Float>?,
                                dOut: UnsafePointer<Float>, count: Int, reluOutput: UnsafePointer<Float>? = nil) {
    let kernels = Kernels.current
    parallelRanges(count, grain: elementGrain) { range in
        let start = range.lowerBound
        if let y = reluOutput {
            kernels.maskedAccumulate(dA.map { $0 + start }, dB.map { $0 + start }, dOut + start, y + start, range.count)
        } else {
            if let dA { addRow(dA + start, dOut + start, range.count) }
            if let dB { addRow(dB + start, dOut + start, range.count) }
        }
    }
}
