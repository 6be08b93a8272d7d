// One LSTM layer over a padded batch of sequences of different lengths, as PyTorch runs a packed
// sequence (`pack_padded_sequence`): sequence b takes only its first lengths[b] steps. Sizes: steps = T
// (the longest), batch = B, inputSize = I, hidden = H; input and outputs are sequence-major (T, B, ·).
// Gate rows are stacked i, f, g, o, as in `lstmForward`.
//
//   t < lengths[b]:  the usual cell update; out[t, b] = h_t
//   t ≥ lengths[b]:  the state is carried unchanged (so slot T holds h_n, c_n after step length − 1) and
//                    out[t, b] = 0; the padded inputs are never read.
//
// The backward direction of a bidirectional LSTM runs each sequence from its own last step down to 0:
// `reverseWithinLengths` reverses each sequence's first lengths[b] steps, so it is this same layer run
// on reversed inputs, with its outputs reversed back.
import KernelInterface

/// Runs the layer over T steps of a padded batch.
///
/// - out: (T, B, H), receives h_t, and 0 at t ≥ lengths[b].
/// - h, c: (T + 1, B, H). Slot 0 holds the initial state (read); slot t + 1 receives the state after
///   step t (carried past each sequence's end, so slot T is (h_n, c_n)).
/// - gates: (T, B, 4H), activated gates i, f, g, o; tanhC: (T, B, H), tanh(c_t). Kept for the backward.
/// - input: (T, B, I); lengths: (B), each in 0...T.
public func packedLSTMForward(out: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                              gates: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
                              input: UnsafePointer<Float>, lengths: UnsafePointer<Int32>,
                              weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                              biasIH: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                              steps: Int, batch: Int, inputSize: Int, hidden: Int) {
    let gateWidth = 4 * hidden, stateSize = batch * hidden
    // The input projection of each step's running rows, with W_ih packed once for all steps.
    let projection = PackedOperand(transB: true, b: weightIH, ldb: inputSize, depth: inputSize, columns: gateWidth)
    for t in 0..<steps {
        let m = activeRows(lengths, batch: batch, step: t)
        guard m > 0 else { continue }
        let a = gates + t * batch * gateWidth
        gemm(transA: false, m: m, a: input + t * batch * inputSize, lda: inputSize, packed: projection, beta: 0, c: a, ldc: gateWidth)
        addGateBiases(a, biasIH, biasHH, rows: m, gateWidth: gateWidth)
    }
    // Packed on the same scratch: the projection's operand is done with.
    let recurrent = PackedOperand(transB: true, b: weightHH, ldb: hidden, depth: hidden, columns: gateWidth)
    for t in 0..<steps {
        let a = gates + t * batch * gateWidth
        let hPrev = h + t * stateSize, cPrev = c + t * stateSize
        let hNext = h + (t + 1) * stateSize, cNext = c + (t + 1) * stateSize
        let m = activeRows(lengths, batch: batch, step: t)
        if m > 0 {
            gemm(transA: false, m: m, a: hPrev, lda: hidden, packed: recurrent, beta: 1, c: a, ldc: gateWidth)
        }
        forEachRun(lengths, batch: batch, step: t) { first, count, running in
            let offset = first * hidden
            guard running else {
                (hNext + offset).update(from: hPrev + offset, count: count * hidden)
                (cNext + offset).update(from: cPrev + offset, count: count * hidden)
                (out + t * stateSize + offset).update(repeating: 0, count: count * hidden)
                return
            }
            recurrent.kernels.lstmCellForward(LSTMCellRows(gates: a + first * gateWidth, cPrev: cPrev + offset, c: cNext + offset,
                                                           tanhC: tanhC + t * stateSize + offset, h: hNext + offset,
                                                           out: out + t * stateSize + offset, rows: count, hidden: hidden))
        }
    }
}

