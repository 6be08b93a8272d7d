// Max and average pooling over k×k windows with stride s, no padding, output rounded down; forward and
// backward side by side. Backward adds (+=) into dInput, so callers zero gradients once per step.
// Global average pooling is `avgPool2d` with kernel = h = w.
//
// Legend: n batch, c channels, h×w input size, k window (k×k), s stride, oh×ow output size
// = floor((h − k)/s) + 1 × floor((w − k)/s) + 1. Each (n, c) pair is one independent plane.

/// Max pooling: `out[n,c,i,j] = max_{u,v<k} input[n,c,i·s+u,j·s+v]`; `argmax` records the winner as its
/// index `y·w + x` in the input plane, for backward. Ties go to the first maximum in row-major order.
/// input is (n, c, h, w); writes out and argmax (n, c, oh, ow).
public func maxPool2dForward(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                             input: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    precondition(oh >= 1 && ow >= 1, "maxPool2dForward: \(k)×\(k) window does not fit in \(h)×\(w)")
    for plane in 0..<(n * c) {
        let x = input + plane * h * w
        var o = plane * oh * ow
        for i in 0..<oh {
            for j in 0..<ow {
                let origin = i * s * w + j * s
                var best = origin, bestValue = x[origin]
                var row = origin
                for _ in 0..<k {
                    for v in 0..<k where x[row + v] > bestValue { best = row + v; bestValue = x[row + v] }
                    row += w
                }
                out[o] = bestValue
                argmax[o] = Int32(truncatingIfNeeded: best)
                o += 1
            }
        }
    }
}

/// Routes each dOut element to its window's maximum: `dInput[n,c][argmax] += dOut`.
/// dOut and argmax are (n, c, oh, ow); dInput is (n, c, h, w).
public func maxPool2dBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              argmax: UnsafePointer<Int32>, n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int) {
    let planeOut = slidingWindowCount(size: h, kernel: k, stride: s) * slidingWindowCount(size: w, kernel: k, stride: s)
    for plane in 0..<(n * c) {
        let dx = dInput + plane * h * w
        for o in (plane * planeOut)..<((plane + 1) * planeOut) { dx[Int(argmax[o])] += dOut[o] }
    }
}

/// Average pooling: `out[n,c,i,j] = (Σ_{u,v<k} input[n,c,i·s+u,j·s+v]) / k²`, summed in row-major order.
/// input is (n, c, h, w); writes out (n, c, oh, ow).
public func avgPool2dForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                             n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    precondition(oh >= 1 && ow >= 1, "avgPool2dForward: \(k)×\(k) window does not fit in \(h)×\(w)")
    let area = Float(k * k)
    for plane in 0..<(n * c) {
        let x = input + plane * h * w
        var o = plane * oh * ow
        for i in 0..<oh {
            for j in 0..<ow {
                var sum: Float = 0
                var row = i * s * w + j * s
                for _ in 0..<k {
                    for v in 0..<k { sum += x[row + v] }
                    row += w
                }
                out[o] = sum / area
                o += 1
            }
        }
    }
}

/// Spreads each dOut element evenly over its window: `dInput[n,c,i·s+u,j·s+v] += dOut[n,c,i,j] / k²`.
/// dOut is (n, c, oh, ow); dInput is (n, c, h, w).
public func avgPool2dBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    let area = Float(k * k)
    for plane in 0..<(n * c) {
        let dx = dInput + plane * h * w
        var o = plane * oh * ow
        for i in 0..<oh {
            for j in 0..<ow {
                let g = dOut[o] / area
                var row = i * s * w + j * s
                for _ in 0..<k {
                    for v in 0..<k { dx[row + v] += g }
                    row += w
                }
                o += 1
            }
        }
    }
}
