// Global average pooling over the spatial plane (the ResNet head), forward and backward.
// Sizes: planes = n·c, hw = height·width.

/// `out[plane] = Σ input[plane] / hw`: input (planes, hw), out (planes).
public func globalAvgPoolForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, planes: Int, hw: Int) {
    let inverse = 1 / Float(hw)
    parallelRanges(planes, grain: max(1, elementGrain / hw)) { range in
        for plane in range {
            let x = input + plane * hw
            var sum: Float = 0
            for i in 0..<hw { sum += x[i] }
            out[plane] = sum * inverse
        }
    }
}

/// `dInput[plane, i] += dOut[plane] / hw`; with `inputGradient: .overwrite`, `dInput[plane, i] = 0 + …`.
public func globalAvgPoolBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, planes: Int, hw: Int,
                                  inputGradient: GradientUpdate = .accumulate) {
    let inverse = 1 / Float(hw)
    let write = inputGradient == .overwrite
    parallelRanges(planes, grain: max(1, elementGrain / hw)) { range in
        for plane in range {
            let g = dOut[plane] * inverse, d = dInput + plane * hw
            if write {
                d.update(repeating: 0 + g, count: hw)
            } else {
                for i in 0..<hw { d[i] += g }
            }
        }
    }
}
