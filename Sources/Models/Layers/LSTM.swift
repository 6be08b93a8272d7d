// One LSTM layer (PyTorch's `nn.LSTM`, one direction, sequence-major) over a window of time steps,
// forward and backward through time. A multi-layer LSTM is this applied layer after layer.
// Sizes: steps = T, batch = B, inputSize = I, hidden = H. Gate rows are stacked i, f, g, o.
//
//     a   = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh                    (4H)
//     i = σ(a[0:H])  f = σ(a[H:2H])  g = tanh(a[2H:3H])  o = σ(a[3H:4H])
//     c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)

/// Runs the layer over T steps.
///
/// - input: (T, B, I); weightIH (4H, I), weightHH (4H, H), biasIH and biasHH (4H).
/// - h, c: (T + 1, B, H). Slot 0 holds the initial state (read); slots 1…T receive h_t and c_t, so the
///   layer's output sequence is `h + B·H`, contiguous (T, B, H).
/// - gates: (T, B, 4H), receives the activated gates i, f, g, o; tanhC: (T, B, H), receives tanh(c_t).
///   Both are kept for the backward.
public func lstmForward(h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                        gates: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>,
                        input: UnsafePointer<Float>, weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                        biasIH: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                        steps: Int, batch: Int, inputSize: Int, hidden: Int) {
    let gateWidth = 4 * hidden, stateSize = batch * hidden
    // The input projection of every step at once: one large product instead of T small ones.
    gemm(transA: false, transB: true, m: steps * batch, n: gateWidth, k: inputSize, alpha: 1, a: input, lda: inputSize,
         b: weightIH, ldb: inputSize, beta: 0, c: gates, ldc: gateWidth)
    for row in 0..<(steps * batch) {
        let a = gates + row * gateWidth
        for j in 0..<gateWidth { a[j] += biasIH[j] + biasHH[j] }
    }
    for t in 0..<steps {
        let a = gates + t * batch * gateWidth
        let hPrev = h + t * stateSize, cPrev = c + t * stateSize
        let hNext = h + (t + 1) * stateSize, cNext = c + (t + 1) * stateSize, tc = tanhC + t * stateSize
        gemm(transA: false, transB: true, m: batch, n: gateWidth, k: hidden, alpha: 1, a: hPrev, lda: hidden,
             b: weightHH, ldb: hidden, beta: 1, c: a, ldc: gateWidth)
        for b in 0..<batch {
            let row = a + b * gateWidth
            mapVector(row, row, 2 * hidden, vectorSigmoid)
            mapVector(row + 2 * hidden, row + 2 * hidden, hidden, vectorTanh)
            mapVector(row + 3 * hidden, row + 3 * hidden, hidden, vectorSigmoid)
            let cp = cPrev + b * hidden, cn = cNext + b * hidden
            for j in 0..<hidden { cn[j] = row[hidden + j] * cp[j] + row[j] * row[2 * hidden + j] }
        }
        mapVector(tc, cNext, stateSize, vectorTanh)
        for b in 0..<batch {
            let o = a + b * gateWidth + 3 * hidden, tcb = tc + b * hidden, hn = hNext + b * hidden
            for j in 0..<hidden { hn[j] = o[j] * tcb[j] }
        }
    }
}

