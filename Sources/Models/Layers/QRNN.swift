// One quasi-recurrent layer (pytorch-qrnn's `QRNNLayer` with an output gate, as alternate_sg runs it),
// forward and backward through time. A QRNN stack is this applied layer after layer (alt_sg.md §2.2).
// Sizes: steps = T, batch = B, inputSize = I, hidden = H, window = k (1 or 2). Gate rows are z, f, o.
//
//     s_t = x_t  (k = 1)     s_t = [x_t ; x_{t−1}]  (k = 2; x_0 = the previous call's last input, or 0)
//     y_t = W·s_t + b        z = tanh(y[0:H])   f = σ(y[H:2H])·m_t   o = σ(y[2H:3H])
//     c_t = f ⊙ z + (1 − f) ⊙ c_{t−1}      ("ForgetMult": the forget gate weights the new candidate)
//     h_t = o ⊙ c_t
//
// m_t is the optional zoneout mask (0/1, not rescaled; only the DNI synthesizer uses one). The state a
// layer carries to the next segment is the cell c_T, not h_T.
// The per-step element-wise work runs in the kernel set (KernelSource/ForgetMult.swift).
import KernelInterface

/// Builds the window-2 source rows (T·B, 2I): row t·B + b is [x_t ; x_{t−1}], with x_0 = `previous`
/// (B, I) or zeros when nil. input is (T, B, I).
public func qrnnSource(_ source: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, previous: UnsafePointer<Float>?,
                       steps: Int, batch: Int, inputSize: Int) {
    let width = 2 * inputSize
    for t in 0..<steps {
        for b in 0..<batch {
            let row = source + (t * batch + b) * width
            row.update(from: input + (t * batch + b) * inputSize, count: inputSize)
            if t > 0 {
                (row + inputSize).update(from: input + ((t - 1) * batch + b) * inputSize, count: inputSize)
            } else if let previous {
                (row + inputSize).update(from: previous + b * inputSize, count: inputSize)
            } else {
                (row + inputSize).update(repeating: 0, count: inputSize)
            }
        }
    }
}

/// Runs the layer over T steps.
///
/// - source: (T, B, k·I): the input itself for k = 1, or `qrnnSource`'s rows for k = 2.
/// - weight (3H, k·I), bias (3H).
/// - cells: (T + 1, B, H). Slot 0 holds the initial cell c_0 (read); slots 1…T receive c_t.
/// - output: (T, B, H), receives h_t.
/// - gates: (T, B, 3H), receives the activated z, σ(y_f) (before the mask) and o; kept for the backward.
/// - forgetMask: (T, B, H) zoneout mask multiplied into f, or nil.
/// - sourceMask: (B, k·I), where the source came out of locked dropout with this mask (zero where it is),
///   so the product skips those zeros (StreamMaskedProduct.swift; the same bits), or nil.
public func qrnnForward(output: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>,
                        gates: UnsafeMutablePointer<Float>, source: UnsafePointer<Float>,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, forgetMask: UnsafePointer<Float>?,
                        sourceMask: UnsafePointer<Float>? = nil, steps: Int, batch: Int, sourceSize: Int, hidden: Int) {
    let gateWidth = 3 * hidden, stateSize = batch * hidden
    // All pre-activations at once: the QRNN's only matrix product.
    if let sourceMask {
        streamMaskedLinearForward(out: gates, input: source, mask: sourceMask, weight: weight, bias: bias, steps: steps,
                                  streams: batch, inputSize: sourceSize, outputSize: gateWidth)
    } else {
        linearForward(out: gates, input: source, weight: weight, bias: bias, n: steps * batch, c: sourceSize, oc: gateWidth)
    }
    // Activations and the forget-mult, a step at a time in the kernel set's vectors.
    let kernels = Kernels.current
    for t in 0..<steps {
        kernels.forgetMultForward(ForgetMultForward(gates: gates + t * batch * gateWidth, previousCell: cells + t * stateSize,
                                                    cell: cells + (t + 1) * stateSize, output: output + t * stateSize,
                                                    forgetMask: forgetMask.map { $0 + t * stateSize }, streams: batch, hidden: hidden))
    }
}

