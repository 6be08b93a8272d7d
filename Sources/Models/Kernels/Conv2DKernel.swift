// 2-D convolution (cross-correlation, NCHW, stride, zero padding, optional bias): forward and backward.
// Backward adds (+=) into dWeight, dBias and dInput, so callers zero gradients once per step (llm.c).
//
// Legend: n batch, c input channels, h×w input size, oc output channels, kh×kw kernel, s stride,
// p zero padding, oh×ow output size = floor((h + 2p − kh)/s) + 1 × floor((w + 2p − kw)/s) + 1.

/// `out[n,o,i,j] = bias[o] + Σ_{c,u,v} weight[o,c,u,v] · xpad[n,c,i·s+u,j·s+v]`.
/// input is (n, c, h, w), weight is (oc, c, kh, kw), bias is (oc) or nil; writes out (n, oc, oh, ow).
public func conv2dForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                          stride: Int, padding: Int) {
    conv2dForwardReference(out: out, input: input, weight: weight, bias: bias, n: n, c: c, h: h, w: w,
                           oc: oc, kh: kh, kw: kw, stride: stride, padding: padding)
}

/// The gradients of `conv2dForward`, added (+=) into dWeight (oc, c, kh, kw), dBias (oc) and dInput
/// (n, c, h, w). dOut is (n, oc, oh, ow). Pass nil for dBias without a bias, and for dInput in the first
/// layer (its input gradient is not needed).
public func conv2dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                           stride: Int, padding: Int) {
    conv2dBackwardReference(dInput: dInput, dWeight: dWeight, dBias: dBias, dOut: dOut, input: input,
                            weight: weight, n: n, c: c, h: h, w: w, oc: oc, kh: kh, kw: kw,
                            stride: stride, padding: padding)
}
