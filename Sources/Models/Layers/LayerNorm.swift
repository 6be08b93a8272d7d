// Layer normalisation over the last axis (PyTorch's `nn.LayerNorm(c, eps)`), forward and backward.
// Sizes: n = rows (positions), c = features normalised together.
import Foundation

/// `out = (x − mean) · rstd · weight + bias` per row, with the biased variance and
/// `rstd = 1/√(var + eps)`. input, out are (n, c); weight, bias are (c); mean and rstd are (n) and
/// are kept for the backward. Statistics are summed in Double (rows of 768 lose digits in Float).
public func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                             rstd: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                             weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, n: Int, c: Int, eps: Float) {
    parallelRanges(n, grain: max(1, elementGrain / c)) { rows in
        for row in rows {
            let x = input + row * c, y = out + row * c
            var sum = 0.0
            for j in 0..<c { sum += Double(x[j]) }
            let m = sum / Double(c)
            var squares = 0.0
            for j in 0..<c { let d = Double(x[j]) - m; squares += d * d }
            let s = 1 / (squares / Double(c) + Double(eps)).squareRoot()
            let mf = Float(m), sf = Float(s)
            for j in 0..<c { y[j] = (x[j] - mf) * sf * weight[j] + bias[j] }
            mean[row] = mf
            rstd[row] = sf
        }
    }
}

/// Adds (+=) into dInput (n, c), dWeight (c) and dBias (c), given dOut (n, c), the forward's input,
/// weight, mean and rstd:
///
///     x̂ = (x − mean)·rstd;   dx̂ = dOut ⊙ weight
///     dInput += rstd · (dx̂ − mean_j(dx̂) − x̂ · mean_j(dx̂ ⊙ x̂));   dWeight += Σ_rows dOut ⊙ x̂;   dBias += Σ_rows dOut
///
/// dWeight and dBias are summed over rows in increasing order (one thread), dInput rows in parallel.
public func layerNormBackward(dInput: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>,
                              dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, input: UnsafePointer<Float>,
                              weight: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                              n: Int, c: Int) {
    parallelRanges(n, grain: max(1, elementGrain / c)) { rows in
        for row in rows {
            let x = input + row * c, g = dOut + row * c, d = dInput + row * c
            let m = mean[row], s = rstd[row]
            var meanD: Float = 0, meanDX: Float = 0
            for j in 0..<c {
                let xhat = (x[j] - m) * s, dxhat = g[j] * weight[j]
                meanD += dxhat
                meanDX += dxhat * xhat
            }
            meanD /= Float(c)
            meanDX /= Float(c)
            for j in 0..<c {
                let xhat = (x[j] - m) * s, dxhat = g[j] * weight[j]
                d[j] += s * (dxhat - meanD - xhat * meanDX)
            }
        }
    }
    for row in 0..<n {
        let x = input + row * c, g = dOut + row * c
        let m = mean[row], s = rstd[row]
        for j in 0..<c {
            dBias[j] += g[j]
            dWeight[j] += g[j] * ((x[j] - m) * s)
        }
    }
}
