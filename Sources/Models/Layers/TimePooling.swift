// Max pooling over time (`torch.max(x, 0)[0]` on a sequence-major tensor), forward and backward.
// Sizes: steps = T, batch = B, width = features per position.
//
// It pools over all T positions it is given. The SNLI encoders rely on that: the ConvNet encoder pools
// over the padded positions' activations, and InferSent pools over the LSTM output padded with zeros,
// so a feature of a short sentence is max(0, max over its real steps).

/// `out[b, f] = max_t input[t, b, f]`; `argmax[b, f]` receives the winning t (the first one on ties).
/// input (T, B, width); out and argmax (B, width).
public func maxOverTimeForward(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                               input: UnsafePointer<Float>, steps: Int, batch: Int, width: Int) {
    let rowWidth = batch * width
    out.update(from: input, count: rowWidth)
    argmax.update(repeating: 0, count: rowWidth)
    for t in 1..<max(steps, 1) {
        let x = input + t * rowWidth
        let step = SIMD16<Int32>(repeating: Int32(t))
        var i = 0
        // 16 at a time: the same strict comparison per element, without a branch per element.
        while i + 16 <= rowWidth {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            let best = UnsafeMutableRawPointer(out + i), index = UnsafeMutableRawPointer(argmax + i)
            let greater = xv .> best.loadUnaligned(as: SIMD16<Float>.self)
            best.storeBytes(of: best.loadUnaligned(as: SIMD16<Float>.self).replacing(with: xv, where: greater), as: SIMD16<Float>.self)
            index.storeBytes(of: index.loadUnaligned(as: SIMD16<Int32>.self).replacing(with: step, where: greater), as: SIMD16<Int32>.self)
            i += 16
        }
        for j in i..<rowWidth where x[j] > out[j] {
            out[j] = x[j]
            argmax[j] = Int32(t)
        }
    }
}

/// `dInput[argmax[b, f], b, f] += dOut[b, f]`. dInput (T, B, width); dOut and argmax (B, width).
public func maxOverTimeBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                argmax: UnsafePointer<Int32>, batch: Int, width: Int) {
    let rowWidth = batch * width
    for i in 0..<rowWidth { dInput[Int(argmax[i]) * rowWidth + i] += dOut[i] }
}
