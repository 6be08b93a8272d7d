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
import KernelInterface

/// The output steps tap j reads a real input step for: t + j − pad in 0..<T.
@inline(__always)
private func tapSteps(_ j: Int, steps: Int, pad: Int) -> Range<Int> {
    max(0, pad - j)..<max(max(0, pad - j), min(steps, steps + pad - j))
}

/// `out` (T, B, oc) = the convolution of input (T, B, c) with weight (oc, c, k) and bias (oc), then
/// max(·, 0) with `relu` (in the bias's pass: a separate ReLU pass read the whole output again).
/// `taps` (k, oc, c) receives tap j's (oc, c) weights W[·, ·, j], kept for the backward.
public func conv1dForward(out: UnsafeMutablePointer<Float>, taps: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                          steps: Int, batch: Int, c: Int, oc: Int, kernel: Int, relu: Bool = false) {
    let pad = (kernel - 1) / 2
    conv1dTaps(taps, weight: weight, c: c, oc: oc, kernel: kernel)
    // The centre tap reaches every step and sets out; the others add theirs.
    for j in [pad] + (0..<kernel).filter({ $0 != pad }) {
        let reached = tapSteps(j, steps: steps, pad: pad)
        guard !reached.isEmpty else { continue }
        tapProduct(c: out, a: input, b: taps + j * oc * c, transB: true, outputSteps: reached, shift: j - pad, beta: j == pad ? 0 : 1,
                   batch: batch, depth: c, columns: oc)
    }
    for row in 0..<(steps * batch) { addBias(bias, into: out + row * oc, count: oc, relu: relu) }
}

/// row += bias, then max(row, 0) (`x > 0 ? x : 0`, reluForward's) with `relu`.
@inline(__always)
func addBias(_ bias: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>, count: Int, relu: Bool) {
    var j = 0
    while j + 16 <= count {
        let raw = UnsafeMutableRawPointer(row + j)
        let sum = raw.loadUnaligned(as: SIMD16<Float>.self) + UnsafeRawPointer(bias + j).loadUnaligned(as: SIMD16<Float>.self)
        raw.storeBytes(of: relu ? SIMD16<Float>(repeating: 0).replacing(with: sum, where: sum .> 0) : sum, as: SIMD16<Float>.self)
        j += 16
    }
    while j < count {
        let sum = row[j] + bias[j]
        row[j] = relu && !(sum > 0) ? 0 : sum
        j += 1
    }
}

/// Adds into dInput (T, B, c) (may be nil; written instead with `accumulate` false), dWeight (oc, c, k)
/// and dBias (oc), given dOut (T, B, oc). dTaps (k, oc, c) is scratch; input and taps are the forward's.
public func conv1dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>, dTaps: UnsafeMutablePointer<Float>,
                           dOut: UnsafePointer<Float>, input: UnsafePointer<Float>, taps: UnsafePointer<Float>,
                           steps: Int, batch: Int, c: Int, oc: Int, kernel: Int, accumulate: Bool = true) {
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
    if let dInput {
        conv1dInputGradient(dInput: dInput, dOut: dOut, taps: taps, steps: steps, batch: batch, c: c, oc: oc, kernel: kernel,
                            accumulate: accumulate)
    }
    addTapGradients(dTaps, into: dWeight, c: c, oc: oc, kernel: kernel)
    // Each bias sums its rows in increasing order.
    for row in 0..<(steps * batch) { add(dOut + row * oc, into: dBias, count: oc) }
}

/// Adds into dInput (T, B, c) the input gradient alone, given dOut (T, B, oc) and the forward's taps:
/// dx[t + j − pad] += dOut[t] · W_j, tap by tap. With `accumulate` false dInput is written: the steps
/// the first tap misses are zeroed and the first tap's product stores (beta 0), the same bits as adding
/// into zeros without the pass that zeroed them.
public func conv1dInputGradient(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, taps: UnsafePointer<Float>,
                                steps: Int, batch: Int, c: Int, oc: Int, kernel: Int, accumulate: Bool = true) {
    let pad = (kernel - 1) / 2
    var written = accumulate
    for j in 0..<kernel {
        let reached = tapSteps(j, steps: steps, pad: pad)
        guard !reached.isEmpty else { continue }
        let first = reached.lowerBound + j - pad, end = first + reached.count
        if !written {
            dInput.update(repeating: 0, count: first * batch * c)
            (dInput + end * batch * c).update(repeating: 0, count: (steps - end) * batch * c)
        }
        tapProduct(c: dInput, a: dOut, b: taps + j * oc * c, transB: false, outputSteps: first..<end, shift: pad - j,
                   beta: written ? 1 : 0, batch: batch, depth: oc, columns: c)
        written = true
    }
}

