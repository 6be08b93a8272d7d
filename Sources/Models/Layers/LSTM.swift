// One LSTM layer (PyTorch's `nn.LSTM`, one direction, sequence-major) over a window of time steps,
// forward and backward through time. A multi-layer LSTM is this applied layer after layer. The cell's
// element-wise update runs in the kernel set (KernelSource/LSTMCell.swift); the recurrent product reuses
// W_hh packed once per call (PackedOperand.swift).
// Sizes: steps = T, batch = B, inputSize = I, hidden = H. Gate rows are stacked i, f, g, o.
//
//     a   = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh                    (4H)
//     i = σ(a[0:H])  f = σ(a[H:2H])  g = tanh(a[2H:3H])  o = σ(a[3H:4H])
//     c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)
import KernelInterface

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
    addGateBiases(gates, biasIH, biasHH, rows: steps * batch, gateWidth: gateWidth)
    let recurrent = PackedOperand(transB: true, b: weightHH, ldb: hidden, depth: hidden, columns: gateWidth)
    for t in 0..<steps {
        let a = gates + t * batch * gateWidth
        gemm(transA: false, m: batch, a: h + t * stateSize, lda: hidden, packed: recurrent, beta: 1, c: a, ldc: gateWidth)
        recurrent.kernels.lstmCellForward(LSTMCellRows(gates: a, cPrev: c + t * stateSize, c: c + (t + 1) * stateSize,
                                                       tanhC: tanhC + t * stateSize, h: h + (t + 1) * stateSize, out: nil,
                                                       rows: batch, hidden: hidden))
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
    let recurrent = PackedOperand(transB: false, b: weightHH, ldb: hidden, depth: gateWidth, columns: hidden)
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let da = dGates + t * batch * gateWidth
        recurrent.kernels.lstmCellBackward(LSTMCellGradientRows(dGates: da, dC: dC0, dH: dH0, dOut: dHidden + t * stateSize,
                                                                gates: gates + t * batch * gateWidth, cPrev: c + t * stateSize,
                                                                tanhC: tanhC + t * stateSize, rows: batch, hidden: hidden))
        // The recurrent gradient for step t − 1: dGates_t (B, 4H) · W_hh (4H, H).
        gemm(transA: false, m: batch, a: da, lda: gateWidth, packed: recurrent, beta: 0, c: dH0, ldc: hidden)
    }
    recurrentParameterGradients(dGatesInput: dGates, dGatesHidden: dGates, gateWidth: gateWidth, h: h, input: input,
                                rows: steps * batch, hidden: hidden, inputSize: inputSize, weightIH: weightIH,
                                dWeightIH: dWeightIH, dWeightHH: dWeightHH, dBiasIH: dBiasIH, dBiasHH: dBiasHH, dInput: dInput)
}

/// The parameter and input gradients of a gated recurrent layer (LSTM, GRU) from its gate gradients, all
/// steps at once: dGatesInput and dGatesHidden (rows, G) are d loss / d the input-side and hidden-side
/// pre-activations (one buffer for an LSTM; a GRU's candidate rows differ by the factor r), h (rows, H)
/// the states before each step, input (rows, I); padded rows have zero gate gradients. Accumulates into
/// dW_hh (G, H), dW_ih (G, I), both biases and dInput (rows, I).
func recurrentParameterGradients(dGatesInput: UnsafePointer<Float>, dGatesHidden: UnsafePointer<Float>, gateWidth: Int,
                                 h: UnsafePointer<Float>, input: UnsafePointer<Float>, rows: Int,
                                 hidden: Int, inputSize: Int, weightIH: UnsafePointer<Float>,
                                 dWeightIH: UnsafeMutablePointer<Float>, dWeightHH: UnsafeMutablePointer<Float>,
                                 dBiasIH: UnsafeMutablePointer<Float>, dBiasHH: UnsafeMutablePointer<Float>,
                                 dInput: UnsafeMutablePointer<Float>?) {
    // dW_hh (G, H) += dGatesHiddenᵀ (G, T·B) · h_{t−1} (T·B, H), the states before each step.
    gemm(transA: true, transB: false, m: gateWidth, n: hidden, k: rows, alpha: 1, a: dGatesHidden, lda: gateWidth,
         b: h, ldb: hidden, beta: 1, c: dWeightHH, ldc: hidden)
    // dW_ih (G, I) += dGatesInputᵀ · input (T·B, I)
    gemm(transA: true, transB: false, m: gateWidth, n: inputSize, k: rows, alpha: 1, a: dGatesInput, lda: gateWidth,
         b: input, ldb: inputSize, beta: 1, c: dWeightIH, ldc: inputSize)
    if let dInput {
        // dInput (T·B, I) += dGatesInput (T·B, G) · W_ih (G, I)
        gemm(transA: false, transB: false, m: rows, n: inputSize, k: gateWidth, alpha: 1, a: dGatesInput, lda: gateWidth,
             b: weightIH, ldb: inputSize, beta: 1, c: dInput, ldc: inputSize)
    }
    for row in 0..<rows {
        add(dGatesInput + row * gateWidth, into: dBiasIH, count: gateWidth)
        add(dGatesHidden + row * gateWidth, into: dBiasHH, count: gateWidth)
    }
}

/// `a[row, j] += biasIH[j] + biasHH[j]` over rows × gateWidth gate pre-activations.
func addGateBiases(_ a: UnsafeMutablePointer<Float>, _ biasIH: UnsafePointer<Float>, _ biasHH: UnsafePointer<Float>, rows: Int,
                   gateWidth: Int) {
    for row in 0..<rows {
        let r = a + row * gateWidth
        for j in 0..<gateWidth { r[j] += biasIH[j] + biasHH[j] }
    }
}
