// The element-wise loops that cost most outside the matrix products (profiled: the language model's
// softmax over 10k classes, ResNet-20's BatchNorm and residual backward; the BatchNorm forward), compiled per instruction set
// like the register tile. Each does the same unfused multiplies and adds in the same order as a baseline
// build would, so every kernel set gives the same bits.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
import KernelInterface

/// Writes y_j = exp(z_j − shift) for j < count and returns their sum, accumulated in 16 Float lanes in a
/// fixed order; the tail is padded through the same vector code.
func expShiftedRow(_ y: UnsafeMutablePointer<Float>, _ z: UnsafePointer<Float>, _ shift: Float, _ count: Int) -> Float {
    var lanes = SIMD16<Float>(repeating: 0)
    let s = SIMD16<Float>(repeating: shift)
    var j = 0
    while j + 16 <= count {
        let e = vectorExp(UnsafeRawPointer(z + j).loadUnaligned(as: SIMD16<Float>.self) - s)
        UnsafeMutableRawPointer(y + j).storeBytes(of: e, as: SIMD16<Float>.self)
        lanes += e
        j += 16
    }
    if j < count {
        var v = SIMD16<Float>(repeating: 0)
        for k in 0..<(count - j) { v[k] = z[j + k] - shift }
        let e = vectorExp(v)
        for k in 0..<(count - j) { y[j + k] = e[k]; lanes[k] += e[k] }
    }
    return horizontalSum(lanes)
}

/// dA += g and dB += g (either may be nil) over `count` floats, g = dOut where `mask` (a fused ReLU's
/// output) is positive and 0 elsewhere.
func maskedAccumulate(_ dA: UnsafeMutablePointer<Float>?, _ dB: UnsafeMutablePointer<Float>?, _ dOut: UnsafePointer<Float>,
                      _ mask: UnsafePointer<Float>, _ count: Int) {
    maskedUpdate(dA, dB, dOut, mask, count, write: false)
}

/// `maskedAccumulate` into buffers that hold nothing yet: dA = dB = 0 + g, the bits of adding into zeros
/// without the zeroing pass and the read of zeros.
func maskedWrite(_ dA: UnsafeMutablePointer<Float>?, _ dB: UnsafeMutablePointer<Float>?, _ dOut: UnsafePointer<Float>,
                 _ mask: UnsafePointer<Float>, _ count: Int) {
    maskedUpdate(dA, dB, dOut, mask, count, write: true)
}

@inline(__always)
private func maskedUpdate(_ dA: UnsafeMutablePointer<Float>?, _ dB: UnsafeMutablePointer<Float>?, _ dOut: UnsafePointer<Float>,
                          _ mask: UnsafePointer<Float>, _ count: Int, write: Bool) {
    var i = 0
    while i + 16 <= count {
        let g = SIMD16<Float>(repeating: 0).replacing(with: UnsafeRawPointer(dOut + i).loadUnaligned(as: SIMD16<Float>.self),
                                                      where: UnsafeRawPointer(mask + i).loadUnaligned(as: SIMD16<Float>.self) .> 0)
        if let dA { updateVector(dA + i, g, write: write) }
        if let dB { updateVector(dB + i, g, write: write) }
        i += 16
    }
    while i < count {
        let g = mask[i] > 0 ? dOut[i] : 0
        if let dA { dA[i] = (write ? 0 : dA[i]) + g }
        if let dB { dB[i] = (write ? 0 : dB[i]) + g }
        i += 1
    }
}

/// Σ x, or Σ (x − shift)² when `squared`, over `count` floats, in 16 lanes then a fixed tree: the
/// BatchNorm forward's statistics of one plane.
func planeSum(_ x: UnsafePointer<Float>, _ count: Int, _ shift: Float, _ squared: Bool) -> Float {
    var lanes = SIMD16<Float>(repeating: 0)
    let s = SIMD16<Float>(repeating: shift)
    var i = 0
    while i + 16 <= count {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - s
        lanes = squared ? lanes + v * v : lanes + v
        i += 16
    }
    var tail: Float = 0
    while i < count {
        let v = x[i] - shift
        tail += squared ? v * v : v
        i += 1
    }
    return horizontalSum(lanes) + tail
}

