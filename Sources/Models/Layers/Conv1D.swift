// 1-D convolution over time with "same" zero padding (PyTorch's `nn.Conv1d(c, oc, k, padding=(k−1)/2)`,
// a cross-correlation), forward and backward, on sequence-major activations. Sizes: steps = T,
// batch = B, c = input channels, oc = output channels, kernel = k (odd), pad = (k − 1)/2.
//
//   y[t, b, o] = bias[o] + Σ_{ch, j} W[o, ch, j] · x[t + j − pad, b, ch]    (x = 0 outside 0..<T)
//
// Sequence-major, the input of tap j for output step t is step t + j − pad: the same rows shifted by
// (j − pad)·B. So each pass is k products on the activations where they lie, tap j over the output
// steps whose input step exists, with W's taps rearranged once per call into `taps` (k, oc, c): no
// im2col copy (whose scalar strided loops and packing took 10% of the SNLI ConvNet encoder's step).

/// The output steps tap j reads a real input step for: t + j − pad in 0..<T.
@inline(__always)
private func tapSteps(_ j: Int, steps: Int, pad: Int) -> Range<Int> {
    max(0, pad - j)..<max(max(0, pad - j), min(steps, steps + pad - j))
}

/// `out` (T, B, oc) = the convolution of input (T, B, c) with weight (oc, c, k) and bias (oc).
/// `taps` (k, oc, c) receives tap j's (oc, c) weights W[·, ·, j], kept for the backward.
public func conv1dForward(out: UnsafeMutablePointer<Float>, taps: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                          steps: Int, batch: Int, c: Int, oc: Int, kernel: Int) {
    let pad = (kernel - 1) / 2
    conv1dTaps(taps, weight: weight, c: c, oc: oc, kernel: kernel)
    // The centre tap reaches every step and sets out; the others add theirs.
    for j in [pad] + (0..<kernel).filter({ $0 != pad }) {
        let reached = tapSteps(j, steps: steps, pad: pad)
        guard !reached.isEmpty else { continue }
        let source = reached.lowerBound + j - pad
        gemm(transA: false, transB: true, m: reached.count * batch, n: oc, k: c, alpha: 1, a: input + source * batch * c, lda: c,
             b: taps + j * oc * c, ldb: c, beta: j == pad ? 0 : 1, c: out + reached.lowerBound * batch * oc, ldc: oc)
    }
    for row in 0..<(steps * batch) { add(bias, into: out + row * oc, count: oc) }
}

/// Adds into dInput (T, B, c) (may be nil), dWeight (oc, c, k) and dBias (oc), given dOut (T, B, oc).
/// dTaps (k, oc, c) is scratch; input and taps are the forward's.
public func conv1dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>, dTaps: UnsafeMutablePointer<Float>,
                           dOut: UnsafePointer<Float>, input: UnsafePointer<Float>, taps: UnsafePointer<Float>,
                           steps: Int, batch: Int, c: Int, oc: Int, kernel: Int) {
    let pad = (kernel - 1) / 2
    for j in 0..<kernel {
        let reached = tapSteps(j, steps: steps, pad: pad), dTap = dTaps + j * oc * c
        guard !reached.isEmpty else {
            dTap.update(repeating: 0, count: oc * c)
            continue
        }
        let source = reached.lowerBound + j - pad
        // dW_j (oc, c) = dOut[reached]ᵀ · x[source]
        gemm(transA: true, transB: false, m: oc, n: c, k: reached.count * batch, alpha: 1, a: dOut + reached.lowerBound * batch * oc,
             lda: oc, b: input + source * batch * c, ldb: c, beta: 0, c: dTap, ldc: c)
    }
    if let dInput { conv1dInputGradient(dInput: dInput, dOut: dOut, taps: taps, steps: steps, batch: batch, c: c, oc: oc, kernel: kernel) }
    addTapGradients(dTaps, into: dWeight, c: c, oc: oc, kernel: kernel)
    // Each bias sums its rows in increasing order.
    for row in 0..<(steps * batch) { add(dOut + row * oc, into: dBias, count: oc) }
}

