// Dropout (`nn.Dropout`) and channel dropout (`nn.Dropout2d`), forward and backward. The mask is drawn
// from the network's seeded generator and kept for the backward; it already holds the 1/(1 − p) scaling,
// so both passes are one multiply.

/// Fills `mask` (count) with 0 (probability p) or 1/(1 − p), one draw per element in index order.
/// p = 1 drops everything (mask all 0).
public func dropoutMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, using generator: inout SeededGenerator) {
    let keep: Float = p < 1 ? 1 / (1 - p) : 0
    for i in 0..<count { mask[i] = generator.nextFloat() < p ? 0 : keep }
}

/// `out = input ⊙ mask`; input, mask, out are (count).
public func dropoutForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                           count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range { out[i] = input[i] * mask[i] }
    }
}

/// `dInput += dOut ⊙ mask`.
public func dropoutBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                            count: Int) {
    parallelRanges(count, grain: elementGrain) { range in
        for i in range { dInput[i] += dOut[i] * mask[i] }
    }
}

/// Channel dropout: whole planes are kept or zeroed. input, out are (planes, hw) with planes = n·c;
/// mask is (planes), filled by `dropoutMask(count: planes)`.
public func dropout2dForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                             planes: Int, hw: Int) {
    parallelRanges(planes, grain: max(1, elementGrain / hw)) { range in
        for plane in range {
            let k = mask[plane], x = input + plane * hw, y = out + plane * hw
            for i in 0..<hw { y[i] = x[i] * k }
        }
    }
}

/// `dInput[plane] += dOut[plane] · mask[plane]`.
public func dropout2dBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                              planes: Int, hw: Int) {
    parallelRanges(planes, grain: max(1, elementGrain / hw)) { range in
        for plane in range {
            let k = mask[plane], g = dOut + plane * hw, d = dInput + plane * hw
            for i in 0..<hw { d[i] += g[i] * k }
        }
    }
}