/// y = (x − mean)·scale + bias over `count` floats, then max(y, 0) with `relu` (0 also for −0, NaN
/// kept: as `Swift.max(y, 0)`).
func normalizePlane(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, _ mean: Float,
                    _ scale: Float, _ bias: Float, _ relu: Bool) {
    let mu = SIMD16<Float>(repeating: mean), sv = SIMD16<Float>(repeating: scale), bv = SIMD16<Float>(repeating: bias)
    let zero = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= count {
        var v = (UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - mu) * sv + bv
        if relu { v.replace(with: zero, where: v .<= zero) }
        UnsafeMutableRawPointer(y + i).storeBytes(of: v, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count {
        let v = (x[i] - mean) * scale + bias
        y[i] = relu ? max(v, 0) : v
        i += 1
    }
}

/// (Σ g, Σ g·x̂) over one plane, x̂ = (x − mean)·invStd, in 16 lanes then a fixed tree.
func planeDotSums(_ p: BatchNormPlane) -> (Float, Float) {
    var sumG = SIMD16<Float>(repeating: 0), sumGX = SIMD16<Float>(repeating: 0)
    let mu = SIMD16<Float>(repeating: p.mean), inv = SIMD16<Float>(repeating: p.invStd)
    var i = 0
    while i + 16 <= p.count {
        let gv = maskedGradient(p, i)
        let xv = (UnsafeRawPointer(p.x + i).loadUnaligned(as: SIMD16<Float>.self) - mu) * inv
        sumG += gv
        sumGX = sumGX + gv * xv
        i += 16
    }
    var tailG: Float = 0, tailGX: Float = 0
    while i < p.count {
        let gi = p.mask.map { $0[i] > 0 ? p.g[i] : 0 } ?? p.g[i]
        tailG += gi
        tailGX += gi * ((p.x[i] - p.mean) * p.invStd)
        i += 1
    }
    return (horizontalSum(sumG) + tailG, horizontalSum(sumGX) + tailGX)
}

/// d += k·(g − meanG − x̂·meanGX) over one plane, x̂ = (x − mean)·invStd; with `write`, d = 0 + that (the
/// bits of adding into zeros, without reading them).
func batchNormInputGradient(_ p: BatchNormPlane, _ d: UnsafeMutablePointer<Float>, _ k: Float, _ meanG: Float,
                            _ meanGX: Float, _ write: Bool) {
    let mu = SIMD16<Float>(repeating: p.mean), inv = SIMD16<Float>(repeating: p.invStd)
    let kv = SIMD16<Float>(repeating: k), mg = SIMD16<Float>(repeating: meanG), mgx = SIMD16<Float>(repeating: meanGX)
    var i = 0
    while i + 16 <= p.count {
        let xHat = (UnsafeRawPointer(p.x + i).loadUnaligned(as: SIMD16<Float>.self) - mu) * inv
        updateVector(d + i, kv * (maskedGradient(p, i) - mg - xHat * mgx), write: write)
        i += 16
    }
    while i < p.count {
        let gi = p.mask.map { $0[i] > 0 ? p.g[i] : 0 } ?? p.g[i]
        d[i] = (write ? 0 : d[i]) + k * (gi - meanG - (p.x[i] - p.mean) * p.invStd * meanGX)
        i += 1
    }
}

/// The plane's 16 gradients from i, 0 where the mask is not positive.
@inline(__always)
private func maskedGradient(_ p: BatchNormPlane, _ i: Int) -> SIMD16<Float> {
    let g = UnsafeRawPointer(p.g + i).loadUnaligned(as: SIMD16<Float>.self)
    guard let mask = p.mask else { return g }
    return SIMD16<Float>(repeating: 0).replacing(with: g, where: UnsafeRawPointer(mask + i).loadUnaligned(as: SIMD16<Float>.self) .> 0)
}

/// p[0..<16] += v, or with `write` p[0..<16] = 0 + v (−0 becomes +0, as when adding into zeros).
@inline(__always)
private func updateVector(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>, write: Bool) {
    let raw = UnsafeMutableRawPointer(p)
    let base = write ? SIMD16<Float>(repeating: 0) : raw.loadUnaligned(as: SIMD16<Float>.self)
    raw.storeBytes(of: base + v, as: SIMD16<Float>.self)
}