/// Adds into dInput (T, B, c) the input gradient alone, given dOut (T, B, oc) and the forward's taps:
/// dx[t + j − pad] += dOut[t] · W_j, tap by tap.
public func conv1dInputGradient(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, taps: UnsafePointer<Float>,
                                steps: Int, batch: Int, c: Int, oc: Int, kernel: Int) {
    let pad = (kernel - 1) / 2
    for j in 0..<kernel {
        let reached = tapSteps(j, steps: steps, pad: pad)
        guard !reached.isEmpty else { continue }
        gemm(transA: false, transB: false, m: reached.count * batch, n: c, k: oc, alpha: 1, a: dOut + reached.lowerBound * batch * oc,
             lda: oc, b: taps + j * oc * c, ldb: c, beta: 1, c: dInput + (reached.lowerBound + j - pad) * batch * c, ldc: c)
    }
}

/// taps (k, oc, c) = weight (oc, c, k) with the tap index first: tap j's (oc, c) matrix W[·, ·, j].
func conv1dTaps(_ taps: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, c: Int, oc: Int, kernel: Int) {
    for o in 0..<oc {
        for ch in 0..<c {
            let w = weight + (o * c + ch) * kernel
            for j in 0..<kernel { taps[(j * oc + o) * c + ch] = w[j] }
        }
    }
}

/// dWeight (oc, c, k) += dTaps (k, oc, c), the taps' gradients in the weight's order.
func addTapGradients(_ dTaps: UnsafePointer<Float>, into dWeight: UnsafeMutablePointer<Float>, c: Int, oc: Int, kernel: Int) {
    for o in 0..<oc {
        for ch in 0..<c {
            let dw = dWeight + (o * c + ch) * kernel
            for j in 0..<kernel { dw[j] += dTaps[(j * oc + o) * c + ch] }
        }
    }
}

/// The backward of a convolution whose output gradient is nonzero at one step per (b, o): the gradient
/// of a max over time (TimePooling.swift), dOut[step[b, o], b, o] = g[b, o] and 0 at every other step.
/// Adds into dInput (T, B, c) (may be nil), dWeight (oc, c, k) and dBias (oc); g and step are (B, oc);
/// dTaps (k, oc, c) is scratch; input and taps are the forward's. The dense backward's 2·k products over
/// T·B rows become 2·k·B·oc row updates of c floats: T times less work (the SNLI ConvNet encoder's top
/// layer, whose output feeds nothing but its max).
public func conv1dBackwardAtOneStep(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                    dBias: UnsafeMutablePointer<Float>, dTaps: UnsafeMutablePointer<Float>,
                                    g: UnsafePointer<Float>, step: UnsafePointer<Int32>, input: UnsafePointer<Float>,
                                    taps: UnsafePointer<Float>, steps: Int, batch: Int, c: Int, oc: Int, kernel: Int,
                                    threads: Int = Compute.threads) {
    let pad = (kernel - 1) / 2
    // dW_j[o] = Σ_b g[b, o] · x[step[b, o] + j − pad, b]: each chunk owns whole rows o, summed over b in order.
    let rowChunks = Compute.chunkCount(work: oc * batch * kernel * c, items: oc, threads: threads)
    Compute.forEachChunk(rowChunks, threads: threads) { chunk in
        for o in (oc * chunk / rowChunks)..<(oc * (chunk + 1) / rowChunks) {
            for j in 0..<kernel { fillZero(dTaps + (j * oc + o) * c, count: c) }
            for b in 0..<batch where g[b * oc + o] != 0 {
                let t = Int(step[b * oc + o])
                for j in 0..<kernel where (0..<steps).contains(t + j - pad) {
                    addScaled(input + ((t + j - pad) * batch + b) * c, by: g[b * oc + o], into: dTaps + (j * oc + o) * c, count: c)
                }
            }
        }
    }
    // dx[step[b, o] + j − pad, b] += g[b, o] · W_j[o]: each chunk owns whole columns b.
    if let dInput {
        let columnChunks = Compute.chunkCount(work: oc * batch * kernel * c, items: batch, threads: threads)
        Compute.forEachChunk(columnChunks, threads: threads) { chunk in
            for b in (batch * chunk / columnChunks)..<(batch * (chunk + 1) / columnChunks) {
                for o in 0..<oc where g[b * oc + o] != 0 {
                    let t = Int(step[b * oc + o])
                    for j in 0..<kernel where (0..<steps).contains(t + j - pad) {
                        addScaled(taps + (j * oc + o) * c, by: g[b * oc + o], into: dInput + ((t + j - pad) * batch + b) * c, count: c)
                    }
                }
            }
        }
    }
    addTapGradients(dTaps, into: dWeight, c: c, oc: oc, kernel: kernel)
    for b in 0..<batch { add(g + b * oc, into: dBias, count: oc) }
}
