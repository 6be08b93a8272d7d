// The operands of the BatchNorm backward's per-plane kernels (batchNorm2dBackward in Models).

/// One (sample, channel) plane of `count` floats: the output gradient g, the forward's input x, and the
/// channel's batch mean and 1/√(var + eps). With `mask` (the output of a ReLU fused into the forward),
/// g counts only where the mask is positive.
public struct BatchNormPlane {
    public var g: UnsafePointer<Float>, x: UnsafePointer<Float>, mask: UnsafePointer<Float>?
    public var count: Int, mean: Float, invStd: Float

    @inline(__always)
    public init(g: UnsafePointer<Float>, x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, count: Int, mean: Float,
                invStd: Float) {
        self.g = g; self.x = x; self.mask = mask
        self.count = count; self.mean = mean; self.invStd = invStd
    }
}
