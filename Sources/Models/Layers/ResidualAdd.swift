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

/// `dA += dOut`, `dB += dOut` (either may be nil when nothing upstream needs it); with `updateA` or
/// `updateB` `.overwrite`, that one is written (0 + dOut: the bits of adding into zeros). When the forward
/// fused a ReLU, `reluOutput` is its output and dOut counts only where it is positive.
public func residualAddBackward(dA: UnsafeMutablePointer<Float>?, dB: UnsafeMutablePointer<Float>?,
                                dOut: UnsafePointer<Float>, count: Int, reluOutput: UnsafePointer<Float>? = nil,
                                updateA: GradientUpdate = .accumulate, updateB: GradientUpdate = .accumulate) {
    let kernels = Kernels.current
    // One pass over dOut when both gradients are updated alike (a basic block: both are written).
    let together = updateA == updateB
    parallelRanges(count, grain: elementGrain) { range in
        let start = range.lowerBound
        if let y = reluOutput {
            func masked(_ a: UnsafeMutablePointer<Float>?, _ b: UnsafeMutablePointer<Float>?, _ update: GradientUpdate) {
                let pass = update == .overwrite ? kernels.maskedWrite : kernels.maskedAccumulate
                pass(a.map { $0 + start }, b.map { $0 + start }, dOut + start, y + start, range.count)
            }
            if together {
                masked(dA, dB, updateA)
            } else {
                masked(dA, nil, updateA)
                masked(nil, dB, updateB)
            }
        } else {
            if let dA { writeOrAdd(dA + start, dOut + start, range.count, updateA) }
            if let dB { writeOrAdd(dB + start, dOut + start, range.count, updateB) }
        }
    }
}

/// y += x, or y = 0 + x with `.overwrite`, over `count` floats.
private func writeOrAdd(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, _ update: GradientUpdate) {
    if update == .overwrite {
        for i in 0..<count { y[i] = 0 + x[i] }
    } else {
        addRow(y, x, count)
    }
}
