// The naive twins of the pooling kernels, generic so tests can run them in Double (finite differences).
//
// Legend: n batch, c channels, h×w input size, k window (k×k), s stride, oh×ow output size
// = floor((h − k)/s) + 1 × floor((w − k)/s) + 1 (no padding, rounded down).

/// Max over each k×k window; `argmax` gets the winner's index `y·w + x` in its input plane (the first
/// maximum in row-major order). input is (n, c, h, w); writes out and argmax (n, c, oh, ow).
public func maxPool2dForwardReference<T: BinaryFloatingPoint>(
    out: UnsafeMutablePointer<T>, argmax: UnsafeMutablePointer<Int32>, input: UnsafePointer<T>,
    n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int
) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    for plane in 0..<(n * c) {
        let x = input + plane * h * w
        for i in 0..<oh {
            for j in 0..<ow {
                var best = (i * s) * w + j * s
                for u in 0..<k {
                    for v in 0..<k where x[(i * s + u) * w + j * s + v] > x[best] {
                        best = (i * s + u) * w + j * s + v
                    }
                }
                out[(plane * oh + i) * ow + j] = x[best]
                argmax[(plane * oh + i) * ow + j] = Int32(best)
            }
        }
    }
}

/// Adds each dOut element into dInput at its window's argmax. dOut, argmax are (n, c, oh, ow); dInput is (n, c, h, w).
public func maxPool2dBackwardReference<T: BinaryFloatingPoint>(
    dInput: UnsafeMutablePointer<T>, dOut: UnsafePointer<T>, argmax: UnsafePointer<Int32>,
    n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int
) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    for plane in 0..<(n * c) {
        for o in 0..<(oh * ow) {
            dInput[plane * h * w + Int(argmax[plane * oh * ow + o])] += dOut[plane * oh * ow + o]
        }
    }
}

/// Mean over each k×k window (summed in row-major order, then divided by k²).
/// input is (n, c, h, w); writes out (n, c, oh, ow).
public func avgPool2dForwardReference<T: BinaryFloatingPoint>(
    out: UnsafeMutablePointer<T>, input: UnsafePointer<T>, n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int
) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    for plane in 0..<(n * c) {
        for i in 0..<oh {
            for j in 0..<ow {
                var sum: T = 0
                for u in 0..<k { for v in 0..<k { sum += input[(plane * h + i * s + u) * w + j * s + v] } }
                out[(plane * oh + i) * ow + j] = sum / T(k * k)
            }
        }
    }
}

/// Adds dOut / k² into every input element of each window. dOut is (n, c, oh, ow); dInput is (n, c, h, w).
public func avgPool2dBackwardReference<T: BinaryFloatingPoint>(
    dInput: UnsafeMutablePointer<T>, dOut: UnsafePointer<T>, n: Int, c: Int, h: Int, w: Int, kernel k: Int, stride s: Int
) {
    let oh = slidingWindowCount(size: h, kernel: k, stride: s), ow = slidingWindowCount(size: w, kernel: k, stride: s)
    for plane in 0..<(n * c) {
        for i in 0..<oh {
            for j in 0..<ow {
                let g = dOut[(plane * oh + i) * ow + j] / T(k * k)
                for u in 0..<k { for v in 0..<k { dInput[(plane * h + i * s + u) * w + j * s + v] += g } }
            }
        }
    }
}
