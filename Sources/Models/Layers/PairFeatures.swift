// The sentence-pair features of InferSent's NLINet: `[u, v, |u − v|, u ⊙ v]`, concatenated along the
// feature axis, forward and backward. Sizes: batch = B, dim = D (sentence embedding size).

/// out (B, 4D) = [u, v, |u − v|, u ⊙ v] row by row; u and v are (B, D).
public func pairFeaturesForward(out: UnsafeMutablePointer<Float>, u: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                batch: Int, dim: Int) {
    for b in 0..<batch {
        let ub = u + b * dim, vb = v + b * dim, o = out + b * 4 * dim
        for j in 0..<dim {
            o[j] = ub[j]
            o[dim + j] = vb[j]
            o[2 * dim + j] = abs(ub[j] - vb[j])
            o[3 * dim + j] = ub[j] * vb[j]
        }
    }
}

/// Adds into du and dv (B, D) given dOut (B, 4D). d|x|/dx is sign(x), and 0 at x = 0 (PyTorch's).
public func pairFeaturesBackward(du: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                 u: UnsafePointer<Float>, v: UnsafePointer<Float>, batch: Int, dim: Int) {
    for b in 0..<batch {
        let ub = u + b * dim, vb = v + b * dim, g = dOut + b * 4 * dim, dub = du + b * dim, dvb = dv + b * dim
        for j in 0..<dim {
            let difference = ub[j] - vb[j]
            let sign: Float = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
            dub[j] += g[j] + sign * g[2 * dim + j] + vb[j] * g[3 * dim + j]
            dvb[j] += g[dim + j] - sign * g[2 * dim + j] + ub[j] * g[3 * dim + j]
        }
    }
}