/// Backpropagates through the T steps of the window (truncated BPTT: the final state's gradient is 0,
/// because the next window receives the state detached, unless `dHLast`/`dCLast` inject one).
///
/// - dHidden: (T, B, H), d loss / d h_t for t = 1…T from above (the decoder or the next layer).
/// - Adds into dInput (T, B, I) (may be nil), dWeightIH, dWeightHH, dBiasIH, dBiasHH (the two bias
///   gradients are the same sum, added to both).
/// - Writes dH0, dC0 (B, H): d loss / d initial state. They also serve as the running recurrent gradients.
/// - dHLast, dCLast (B, H): a gradient arriving at the final state h_T, c_T from outside the window (the
///   synthetic gradient of DNI); nil for none.
/// - dGates: (T, B, 4H) scratch, receives d loss / d pre-activations.
/// - input, h, c, gates, tanhC, weightIH, weightHH: as the forward left them.
public func lstmBackward(dInput: UnsafeMutablePointer<Float>?, dWeightIH: UnsafeMutablePointer<Float>,
                         dWeightHH: UnsafeMutablePointer<Float>, dBiasIH: UnsafeMutablePointer<Float>,
                         dBiasHH: UnsafeMutablePointer<Float>, dH0: UnsafeMutablePointer<Float>,
                         dC0: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                         dHidden: UnsafePointer<Float>, input: UnsafePointer<Float>, h: UnsafePointer<Float>,
                         c: UnsafePointer<Float>, gates: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                         weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                         steps: Int, batch: Int, inputSize: Int, hidden: Int,
                         dHLast: UnsafePointer<Float>? = nil, dCLast: UnsafePointer<Float>? = nil) {
    let gateWidth = 4 * hidden, stateSize = batch * hidden
    // The running recurrent gradients start as the gradient at (h_T, c_T) from beyond the window.
    if let dHLast { dH0.update(from: dHLast, count: stateSize) } else { dH0.update(repeating: 0, count: stateSize) }
    if let dCLast { dC0.update(from: dCLast, count: stateSize) } else { dC0.update(repeating: 0, count: stateSize) }
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let a = gates + t * batch * gateWidth, da = dGates + t * batch * gateWidth
        let cPrev = c + t * stateSize, tc = tanhC + t * stateSize, dh = dHidden + t * stateSize
        for b in 0..<batch {
            let row = a + b * gateWidth, dRow = da + b * gateWidth
            let dhRec = dH0 + b * hidden, dc = dC0 + b * hidden
            let cp = cPrev + b * hidden, tcb = tc + b * hidden, dhb = dh + b * hidden
            for j in 0..<hidden {
                let i = row[j], f = row[hidden + j], g = row[2 * hidden + j], o = row[3 * hidden + j]
                let dhTotal = dhb[j] + dhRec[j]
                let dcTotal = dc[j] + dhTotal * o * (1 - tcb[j] * tcb[j])
                dRow[j] = dcTotal * g * i * (1 - i)
                dRow[hidden + j] = dcTotal * cp[j] * f * (1 - f)
                dRow[2 * hidden + j] = dcTotal * i * (1 - g * g)
                dRow[3 * hidden + j] = dhTotal * tcb[j] * o * (1 - o)
                dc[j] = dcTotal * f
            }
        }
        // The recurrent gradient for step t − 1: dGates_t (B, 4H) · W_hh (4H, H).
        gemm(transA: false, transB: false, m: batch, n: hidden, k: gateWidth, alpha: 1, a: da, lda: gateWidth,
             b: weightHH, ldb: hidden, beta: 0, c: dH0, ldc: hidden)
    }
    lstmParameterGradients(dGates: dGates, h: h, input: input, rows: steps * batch, hidden: hidden, inputSize: inputSize,
                           weightIH: weightIH, dWeightIH: dWeightIH, dWeightHH: dWeightHH, dBiasIH: dBiasIH, dBiasHH: dBiasHH,
                           dInput: dInput)
}

/// The parameter and input gradients of an LSTM from its gate gradients, all steps at once:
/// dGates (rows, 4H), h (rows, H) the states before each step, input (rows, I); padded rows have zero
/// dGates. Accumulates into dW_hh (4H, H), dW_ih (4H, I), both biases and dInput (rows, I).
func lstmParameterGradients(dGates: UnsafePointer<Float>, h: UnsafePointer<Float>, input: UnsafePointer<Float>, rows: Int,
                            hidden: Int, inputSize: Int, weightIH: UnsafePointer<Float>,
                            dWeightIH: UnsafeMutablePointer<Float>, dWeightHH: UnsafeMutablePointer<Float>,
                            dBiasIH: UnsafeMutablePointer<Float>, dBiasHH: UnsafeMutablePointer<Float>,
                            dInput: UnsafeMutablePointer<Float>?) {
    let gateWidth = 4 * hidden
    // dW_hh (4H, H) += dGatesᵀ (4H, T·B) · h_{t−1} (T·B, H), the states before each step.
    gemm(transA: true, transB: false, m: gateWidth, n: hidden, k: rows, alpha: 1, a: dGates, lda: gateWidth,
         b: h, ldb: hidden, beta: 1, c: dWeightHH, ldc: hidden)
    // dW_ih (4H, I) += dGatesᵀ · input (T·B, I)
    gemm(transA: true, transB: false, m: gateWidth, n: inputSize, k: rows, alpha: 1, a: dGates, lda: gateWidth,
         b: input, ldb: inputSize, beta: 1, c: dWeightIH, ldc: inputSize)
    if let dInput {
        // dInput (T·B, I) += dGates (T·B, 4H) · W_ih (4H, I)
        gemm(transA: false, transB: false, m: rows, n: inputSize, k: gateWidth, alpha: 1, a: dGates, lda: gateWidth,
             b: weightIH, ldb: inputSize, beta: 1, c: dInput, ldc: inputSize)
    }
    for row in 0..<rows {
        addRow(dBiasIH, dGates + row * gateWidth, gateWidth)
        addRow(dBiasHH, dGates + row * gateWidth, gateWidth)
    }
}
