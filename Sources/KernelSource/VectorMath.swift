// Vectorised exp, tanh and sigmoid over 16 floats at a time, for softmax, LSTM gates and sigmoid
// outputs. glibc's scalar expf would cost more than the language model's decoder matmul.
//
// Compiled by Models (baseline x86-64) and by every kernel set (a symbolic link in each), so the
// softmax's exponentials run at the kernel set's vector width. Multiply then add, never `addingProduct`:
// on the baseline target a fused multiply-add is a libm `fmaf` call per lane, and unfused, every set
// computes the same bits. (n·ln2's high part stays exact: 9 significant bits.)
//
// Every element goes through the same SIMD16 code, tails included (padded), so a value's result never
// depends on where it sits in a buffer: results are the same for any batch size or thread split.
//
// exp, tanh and sigmoid are `@inline(always)` (SE-0496, Swift 6.3; older compilers get the hint
// `@inline(__always)`), which the optimiser ignored: it left them out of line in the LSTM cell, the softmax
// loop and Models' activations, and across the call a SIMD16 travels as four 128-bit halves, so each select
// became per-half mask conversions (vpmovd2m, vpmovm2d) instead of one compare into a mask register,
// vmaxps/vminps or vblendvps.

/// e^x to about 1 ulp for x in [−87.3, 88.3]; 0 below, and e^88.3 above (no infinities: softmax and
/// sigmoid inputs stay finite).
///
/// Cephes' `expf`: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact product), e^r by a
/// degree-6 minimax polynomial, then 2ⁿ built in the exponent bits.
#if compiler(>=6.3)
@inline(always)
#else
@inline(__always)
#endif
func vectorExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    // Comparisons and selects, not `clamped(lowerBound:upperBound:)`: the standard library's generic version
    // is not specialised here and costs a call per vector.
    let low = SIMD16<Float>(repeating: -87.3), high = SIMD16<Float>(repeating: 88.3)
    var clamped = x.replacing(with: low, where: x .< low)
    clamped.replace(with: high, where: clamped .> high)
    // Round x/ln2 to the nearest integer with the 1.5·2²³ trick: the sum's low mantissa bits hold n.
    let shifter = SIMD16<Float>(repeating: 12_582_912)
    let shifted = shifter + clamped * SIMD16(repeating: 1.442_695_04)
    let n = shifted - shifter
    var r = clamped + n * SIMD16(repeating: -0.693_359_375)
    r = r + n * SIMD16(repeating: 2.121_944_4e-4)
    var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
    p = SIMD16(repeating: 1.398_199_95e-3) + p * r
    p = SIMD16(repeating: 8.333_451_9e-3) + p * r
    p = SIMD16(repeating: 4.166_579_59e-2) + p * r
    p = SIMD16(repeating: 1.666_666_55e-1) + p * r
    p = SIMD16(repeating: 5.000_000_12e-1) + p * r
    let r2 = r * r
    let er = (r + 1) + p * r2
    // 2ⁿ: n + 127 in the exponent field. The shifted value's bit pattern is 0x4B40_0000 + n.
    let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127
    let scale = unsafeBitCast(bits &<< 23, to: SIMD16<Float>.self)
    let result = er * scale
    return result.replacing(with: 0, where: x .< -87.3)
}

/// tanh(x) to a few ulp: Cephes' odd polynomial for |x| < 0.625 (where 1 − 2/(e^{2x}+1) would cancel),
/// 1 − 2/(e^{2|x|} + 1) with the sign restored elsewhere.
#if compiler(>=6.3)
@inline(always)
#else
@inline(__always)
#endif
func vectorTanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let a = x.replacing(with: -x, where: x .< 0)
    let e = vectorExp(a + a)
    var large = 1 - 2 / (e + 1)
    large.replace(with: -large, where: x .< 0)
    let z = x * x
    var p = SIMD16<Float>(repeating: -5.704_988_727_45e-3)
    p = SIMD16(repeating: 2.063_908_879_54e-2) + p * z
    p = SIMD16(repeating: -5.373_971_555_31e-2) + p * z
    p = SIMD16(repeating: 1.333_144_220_36e-1) + p * z
    p = SIMD16(repeating: -3.333_328_194_22e-1) + p * z
    let small = x + p * z * x
    return large.replacing(with: small, where: a .< 0.625)
}

/// σ(x) = 1 / (1 + e^{−x}).
#if compiler(>=6.3)
@inline(always)
#else
@inline(__always)
#endif
func vectorSigmoid(_ x: SIMD16<Float>) -> SIMD16<Float> {
    1 / (1 + vectorExp(-x))
}

/// Applies `f` to `count` floats from `input` into `output` (which may be the same memory), 16 at a time;
/// the tail is padded with zeros so it goes through the same vector code.
@inline(__always)
func mapVector(_ output: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ count: Int,
                      _ f: (SIMD16<Float>) -> SIMD16<Float>) {
    var i = 0
    while i + 16 <= count {
        let v = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(output + i).storeBytes(of: f(v), as: SIMD16<Float>.self)
        i += 16
    }
    if i < count {
        var v = SIMD16<Float>(repeating: 0)
        for j in 0..<(count - i) { v[j] = input[i + j] }
        let y = f(v)
        for j in 0..<(count - i) { output[i + j] = y[j] }
    }
}

/// The sum of 16 lanes as a fixed pairwise tree ((0+8)+(4+12))…, so it never depends on the compiler's
/// choice of reduction order (the standard library leaves `sum()`'s order unspecified).
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let h8 = v.lowHalf + v.highHalf
    let h4 = h8.lowHalf + h8.highHalf
    let h2 = h4.lowHalf + h4.highHalf
    return h2[0] + h2[1]
}
