// Token embedding (`nn.Embedding`), forward and backward. Sizes: n = tokens, dim = vector size.

/// `out[i] = weight[tokens[i]]`: tokens (n), weight (vocabulary, dim), out (n, dim).
public func embeddingForward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>,
                             weight: UnsafePointer<Float>, n: Int, dim: Int) {
    for i in 0..<n { (out + i * dim).update(from: weight + Int(tokens[i]) * dim, count: dim) }
}

/// `dWeight[tokens[i]] += dOut[i]` in token order (a token seen twice accumulates; unseen rows stay as
/// they were). dOut (n, dim), dWeight (vocabulary, dim).
public func embeddingBackward(dWeight: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              tokens: UnsafePointer<Int32>, n: Int, dim: Int) {
    for i in 0..<n { addRow(dWeight + Int(tokens[i]) * dim, dOut + i * dim, dim) }
}
