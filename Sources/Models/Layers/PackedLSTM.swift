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
    for t in 0..<steps {
        let m = activeRows(lengths, batch: batch, step: t)
        guard m > 0 else { continue }
        let a = gates + t * batch * gateWidth
        // The input projection of the step's running rows (padded positions are never read).
        gemm(transA: false, transB: true, m: m, n: gateWidth, k: inputSize, alpha: 1, a: input + t * batch * inputSize, lda: inputSize,
             b: weightIH, ldb: inputSize, beta: 0, c: a, ldc: gateWidth)
        for row in 0..<m {
            let r = a + row * gateWidth
            for j in 0..<gateWidth { r[j] += biasIH[j] + biasHH[j] }
        }
    }
    for t in 0..<steps {
        let a = gates + t * batch * gateWidth
        let hPrev = h + t * stateSize, cPrev = c + t * stateSize
        let hNext = h + (t + 1) * stateSize, cNext = c + (t + 1) * stateSize
        let tc = tanhC + t * stateSize, o = out + t * stateSize
        let m = activeRows(lengths, batch: batch, step: t)
        if m > 0 {
            gemm(transA: false, transB: true, m: m, n: gateWidth, k: hidden, alpha: 1, a: hPrev, lda: hidden,
                 b: weightHH, ldb: hidden, beta: 1, c: a, ldc: gateWidth)
        }
        for b in 0..<batch {
            let hp = hPrev + b * hidden, cp = cPrev + b * hidden, hn = hNext + b * hidden, cn = cNext + b * hidden
            guard t < Int(lengths[b]) else {
                hn.update(from: hp, count: hidden)
                cn.update(from: cp, count: hidden)
                (o + b * hidden).update(repeating: 0, count: hidden)
                continue
            }
            let row = a + b * gateWidth, tcb = tc + b * hidden, ob = o + b * hidden
            mapVector(row, row, 2 * hidden, vectorSigmoid)
            mapVector(row + 2 * hidden, row + 2 * hidden, hidden, vectorTanh)
            mapVector(row + 3 * hidden, row + 3 * hidden, hidden, vectorSigmoid)
            for j in 0..<hidden { cn[j] = row[hidden + j] * cp[j] + row[j] * row[2 * hidden + j] }
            mapVector(tcb, cn, hidden, vectorTanh)
            for j in 0..<hidden {
                hn[j] = row[3 * hidden + j] * tcb[j]
                ob[j] = hn[j]
            }
        }
    }
}

/// Backpropagates through the packed layer.
///
/// - dOut: (T, B, H), d loss / d out (entries at t ≥ lengths[b] are ignored: those outputs are constants).
/// - dHFinal, dCFinal: (B, H), d loss / d (h_n, c_n) from whatever read the final state; nil for none.
/// - Adds into dInput (T, B, I) (may be nil; padded rows receive nothing), dWeightIH, dWeightHH, dBiasIH,
///   dBiasHH (the two bias gradients are the same sum, added to both).
/// - Writes dH0, dC0 (B, H): d loss / d initial state. They also serve as the running recurrent gradients.
/// - dGates: (T, B, 4H) scratch; scratch: (B, H).
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
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let a = gates + t * batch * gateWidth, da = dGates + t * batch * gateWidth
        let cPrev = c + t * stateSize, tc = tanhC + t * stateSize
        for b in 0..<batch {
            let dRow = da + b * gateWidth
            guard t < Int(lengths[b]) else {
                // The state passed through unchanged: its gradient does too.
                dRow.update(repeating: 0, count: gateWidth)
                continue
            }
            let row = a + b * gateWidth
            let dhRec = dH0 + b * hidden, dc = dC0 + b * hidden
            let cp = cPrev + b * hidden, tcb = tc + b * hidden
            let dhb = dOut.map { $0 + t * stateSize + b * hidden }
            for j in 0..<hidden {
                let i = row[j], f = row[hidden + j], g = row[2 * hidden + j], o = row[3 * hidden + j]
                let dhTotal = (dhb?[j] ?? 0) + dhRec[j]
                let dcTotal = dc[j] + dhTotal * o * (1 - tcb[j] * tcb[j])
                dRow[j] = dcTotal * g * i * (1 - i)
                dRow[hidden + j] = dcTotal * cp[j] * f * (1 - f)
                dRow[2 * hidden + j] = dcTotal * i * (1 - g * g)
                dRow[3 * hidden + j] = dhTotal * tcb[j] * o * (1 - o)
                dc[j] = dcTotal * f
            }
        }
        let m = activeRows(lengths, batch: batch, step: t)
        guard m > 0 else { continue }
        // The recurrent gradient for step t − 1, for the sequences that ran step t.
        gemm(transA: false, transB: false, m: m, n: hidden, k: gateWidth, alpha: 1, a: da, lda: gateWidth,
             b: weightHH, ldb: hidden, beta: 0, c: scratch, ldc: hidden)
        for b in 0..<m where t < Int(lengths[b]) {
            (dH0 + b * hidden).update(from: scratch + b * hidden, count: hidden)
        }
        // The parameter gradients are sums over rows: only the step's running rows contribute.
        lstmParameterGradients(dGates: da, h: h + t * stateSize, input: input + t * batch * inputSize, rows: m, hidden: hidden,
                               inputSize: inputSize, weightIH: weightIH, dWeightIH: dWeightIH, dWeightHH: dWeightHH,
                               dBiasIH: dBiasIH, dBiasHH: dBiasHH, dInput: dInput.map { $0 + t * batch * inputSize })
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
