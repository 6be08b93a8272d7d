// The operands of the one-step convolution backward (KernelSource/OneStepConvolution.swift, called by
// Models' conv1dBackwardAtOneStep): a 1-D convolution, same padding, whose output gradient is nonzero at
// one step per (b, o), the gradient of a max over time: dOut[step[b, o], b, o] = g[b, o]. Sizes: T steps,
// B batch, c input channels, oc outputs, k taps (odd), pad = (k − 1)/2; activations sequence-major.

public struct OneStepGradient {
    /// (k, oc, c): tap j's gradient dW_j[o] = Σ_b g[b, o] · x[step[b, o] + j − pad, b], written.
    public var dTaps: UnsafeMutablePointer<Float>
    /// (T, B, c) or nil: dx[step[b, o] + j − pad, b] += g[b, o] · W_j[o], added.
    public var dInput: UnsafeMutablePointer<Float>?
    /// g and step, (B, oc).
    public var g: UnsafePointer<Float>, step: UnsafePointer<Int32>
    /// The forward's input x (T, B, c) and taps W (k, oc, c).
    public var input: UnsafePointer<Float>, taps: UnsafePointer<Float>
    public var steps: Int, batch: Int, c: Int, oc: Int, kernel: Int

    @inline(__always)
    public init(dTaps: UnsafeMutablePointer<Float>, dInput: UnsafeMutablePointer<Float>?, g: UnsafePointer<Float>,
                step: UnsafePointer<Int32>, input: UnsafePointer<Float>, taps: UnsafePointer<Float>,
                steps: Int, batch: Int, c: Int, oc: Int, kernel: Int) {
        self.dTaps = dTaps; self.dInput = dInput; self.g = g; self.step = step; self.input = input; self.taps = taps
        self.steps = steps; self.batch = batch; self.c = c; self.oc = oc; self.kernel = kernel
    }
}
