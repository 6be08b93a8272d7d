// Bahdanau (additive, "concat") attention of the MultiWoZ decoder, one decoder step, forward and
// backward. Sizes: steps = S (encoder positions), batch = B, hidden = H. Encoder outputs are
// sequence-major (S, B, H); W = attn.weight (H, 2H) acts on [h_prev; enc], so it splits into
// W_h = W[:, :H] and W_e = W[:, H:].
//
//   z[s,b]   = tanh(W_h h_prev[b] + W_e enc[s,b] + bias)          (H)
//   e[b,s]   = v · z[s,b]
//   a[b,:]   = softmax_s(e[b,:])                                   over ALL S positions (no padding mask)
//   ctx[b]   = Σ_s a[b,s] enc[s,b]
//
// `encProjection` = W_e enc + bias does not depend on the step: the caller computes it once per batch
// with `attentionProjectEncoder` and backpropagates its accumulated gradient once with
// `attentionProjectEncoderBackward`.

/// encProjection (S·B, H) = enc (S·B, H) · W_eᵀ + bias.
public func attentionProjectEncoder(encProjection: UnsafeMutablePointer<Float>, encoder: UnsafePointer<Float>,
                                    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, steps: Int, batch: Int, hidden: Int) {
    let rows = steps * batch
    gemm(transA: false, transB: true, m: rows, n: hidden, k: hidden, alpha: 1, a: encoder, lda: hidden,
         b: weight + hidden, ldb: 2 * hidden, beta: 0, c: encProjection, ldc: hidden)
    for row in 0..<rows { addRow(encProjection + row * hidden, bias, hidden) }
}

/// Adds the gradients of `attentionProjectEncoder`: dWeight[:, H:] += dProjᵀ enc, dBias += Σ dProj,
/// dEncoder += dProj · W_e.
public func attentionProjectEncoderBackward(dEncoder: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                                            dBias: UnsafeMutablePointer<Float>, dProjection: UnsafePointer<Float>,
                                            encoder: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                            steps: Int, batch: Int, hidden: Int) {
    let rows = steps * batch
    gemm(transA: true, transB: false, m: hidden, n: hidden, k: rows, alpha: 1, a: dProjection, lda: hidden,
         b: encoder, ldb: hidden, beta: 1, c: dWeight + hidden, ldc: 2 * hidden)
    for row in 0..<rows { addRow(dBias, dProjection + row * hidden, hidden) }
    gemm(transA: false, transB: false, m: rows, n: hidden, k: hidden, alpha: 1, a: dProjection, lda: hidden,
         b: weight + hidden, ldb: 2 * hidden, beta: 1, c: dEncoder, ldc: hidden)
}

/// One step: writes context (B, H), and keeps z (S, B, H) and weights a (B, S) for the backward.
/// hProjection (B, H) is scratch.
public func attentionForward(context: UnsafeMutablePointer<Float>, z: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>,
                             hProjection: UnsafeMutablePointer<Float>, hPrev: UnsafePointer<Float>, encoder: UnsafePointer<Float>,
                             encProjection: UnsafePointer<Float>, weight: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             steps: Int, batch: Int, hidden: Int) {
    gemm(transA: false, transB: true, m: batch, n: hidden, k: hidden, alpha: 1, a: hPrev, lda: hidden,
         b: weight, ldb: 2 * hidden, beta: 0, c: hProjection, ldc: hidden)
    for s in 0..<steps {
        for b in 0..<batch {
            let zs = z + (s * batch + b) * hidden, hp = hProjection + b * hidden, ep = encProjection + (s * batch + b) * hidden
            for j in 0..<hidden { zs[j] = hp[j] + ep[j] }
            mapVector(zs, zs, hidden, vectorTanh)
            var energy: Float = 0
            for j in 0..<hidden { energy += v[j] * zs[j] }
            weights[b * steps + s] = energy
        }
    }
    let kernels = Kernels.current
    for b in 0..<batch {
        let row = weights + b * steps
        let maxValue = rowMax(row, steps)
        let sum = kernels.expShiftedRow(row, row, maxValue, steps)
        for s in 0..<steps { row[s] /= sum }
        let ctx = context + b * hidden
        ctx.update(repeating: 0, count: hidden)
        for s in 0..<steps {
            let a = row[s], e = encoder + (s * batch + b) * hidden
            for j in 0..<hidden { ctx[j] += a * e[j] }
        }
    }
}

/// Backward of one step, given dContext (B, H). Adds into dHPrev (B, H), dEncoder (S, B, H),
/// dEncProjection (S, B, H) (for `attentionProjectEncoderBackward`), dWeight[:, :H] and dV.
/// dZ (S, B, H), dScores (B, S) and dHProjection (B, H) are scratch.
public func attentionBackward(dHPrev: UnsafeMutablePointer<Float>, dEncoder: UnsafeMutablePointer<Float>,
                              dEncProjection: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                              dV: UnsafeMutablePointer<Float>, dZ: UnsafeMutablePointer<Float>, dScores: UnsafeMutablePointer<Float>,
                              dHProjection: UnsafeMutablePointer<Float>, dContext: UnsafePointer<Float>, hPrev: UnsafePointer<Float>, encoder: UnsafePointer<Float>,
                              z: UnsafePointer<Float>, weights: UnsafePointer<Float>, weight: UnsafePointer<Float>, v: UnsafePointer<Float>,
                              steps: Int, batch: Int, hidden: Int) {
    for b in 0..<batch {
        let a = weights + b * steps, dA = dScores + b * steps, dc = dContext + b * hidden
        var weighted: Float = 0
        for s in 0..<steps {
            let e = encoder + (s * batch + b) * hidden, de = dEncoder + (s * batch + b) * hidden
            var dot: Float = 0
            for j in 0..<hidden {
                dot += dc[j] * e[j]
                de[j] += a[s] * dc[j]
            }
            dA[s] = dot
            weighted += a[s] * dot
        }
        // Softmax backward: d energy = a ⊙ (dA − Σ a dA).
        let dhp = dHProjection + b * hidden
        dhp.update(repeating: 0, count: hidden)
        for s in 0..<steps {
            let dEnergy = a[s] * (dA[s] - weighted)
            let zs = z + (s * batch + b) * hidden, dz = dZ + (s * batch + b) * hidden
            let dep = dEncProjection + (s * batch + b) * hidden
            for j in 0..<hidden {
                dV[j] += dEnergy * zs[j]
                dz[j] = dEnergy * v[j] * (1 - zs[j] * zs[j])
                dhp[j] += dz[j]
                dep[j] += dz[j]
            }
        }
    }
    // hProjection = h_prev · W_hᵀ: dW_h += dHProjᵀ h_prev, dHPrev += dHProj · W_h.
    gemm(transA: true, transB: false, m: hidden, n: hidden, k: batch, alpha: 1, a: dHProjection, lda: hidden,
         b: hPrev, ldb: hidden, beta: 1, c: dWeight, ldc: 2 * hidden)
    gemm(transA: false, transB: false, m: batch, n: hidden, k: hidden, alpha: 1, a: dHProjection, lda: hidden,
         b: weight, ldb: 2 * hidden, beta: 1, c: dHPrev, ldc: hidden)
}