/// Backpropagates through the T steps.
///
/// - dOutput: (T, B, H), d loss / d h_t from above. dCellLast: (B, H), d loss / d c_T from whoever
///   received the carried state (the DNI injection), or nil for 0 (plain truncated BPTT).
/// - Writes dSource (T, B, k·I) (may be nil); adds into dWeight (3H, k·I), dBias (3H).
/// - Writes dCell0 (B, H): d loss / d c_0. It also serves as the running cell gradient.
/// - dGates: (T, B, 3H) scratch, receives d loss / d pre-activations.
/// - source, cells, gates, weight, forgetMask: as the forward saw or left them.
///
/// For k = 2 the caller routes dSource's halves with `qrnnSourceBackward`; the x_0 half is dropped,
/// because the stored previous input is detached. sourceMask: as the forward's; with it, dWeight is summed
/// stream by stream over the kept features (`streamMaskedWeightGradient`).
public func qrnnBackward(dSource: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                         dBias: UnsafeMutablePointer<Float>, dCell0: UnsafeMutablePointer<Float>,
                         dGates: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, dCellLast: UnsafePointer<Float>?,
                         source: UnsafePointer<Float>, cells: UnsafePointer<Float>, gates: UnsafePointer<Float>,
                         weight: UnsafePointer<Float>, forgetMask: UnsafePointer<Float>?, sourceMask: UnsafePointer<Float>? = nil,
                         steps: Int, batch: Int, sourceSize: Int, hidden: Int) {
    let gateWidth = 3 * hidden, stateSize = batch * hidden
    // dCell0 carries (1 − f_{t+1}) ⊙ dc_{t+1} down the steps; at the top it is dc_T from outside.
    if let dCellLast { dCell0.update(from: dCellLast, count: stateSize) } else { dCell0.update(repeating: 0, count: stateSize) }
    let kernels = Kernels.current
    for t in stride(from: steps - 1, through: 0, by: -1) {
        let rows = t * batch
        kernels.forgetMultBackward(ForgetMultBackward(dGates: dGates + rows * gateWidth, carry: dCell0, dOutput: dOutput + t * stateSize,
                                                      gates: gates + rows * gateWidth, previousCell: cells + t * stateSize,
                                                      cell: cells + (t + 1) * stateSize, forgetMask: forgetMask.map { $0 + t * stateSize },
                                                      streams: batch, hidden: hidden))
    }
    if let dSource {
        // dSource (T·B, k·I) = dGates (T·B, 3H) · W (3H, k·I), written: nothing else reaches the source.
        gemm(transA: false, transB: false, m: steps * batch, n: sourceSize, k: gateWidth, alpha: 1, a: dGates, lda: gateWidth,
             b: weight, ldb: sourceSize, beta: 0, c: dSource, ldc: sourceSize)
    }
    if let sourceMask {
        streamMaskedWeightGradient(dWeight: dWeight, dOut: dGates, input: source, mask: sourceMask, steps: steps, streams: batch,
                                   inputSize: sourceSize, outputSize: gateWidth)
        linearBiasGradient(dBias: dBias, dOut: dGates, n: steps * batch, oc: gateWidth)
    } else {
        linearBackward(dInput: nil, dWeight: dWeight, dBias: dBias, dOut: dGates, input: source, weight: weight,
                       n: steps * batch, c: sourceSize, oc: gateWidth)
    }
}

/// Writes dInput (T, B, I) from a window-2 source gradient (T, B, 2I): step t gets the x_t half of row t
/// plus the x_{t−1} half of row t + 1. Row 0's x_0 half belongs to the detached previous input and is dropped.
public func qrnnSourceBackward(dInput: UnsafeMutablePointer<Float>, dSource: UnsafePointer<Float>,
                               steps: Int, batch: Int, inputSize: Int) {
    let width = 2 * inputSize
    for t in 0..<steps {
        for b in 0..<batch {
            let target = dInput + (t * batch + b) * inputSize, row = dSource + (t * batch + b) * width
            if t + 1 < steps {
                let next = dSource + ((t + 1) * batch + b) * width + inputSize
                for j in 0..<inputSize { target[j] = row[j] + next[j] }
            } else {
                target.update(from: row, count: inputSize)
            }
        }
    }
}
