// One GRU layer (PyTorch's `nn.GRU`, one direction, sequence-major) over a window of time steps, forward
// and backward through time. A multi-layer GRU is this applied layer after layer.
// Sizes: steps = T, batch = B, inputSize = I, hidden = H. Gate rows are stacked r, z, n (PyTorch's order).
//
//     r = σ(W_ir·x_t + b_ir + W_hr·h_{t−1} + b_hr)      z = σ(W_iz·x_t + b_iz + W_hz·h_{t−1} + b_hz)
//     n = tanh(W_in·x_t + b_in + r ⊙ (W_hn·h_{t−1} + b_hn))
//     h_t = n + z ⊙ (h_{t−1} − n)                         (= (1 − z) ⊙ n + z ⊙ h_{t−1}, ATen's form)
//
// The reset gate multiplies the recurrent candidate *after* its bias, so the input-side and hidden-side
// gradients of the n rows differ: the backward keeps one gate-gradient buffer per side.

/// Runs the layer over T steps.
///
/// - input: (T, B, I); weightIH (3H, I), weightHH (3H, H), biasIH and biasHH (3H).
/// - h: (T + 1, B, H). Slot 0 holds the initial state (read); slots 1…T receive h_t, so the layer's
///   output sequence is `h + B·H`, contiguous (T, B, H).
/// - gates: (T, B, 3H), receives the activated gates r, z, n; recurrentCandidate: (T, B, H), receives
///   W_hn·h_{t−1} + b_hn. Both are kept for the backward.
public func gruForward(h: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>,
                       recurrentCandidate: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                       weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                       biasIH: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                       steps: Int, batch: Int, inputSize: Int, hidden: Int) {
    let gateWidth = 3 * hidden, stateSize = batch * hidden
    // The input projection of every step at once: one large product instead of T small ones.
    gemm(transA: false, transB: true, m: steps * batch, n: gateWidth, k: inputSize, alpha: 1, a: input, lda: inputSize,
         b: weightIH, ldb: inputSize, beta: 0, c: gates, ldc: gateWidth)
    for row in 0..<(steps * batch) { addRow(gates + row * gateWidth, biasIH, gateWidth) }
    // The recurrent projection of one step (B, 3H), kept apart: its n rows are gated by r.
    let recurrent = AlignedBuffer<Float>(count: batch * gateWidth)
    for t in 0..<steps {
        let hPrev = h + t * stateSize, hNext = h + (t + 1) * stateSize
        gemm(transA: false, transB: true, m: batch, n: gateWidth, k: hidden, alpha: 1, a: hPrev, lda: hidden,
             b: weightHH, ldb: hidden, beta: 0, c: recurrent.pointer, ldc: gateWidth)
        for b in 0..<batch {
            let row = gates + (t * batch + b) * gateWidth, g = recurrent.pointer + b * gateWidth
            let candidate = recurrentCandidate + (t * batch + b) * hidden
            addRow(g, biasHH, gateWidth)
            addRow(row, g, 2 * hidden)
            mapVector(row, row, 2 * hidden, vectorSigmoid)
            for j in 0..<hidden {
                candidate[j] = g[2 * hidden + j]
                row[2 * hidden + j] += row[j] * candidate[j]
            }
            mapVector(row + 2 * hidden, row + 2 * hidden, hidden, vectorTanh)
            let hp = hPrev + b * hidden, hn = hNext + b * hidden
            for j in 0..<hidden {
                let n = row[2 * hidden + j]
                hn[j] = n + row[hidden + j] * (hp[j] - n)
            }
        }
    }
}

/// Backpropagates through the T steps of the window (truncated BPTT: the final state's gradient is 0,
/// because the next window receives the state detached, unless `dHLast` injects one).
///
/// - dHidden: (T, B, H), d loss / d h_t for t = 1…T from above (the decoder or the next layer).
/// - Adds into dInput (T, B, I) (may be nil), dWeightIH, dWeightHH, dBiasIH, dBiasHH.
/// - Writes dH0 (B, H): d loss / d initial state. It also serves as the running recurrent gradient.
/// - dHLast (B, H): a gradient arriving at the final state h_T from outside the window (the synthetic
///   gradient of DNI); nil for none.
/// - dGatesInput, dGatesHidden: (T, B, 3H) scratch, receive d loss / d the input-side and hidden-side
///   pre-activations (equal in the r and z rows; the n rows differ by the factor r).
/// - input, h, gates, recurrentCandidate, weightIH, weightHH: as the forward left them.
public func gruBackward(dInput: UnsafeMutablePointer<Float>?, dWeightIH: UnsafeMutablePointer<Float>,
                        dWeightHH: UnsafeMutablePointer<Float>, dBiasIH: UnsafeMutablePointer<Float>,
                        dBiasHH: UnsafeMutablePointer<Float>, dH0: UnsafeMutablePointer<Float>,
                        dGatesInput: UnsafeMutablePointer<Float>, dGatesHidden: UnsafeMutablePointer<Float>,
                        dHidden: UnsafePointer<Float>, input: UnsafePointer<Float>, h: UnsafePointer<Float>,
                        gates: UnsafePointer<Float>, recurrentCandidate: UnsafePointer<Float>,
                        weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                        steps: Int, batch: Int, inputSize: Int, hidden: Int, dHLast: UnsafePointer<Float>? = nil) {
    let gateWidth = 3 * hidden, stateSize = batch * hidden, rows = steps * batch
    // The running recurrent gradient starts as the gradient at h_T from beyond the window.
    if let dHLast { dH0.update(from: dHLast, count: stateSize) } else { dH0.update(repeating: 0, count: stateSize) }
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let hPrev = h + t * stateSize, dh = dHidden + t * stateSize
        for b in 0..<batch {
            let at = (t * batch + b) * gateWidth
            let row = gates + at, dIn = dGatesInput + at, dHid = dGatesHidden + at
            let candidate = recurrentCandidate + (t * batch + b) * hidden
            let dhRec = dH0 + b * hidden, dhb = dh + b * hidden, hp = hPrev + b * hidden
            for j in 0..<hidden {
                let r = row[j], z = row[hidden + j], n = row[2 * hidden + j]
                let dhTotal = dhb[j] + dhRec[j]
                let dnPre = dhTotal * (1 - z) * (1 - n * n)
                let dzPre = dhTotal * (hp[j] - n) * z * (1 - z)
                let drPre = dnPre * candidate[j] * r * (1 - r)
                dIn[j] = drPre
                dIn[hidden + j] = dzPre
                dIn[2 * hidden + j] = dnPre
                dHid[j] = drPre
                dHid[hidden + j] = dzPre
                dHid[2 * hidden + j] = dnPre * r
                // The direct path h_{t−1} → h_t; the gated paths are added by the product below.
                dhRec[j] = dhTotal * z
            }
        }
        // dh_{t−1} += dGatesHidden_t (B, 3H) · W_hh (3H, H).
        gemm(transA: false, transB: false, m: batch, n: hidden, k: gateWidth, alpha: 1, a: dGatesHidden + t * batch * gateWidth,
             lda: gateWidth, b: weightHH, ldb: hidden, beta: 1, c: dH0, ldc: hidden)
    }
    recurrentParameterGradients(dGatesInput: dGatesInput, dGatesHidden: dGatesHidden, gateWidth: gateWidth, h: h, input: input,
                                rows: rows, hidden: hidden, inputSize: inputSize, weightIH: weightIH, dWeightIH: dWeightIH,
                                dWeightHH: dWeightHH, dBiasIH: dBiasIH, dBiasHH: dBiasHH, dInput: dInput)
}
