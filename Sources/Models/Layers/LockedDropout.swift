// AWD-LSTM's regularisers beyond plain dropout (alt_sg.md §2.1–2.2): locked (variational) dropout, one
// mask per stream shared by every time step; embedding dropout, one keep-flag per vocabulary row; and
// the DropConnect mask of weight drop. Masks hold the 1/(1 − p) scaling, as `dropoutMask` does.
// Sizes: T = steps, B = streams, C = features per position.

/// `out[t, b, :] = input[t, b, :] ⊙ mask[b, :]`: input and out are (T, B, C), mask is (B, C).
public func lockedDropoutForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                 steps: Int, streams: Int, features: Int) {
    let stride = streams * features
    for t in 0..<steps {
        let x = input + t * stride, y = out + t * stride
        for i in 0..<stride { y[i] = x[i] * mask[i] }
    }
}

/// `dInput[t, b, :] = dOut[t, b, :] ⊙ mask[b, :]` (written: the mask is the input's only consumer).
public func lockedDropoutBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                  steps: Int, streams: Int, features: Int) {
    let stride = streams * features
    for t in 0..<steps {
        let d = dOut + t * stride, dx = dInput + t * stride
        for i in 0..<stride { dx[i] = d[i] * mask[i] }
    }
}

/// Embedding dropout's lookup: `out[i] = weight[tokens[i]] · rowMask[tokens[i]]`, tokens (n), weight
/// (V, dim), rowMask (V) (one 0 or 1/(1 − p) per word: a dropped word is zero at every position).
public func maskedEmbeddingForward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, weight: UnsafePointer<Float>,
                                   rowMask: UnsafePointer<Float>, n: Int, dim: Int) {
    for i in 0..<n {
        let row = Int(tokens[i]), scale = rowMask[row]
        let source = weight + row * dim, target = out + i * dim
        for j in 0..<dim { target[j] = source[j] * scale }
    }
}

/// `dWeight[tokens[i]] += dOut[i] · rowMask[tokens[i]]` in token order, except for tokens equal to
/// `paddingRow`, which get nothing (PyTorch's `padding_idx`). rowMask may be nil (no embedding dropout).
public func maskedEmbeddingBackward(dWeight: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
                                    rowMask: UnsafePointer<Float>?, paddingRow: Int?, n: Int, dim: Int) {
    for i in 0..<n {
        let row = Int(tokens[i])
        if row == paddingRow { continue }
        let scale = rowMask?[row] ?? 1
        let d = dOut + i * dim, target = dWeight + row * dim
        for j in 0..<dim { target[j] += d[j] * scale }
    }
}
