// The merge of a residual block: the sum of two equally shaped tensors, and its backward.

/// `out = a + b` over `count` elements.
public func residualAddForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                               count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range { out[i] = a[i] + b[i] }
    }
}

/// `dA += dOut`, `dB += dOut` (either may be nil when nothing upstream needs it).
public func residualAddBackward(dA: UnsafeMutablePointer<Float>?, dB: UnsafeMutablePointer<Float>?,
                                dOut: UnsafePointer<Float>, count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        let start = range.lowerBound
        if let dA { addRow(dA + start, dOut + start, range.count) }
        if let dB { addRow(dB + start, dOut + start, range.count) }
    }
}
