// The first convolution of an encoder over looked-up word vectors (Conv1D.swift's layer, on the output of
// a frozen embedding), computed over the batch's distinct tokens. Every row of its input is a row of the
// embedding, so tap j's product x[t + j − pad] · W_jᵀ depends on the token alone: one product over the
// U distinct tokens, P (U, k·oc) = E[distinct] · [W_0; …; W_{k−1}]ᵀ, gives every tap's contribution, and
// the convolution is k row additions per output row. Its weight gradient is the same product backwards:
// dW_j = Σ_token (Σ of the dOut rows whose tap j read that token)ᵀ · E[token]. A batch of SNLI pairs
// repeats its words (`<s>`, `</s>`, the padding, common words, the hypothesis's words from its premise),
// so U is a fraction of the T·B rows: the dense products' work shrinks by as much.
//
// Sizes as in Conv1D.swift; index (T, B) numbers each input row's token among the U distinct ones.

/// Numbers the distinct tokens of `tokens` (n) in first-seen order: `index[i]` = the number of
/// `tokens[i]`, `distinct[u]` = the u-th distinct token. Returns U. `numbers` (one per vocabulary word)
/// must hold −1 everywhere, and is left so.
public func numberDistinctTokens(index: UnsafeMutablePointer<Int32>, distinct: UnsafeMutablePointer<Int32>,
                                 tokens: UnsafePointer<Int32>, n: Int, numbers: UnsafeMutablePointer<Int32>) -> Int {
    var count = 0
    for i in 0..<n {
        let token = Int(tokens[i])
        if numbers[token] < 0 {
            numbers[token] = Int32(count)
            distinct[count] = tokens[i]
            count += 1
        }
        index[i] = numbers[token]
    }
    for u in 0..<count { numbers[Int(distinct[u])] = -1 }
    return count
}

/// products (U, k·oc) = vectors (U, c) · tapsᵀ, with taps (k, oc, c) rearranged from weight (oc, c, k)
/// and kept for the backward: column j·oc + o of a token's row is its input to tap j of output o.
public func tokenConv1dProducts(products: UnsafeMutablePointer<Float>, taps: UnsafeMutablePointer<Float>,
                                vectors: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                distinct: Int, c: Int, oc: Int, kernel: Int) {
    conv1dTaps(taps, weight: weight, c: c, oc: oc, kernel: kernel)
    gemm(transA: false, transB: true, m: distinct, n: kernel * oc, k: c, alpha: 1, a: vectors, lda: c, b: taps, ldb: c,
         beta: 0, c: products, ldc: kernel * oc)
}

/// out (T, B, oc) = the convolution of the sentence whose rows are the tokens `index` (T, B) numbers:
/// the centre tap's product, then the other taps' in order where their input step exists, then the bias
/// (the order conv1dForward adds them in), then max(·, 0) with `relu`.
public func tokenConv1dForward(out: UnsafeMutablePointer<Float>, products: UnsafePointer<Float>, index: UnsafePointer<Int32>,
                               bias: UnsafePointer<Float>, steps: Int, batch: Int, oc: Int, kernel: Int, relu: Bool = false) {
    let pad = (kernel - 1) / 2, width = kernel * oc
    for t in 0..<steps {
        for b in 0..<batch {
            let y = out + (t * batch + b) * oc
            copy(products + Int(index[t * batch + b]) * width + pad * oc, to: y, count: oc)
            for j in 0..<kernel where j != pad && (0..<steps).contains(t + j - pad) {
                add(products + Int(index[(t + j - pad) * batch + b]) * width + j * oc, into: y, count: oc)
            }
            addBias(bias, into: y, count: oc, relu: relu)
        }
    }
}

/// Adds dOut (T, B, oc) into the tokens' gradients dProducts (U, k·oc), the transpose of the forward's
/// gather: dProducts[index[t + j − pad, b], j·oc ..] += dOut[t, b]; and each row into dBias.
public func tokenConv1dBackward(dProducts: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                                dOut: UnsafePointer<Float>, index: UnsafePointer<Int32>,
                                steps: Int, batch: Int, oc: Int, kernel: Int) {
    let pad = (kernel - 1) / 2, width = kernel * oc
    for t in 0..<steps {
        for b in 0..<batch {
            let d = dOut + (t * batch + b) * oc
            for j in 0..<kernel where (0..<steps).contains(t + j - pad) {
                add(d, into: dProducts + Int(index[(t + j - pad) * batch + b]) * width + j * oc, count: oc)
            }
            add(d, into: dBias, count: oc)
        }
    }
}

/// dWeight (oc, c, k) += dProductsᵀ · vectors: the weight gradient of every row tokenConv1dBackward
/// gathered. dTaps (k, oc, c) is scratch.
public func tokenConv1dWeightGradient(dWeight: UnsafeMutablePointer<Float>, dTaps: UnsafeMutablePointer<Float>,
                                      dProducts: UnsafePointer<Float>, vectors: UnsafePointer<Float>,
                                      distinct: Int, c: Int, oc: Int, kernel: Int) {
    gemm(transA: true, transB: false, m: kernel * oc, n: c, k: distinct, alpha: 1, a: dProducts, lda: kernel * oc,
         b: vectors, ldb: c, beta: 0, c: dTaps, ldc: c)
    addTapGradients(dTaps, into: dWeight, c: c, oc: oc, kernel: kernel)
}