/// Backpropagates through the packed layer.
///
/// - dOut: (T, B, H), d loss / d out (entries at t ≥ lengths[b] are ignored: those outputs are constants).
/// - dHFinal, dCFinal: (B, H), d loss / d (h_n, c_n) from whatever read the final state; nil for none.
/// - Adds into dInput (T, B, I) (may be nil; padded rows receive 0), dWeightIH, dWeightHH, dBiasIH,
///   dBiasHH (the two bias gradients are the same sum, added to both).
/// - Writes dH0, dC0 (B, H): d loss / d initial state. They also serve as the running recurrent gradients.
/// - dGates: (T, B, 4H) scratch (left holding the running rows' gate gradients, gathered); scratch: (B, H).
/// - input, lengths, h, c, gates, tanhC, weights: as the forward left them.
public func packedLSTMBackward(dInput: UnsafeMutablePointer<Float>?, dWeightIH: UnsafeMutablePointer<Float>,
                               dWeightHH: UnsafeMutablePointer<Float>, dBiasIH: UnsafeMutablePointer<Float>,
                               dBiasHH: UnsafeMutablePointer<Float>, dH0: UnsafeMutablePointer<Float>,
                               dC0: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                               scratch: UnsafeMutablePointer<Float>,
                               dOut: UnsafePointer<Float>?, dHFinal: UnsafePointer<Float>?, dCFinal: UnsafePointer<Float>?,
                               input: UnsafePointer<Float>, lengths: UnsafePointer<Int32>, h: UnsafePointer<Float>,
                               c: UnsafePointer<Float>, gates: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                               weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                               steps: Int, batch: Int, inputSize: Int, hidden: Int) {
    let gateWidth = 4 * hidden, stateSize = batch * hidden
    if let dHFinal { dH0.update(from: dHFinal, count: stateSize) } else { dH0.update(repeating: 0, count: stateSize) }
    if let dCFinal { dC0.update(from: dCFinal, count: stateSize) } else { dC0.update(repeating: 0, count: stateSize) }
    let recurrent = PackedOperand(transB: false, b: weightHH, ldb: hidden, depth: gateWidth, columns: hidden)
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let a = gates + t * batch * gateWidth, da = dGates + t * batch * gateWidth
        forEachRun(lengths, batch: batch, step: t) { first, count, running in
            guard running else {
                // The state passed through unchanged: its gradient does too.
                (da + first * gateWidth).update(repeating: 0, count: count * gateWidth)
                return
            }
            let offset = first * hidden
            recurrent.kernels.lstmCellBackward(LSTMCellGradientRows(dGates: da + first * gateWidth, dC: dC0 + offset, dH: dH0 + offset,
                                                                    dOut: dOut.map { $0 + t * stateSize + offset },
                                                                    gates: a + first * gateWidth, cPrev: c + t * stateSize + offset,
                                                                    tanhC: tanhC + t * stateSize + offset, rows: count, hidden: hidden))
        }
        let m = activeRows(lengths, batch: batch, step: t)
        guard m > 0 else { continue }
        // The recurrent gradient for step t − 1, for the sequences that ran step t.
        gemm(transA: false, m: m, a: da, lda: gateWidth, packed: recurrent, beta: 0, c: scratch, ldc: hidden)
        for b in 0..<m where t < Int(lengths[b]) {
            (dH0 + b * hidden).update(from: scratch + b * hidden, count: hidden)
        }
    }
    let rows = steps * batch
    if let dInput {
        // dInput (T·B, I) += dGates · W_ih over every row: the padded ones add their zero dGates.
        gemm(transA: false, transB: false, m: rows, n: inputSize, k: gateWidth, alpha: 1, a: dGates, lda: gateWidth,
             b: weightIH, ldb: inputSize, beta: 1, c: dInput, ldc: inputSize)
    }
    // The parameter gradients are sums over the running rows: gathered into consecutive rows, they are
    // three products of depth Σ lengths (per-step products, of depth B at most, ran at a third of the speed).
    let running = Scratch.current.floats(.lstmRows, count: rows * (hidden + inputSize))
    let hRunning = running, inputRunning = running + rows * hidden
    var n = 0
    for t in 0..<steps {
        for b in 0..<batch where t < Int(lengths[b]) {
            let row = t * batch + b
            if n != row { (dGates + n * gateWidth).update(from: dGates + row * gateWidth, count: gateWidth) }
            (hRunning + n * hidden).update(from: h + row * hidden, count: hidden)
            (inputRunning + n * inputSize).update(from: input + row * inputSize, count: inputSize)
            n += 1
        }
    }
    recurrentParameterGradients(dGatesInput: dGates, dGatesHidden: dGates, gateWidth: 4 * hidden, h: hRunning,
                                input: inputRunning, rows: n, hidden: hidden, inputSize: inputSize, weightIH: weightIH,
                                dWeightIH: dWeightIH, dWeightHH: dWeightHH, dBiasIH: dBiasIH, dBiasHH: dBiasHH, dInput: nil)
}

/// Calls `body(first, count, running)` for each maximal run of batch columns that all run step t
/// (t < lengths[b]) or all do not, in order.
@inline(__always)
private func forEachRun(_ lengths: UnsafePointer<Int32>, batch: Int, step t: Int, _ body: (Int, Int, Bool) -> Void) {
    var first = 0
    while first < batch {
        let running = t < Int(lengths[first])
        var end = first + 1
        while end < batch && (t < Int(lengths[end])) == running { end += 1 }
        body(first, end - first, running)
        first = end
    }
}

/// Rows 0..<m of step t hold every sequence still running at t: m is one past the last batch column
/// longer than t. When the batch is sorted by length, longest first (as the original packs it and
/// NLINet orders it), those rows are exactly the running ones, so the products skip the padded rows.
private func activeRows(_ lengths: UnsafePointer<Int32>, batch: Int, step t: Int) -> Int {
    var m = 0
    for b in 0..<batch where t < Int(lengths[b]) { m = b + 1 }
    return m
}

/// `dst[t, b] = src[lengths[b] − 1 − t, b]` for t < lengths[b], and 0 for t ≥ lengths[b]: each sequence's
/// real steps reversed in place of time. Applying it twice gives back the real steps. src, dst: (T, B, width),
/// distinct buffers.
public func reverseWithinLengths(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, lengths: UnsafePointer<Int32>,
                                 steps: Int, batch: Int, width: Int) {
    for t in 0..<steps {
        for b in 0..<batch {
            let length = Int(lengths[b]), d = dst + (t * batch + b) * width
            if t < length {
                d.update(from: src + ((length - 1 - t) * batch + b) * width, count: width)
            } else {
                d.update(repeating: 0, count: width)
            }
        }
    }
}

/// `dst[t, b] += src[lengths[b] − 1 − t, b]` for t < lengths[b]: the adjoint of `reverseWithinLengths`,
/// for gradients.
public func addReversedWithinLengths(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, lengths: UnsafePointer<Int32>,
                                     steps: Int, batch: Int, width: Int) {
    for b in 0..<batch {
        let length = Int(lengths[b])
        for t in 0..<min(length, steps) {
            addRow(dst + (t * batch + b) * width, src + ((length - 1 - t) * batch + b) * width, width)
        }
    }
}
