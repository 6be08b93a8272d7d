// The naive twin of the tuned convolution: direct loops straight from the definition, generic so tests
// can also run it in Double (finite-difference checks). Slow by design; never on a training path.
//
// Legend: n batch, c input channels, h×w input size, oc output channels, kh×kw kernel, s stride,
// p zero padding, oh×ow output size = floor((h + 2p − kh)/s) + 1 × floor((w + 2p − kw)/s) + 1.

/// `out[n,o,i,j] = bias[o] + Σ_{c,u,v} weight[o,c,u,v] · xpad[n,c,i·s+u,j·s+v]`, summed over c, u, v in
/// that order. input is (n, c, h, w), weight is (oc, c, kh, kw), bias is (oc); writes out (n, oc, oh, ow).
public func conv2dForwardReference<T: BinaryFloatingPoint>(
    out: UnsafeMutablePointer<T>, input: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
    n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int, stride s: Int, padding p: Int
) {
    let oh = slidingWindowCount(size: h, kernel: kh, stride: s, padding: p)
    let ow = slidingWindowCount(size: w, kernel: kw, stride: s, padding: p)
    for b in 0..<n {
        for o in 0..<oc {
            for i in 0..<oh {
                for j in 0..<ow {
                    var sum: T = 0
                    for ci in 0..<c {
                        for u in 0..<kh {
                            let y = i * s + u - p
                            if y < 0 || y >= h { continue }
                            for v in 0..<kw {
                                let x = j * s + v - p
                                if x < 0 || x >= w { continue }
                                sum += weight[((o * c + ci) * kh + u) * kw + v] * input[((b * c + ci) * h + y) * w + x]
                            }
                        }
                    }
                    out[((b * oc + o) * oh + i) * ow + j] = sum + (bias?[o] ?? 0)
                }
            }
        }
    }
}

/// The gradients of `conv2dForwardReference`, added (+=) into dWeight (oc, c, kh, kw), dBias (oc) and
/// dInput (n, c, h, w); dOut is (n, oc, oh, ow). dInput or dBias may be nil (not wanted).
public func conv2dBackwardReference<T: BinaryFloatingPoint>(
    dInput: UnsafeMutablePointer<T>?, dWeight: UnsafeMutablePointer<T>, dBias: UnsafeMutablePointer<T>?,
    dOut: UnsafePointer<T>, input: UnsafePointer<T>, weight: UnsafePointer<T>,
    n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int, stride s: Int, padding p: Int
) {
    let oh = slidingWindowCount(size: h, kernel: kh, stride: s, padding: p)
    let ow = slidingWindowCount(size: w, kernel: kw, stride: s, padding: p)
    for b in 0..<n {
        for o in 0..<oc {
            for i in 0..<oh {
                for j in 0..<ow {
                    let g = dOut[((b * oc + o) * oh + i) * ow + j]
                    dBias?[o] += g
                    for ci in 0..<c {
                        for u in 0..<kh {
                            let y = i * s + u - p
                            if y < 0 || y >= h { continue }
                            for v in 0..<kw {
                                let x = j * s + v - p
                                if x < 0 || x >= w { continue }
                                let wi = ((o * c + ci) * kh + u) * kw + v, xi = ((b * c + ci) * h + y) * w + x
                                dWeight[wi] += g * input[xi]
                                dInput?[xi] += g * weight[wi]
                            }
                        }
                    }
                }
            }
        }
    }
}
