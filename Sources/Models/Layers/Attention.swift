// Multi-head scaled dot-product self-attention with a causal mask and an optional key (padding) mask,
// forward and backward, on `gemm` (llm.c's attention_forward/backward, with q, k and v in separate
// buffers as RoBERTa's separate query/key/value projections produce them).
//
// Sizes: B = sequences, T = positions, C = channels, NH = heads, d = C / NH. q, k, v and out are
// (B, T, C); head h owns columns h·d ..< (h + 1)·d. probs are (B, NH, T, T): row i of a (b, h) slab
// is query i's distribution over keys.
import Foundation

/// `out[b, i, head h] = Σ_j P[b,h,i,j] · v[b, j, head h]` with
/// `P[b,h,i,·] = softmax_j(q_i·k_j/√d)` over keys j ≤ i whose `keyMask[b, j]` is non-zero (all keys
/// when keyMask is nil). Masked entries of P are exactly 0 (as −∞ or −10000 scores give after exp). A
/// query with no visible key gets P = 0 and out = 0.
///
/// With attention dropout, `dropoutMask` (B, NH, T, T; 0 or 1/(1 − p)) multiplies P into `dropped`,
/// which then weights v; `probs` keeps P for the backward. Slabs (b, h) run in parallel, each gemm on one
/// thread, so results do not depend on the thread count.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                             keyMask: UnsafePointer<Float>?, dropoutMask: UnsafePointer<Float>?,
                             dropped: UnsafeMutablePointer<Float>?, batch: Int, steps: Int, channels: Int, heads: Int) {
    precondition(channels % heads == 0, "attentionForward: \(channels) channels do not split into \(heads) heads")
    let d = channels / heads, t = steps, c = channels
    let scale = 1 / Float(d).squareRoot()
    parallelRanges(batch * heads, grain: 1) { slabs in
        for slab in slabs {
            let b = slab / heads, h = slab % heads
            let base = b * t * c + h * d
            let p = probs + slab * t * t
            // scores (T, T) = q_bh (T, d) · k_bhᵀ (d, T) / √d
            gemm(transA: false, transB: true, m: t, n: t, k: d, alpha: scale, a: q + base, lda: c, b: k + base, ldb: c,
                 beta: 0, c: p, ldc: t, threads: 1)
            for i in 0..<t {
                let row = p + i * t
                var maxValue = -Float.infinity
                for j in 0...i where keyMask.map({ $0[b * t + j] != 0 }) ?? true { maxValue = max(maxValue, row[j]) }
                if maxValue == -.infinity {
                    for j in 0..<t { row[j] = 0 }
                    continue
                }
                var sum: Float = 0
                for j in 0...i {
                    if keyMask.map({ $0[b * t + j] != 0 }) ?? true {
                        let e = exp(row[j] - maxValue)
                        row[j] = e
                        sum += e
                    } else {
                        row[j] = 0
                    }
                }
                let inverse = 1 / sum
                for j in 0...i { row[j] *= inverse }
                for j in (i + 1)..<t { row[j] = 0 }
            }
            var weights = UnsafePointer(p)
            if let dropoutMask, let dropped {
                let m = dropoutMask + slab * t * t, w = dropped + slab * t * t
                for e in 0..<(t * t) { w[e] = p[e] * m[e] }
                weights = UnsafePointer(w)
            }
            // out_bh (T, d) = weights (T, T) · v_bh (T, d)
            gemm(transA: false, transB: false, m: t, n: d, k: t, alpha: 1, a: weights, lda: t, b: v + base, ldb: c,
                 beta: 0, c: out + base, ldc: c, threads: 1)
        }
    }
}

/// Adds (+=) into dQ, dK, dV (B, T, C) given dOut (B, T, C) and the forward's q, k, v, probs (and the
/// dropout mask and dropped probs when the forward had them). `dProbs` (B, NH, T, T) is scratch,
/// overwritten.
///
///     dW = dOut·vᵀ;  dV += Wᵀ·dOut;  dP = dW ⊙ mask;  dS = P ⊙ (dP − Σ_j P⊙dP);  dQ += dS·k/√d;  dK += dSᵀ·q/√d
public func attentionBackward(dQ: UnsafeMutablePointer<Float>, dK: UnsafeMutablePointer<Float>, dV: UnsafeMutablePointer<Float>,
                              dProbs: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                              probs: UnsafePointer<Float>, dropoutMask: UnsafePointer<Float>?, dropped: UnsafePointer<Float>?,
                              batch: Int, steps: Int, channels: Int, heads: Int) {
    let d = channels / heads, t = steps, c = channels
    let scale = 1 / Float(d).squareRoot()
    parallelRanges(batch * heads, grain: 1) { slabs in
        for slab in slabs {
            let b = slab / heads, h = slab % heads
            let base = b * t * c + h * d
            let p = probs + slab * t * t, dp = dProbs + slab * t * t
            let weights = dropped.map { $0 + slab * t * t } ?? p
            // dW (T, T) = dOut_bh (T, d) · v_bhᵀ (d, T)
            gemm(transA: false, transB: true, m: t, n: t, k: d, alpha: 1, a: dOut + base, lda: c, b: v + base, ldb: c,
                 beta: 0, c: dp, ldc: t, threads: 1)
            // dV_bh (T, d) += Wᵀ (T, T) · dOut_bh (T, d)
            gemm(transA: true, transB: false, m: t, n: d, k: t, alpha: 1, a: weights, lda: t, b: dOut + base, ldb: c,
                 beta: 1, c: dV + base, ldc: c, threads: 1)
            if let dropoutMask {
                let m = dropoutMask + slab * t * t
                for e in 0..<(t * t) { dp[e] *= m[e] }
            }
            // Softmax backward, row by row; masked entries have P = 0 and get dS = 0.
            for i in 0..<t {
                let pr = p + i * t, dr = dp + i * t
                var dot: Float = 0
                for j in 0...i { dot += pr[j] * dr[j] }
                for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                for j in (i + 1)..<t { dr[j] = 0 }
            }
            // dQ_bh (T, d) += dS (T, T) · k_bh (T, d) / √d;  dK_bh (T, d) += dSᵀ (T, T) · q_bh (T, d) / √d
            gemm(transA: false, transB: false, m: t, n: d, k: t, alpha: scale, a: dp, lda: t, b: k + base, ldb: c,
                 beta: 1, c: dQ + base, ldc: c, threads: 1)
            gemm(transA: true, transB: false, m: t, n: d, k: t, alpha: scale, a: dp, lda: t, b: q + base, ldb: c,
                 beta: 1, c: dK + base, ldc: c, threads: 1)
        }
    }
}
