// 1-D convolution over time with "same" zero padding (PyTorch's `nn.Conv1d(c, oc, k, padding=(k−1)/2)`,
// a cross-correlation), forward and backward, on sequence-major activations. Sizes: steps = T,
// batch = B, c = input channels, oc = output channels, kernel = k (odd).
//
//   y[t, b, o] = bias[o] + Σ_{ch, j} W[o, ch, j] · x[t + j − (k−1)/2, b, ch]    (x = 0 outside 0..<T)
//
// Both passes go through an im2col buffer `columns` (T·B, c·k) whose row (t, b) holds
// x[t + j − pad, b, ch] at column ch·k + j, the order of W's (c, k) axes, so each pass is one `gemm`.

/// Fills `columns` (T·B, c·k) from x (T, B, c).
func conv1dColumns(_ columns: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, steps: Int, batch: Int, c: Int,
                   kernel: Int) {
    let pad = (kernel - 1) / 2, width = c * kernel
    for t in 0..<steps {
        for b in 0..<batch {
            let row = columns + (t * batch + b) * width
            for j in 0..<kernel {
                let source = t + j - pad
                if source < 0 || source >= steps {
                    for ch in 0..<c { row[ch * kernel + j] = 0 }
                } else {
                    let x = input + (source * batch + b) * c
                    for ch in 0..<c { row[ch * kernel + j] = x[ch] }
                }
            }
        }
    }
}

/// `out` (T, B, oc) = the convolution of input (T, B, c) with weight (oc, c, k) and bias (oc).
/// `columns` (T·B, c·k) receives the im2col rows, kept for the backward.
public func conv1dForward(out: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                          steps: Int, batch: Int, c: Int, oc: Int, kernel: Int) {
    conv1dColumns(columns, input, steps: steps, batch: batch, c: c, kernel: kernel)
    linearForward(out: out, input: columns, weight: weight, bias: bias, n: steps * batch, c: c * kernel, oc: oc)
}

/// Adds into dInput (T, B, c) (may be nil), dWeight (oc, c, k) and dBias (oc), given dOut (T, B, oc).
/// dColumns (T·B, c·k) is scratch; columns and weight are the forward's.
public func conv1dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>, dColumns: UnsafeMutablePointer<Float>,
                           dOut: UnsafePointer<Float>, columns: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           steps: Int, batch: Int, c: Int, oc: Int, kernel: Int) {
    let width = c * kernel, rows = steps * batch
    if dInput != nil { dColumns.update(repeating: 0, count: rows * width) }
    linearBackward(dInput: dInput == nil ? nil : dColumns, dWeight: dWeight, dBias: dBias, dOut: dOut, input: columns,
                   weight: weight, n: rows, c: width, oc: oc)
    guard let dInput else { return }
    // col2im: each column entry goes back to the input element it was copied from.
    let pad = (kernel - 1) / 2
    for t in 0..<steps {
        for b in 0..<batch {
            let row = dColumns + (t * batch + b) * width
            for j in 0..<kernel {
                let source = t + j - pad
                guard source >= 0 && source < steps else { continue }
                let dx = dInput + (source * batch + b) * c
                for ch in 0..<c { dx[ch] += row[ch * kernel + j] }
            }
        }
    }
}