/// One tap's product over the output steps `outputSteps`: C[t] = A[t + shift] · op(B) + beta · C[t], rows
/// of `batch` (C's `columns` wide, A's `depth` wide). A tap's A spans every step (2 MiB for SNLI's 1,280
/// premise rows of 400), and gemm's direct path streams all of it from L3 once per 32-column sliver of
/// B; here B is packed once and the product runs in blocks of steps whose A rows stay in L2. Each C
/// element is the same chain of multiply-adds as gemm's on any path while the depth fits one of the
/// kernel set's depth blocks; deeper products take gemm itself.
private func tapProduct(c: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, transB: Bool,
                        outputSteps: Range<Int>, shift: Int, beta: Float, batch: Int, depth: Int, columns: Int) {
    let rows = batch * outputSteps.lowerBound, sourceRows = batch * (outputSteps.lowerBound + shift)
    guard depth <= Kernels.current.depthBlock else {
        gemm(transA: false, transB: transB, m: outputSteps.count * batch, n: columns, k: depth, alpha: 1, a: a + sourceRows * depth,
             lda: depth, b: b, ldb: transB ? depth : columns, beta: beta, c: c + rows * columns, ldc: columns)
        return
    }
    let packed = PackedOperand(transB: transB, b: b, ldb: transB ? depth : columns, depth: depth, columns: columns)
    // Half of a 1 MiB L2 for the A block.
    let blockSteps = max(1, (1 << 17) / (batch * depth))
    for t0 in stride(from: 0, to: outputSteps.count, by: blockSteps) {
        let steps = min(blockSteps, outputSteps.count - t0)
        gemm(transA: false, m: steps * batch, a: a + (sourceRows + t0 * batch) * depth, lda: depth, packed: packed, beta: beta,
             c: c + (rows + t0 * batch) * columns, ldc: columns)
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
/// layer, whose output feeds nothing but its max). The row updates run in the kernel set (OneStepConvolution.swift).
public func conv1dBackwardAtOneStep(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                                    dBias: UnsafeMutablePointer<Float>, dTaps: UnsafeMutablePointer<Float>,
                                    g: UnsafePointer<Float>, step: UnsafePointer<Int32>, input: UnsafePointer<Float>,
                                    taps: UnsafePointer<Float>, steps: Int, batch: Int, c: Int, oc: Int, kernel: Int,
                                    threads: Int = Compute.threads) {
    let kernels = Kernels.current
    let operands = OneStepGradient(dTaps: dTaps, dInput: dInput, g: g, step: step, input: input, taps: taps,
                                   steps: steps, batch: batch, c: c, oc: oc, kernel: kernel)
    // dW_j[o] = Σ_b g[b, o] · x[step[b, o] + j − pad, b]: each chunk owns whole rows o, summed over b in order.
    let rowChunks = Compute.chunkCount(work: oc * batch * kernel * c, items: oc, threads: threads)
    Compute.forEachChunk(rowChunks, threads: threads) { chunk in
        kernels.oneStepTapGradients(operands, (oc * chunk / rowChunks)..<(oc * (chunk + 1) / rowChunks))
    }
    // dx[step[b, o] + j − pad, b] += g[b, o] · W_j[o]: each chunk owns whole columns b.
    if dInput != nil {
        let columnChunks = Compute.chunkCount(work: oc * batch * kernel * c, items: batch, threads: threads)
        Compute.forEachChunk(columnChunks, threads: threads) { chunk in
            kernels.oneStepInputGradient(operands, (batch * chunk / columnChunks)..<(batch * (chunk + 1) / columnChunks))
        }
    }
    addTapGradients(dTaps, into: dWeight, c: c, oc: oc, kernel: kernel)
    for b in 0..<batch { add(g + b * oc, into: dBias, count: oc) }
}
