// Global-norm gradient clipping over a flat gradient buffer (PyTorch's `torch.nn.utils.clip_grad_norm_`).
import Vocabulary

/// Gradient clipping's configuration key: the largest global gradient norm allowed.
public enum GradientClipping {
    public static let hyperparameter = KeySpec(
        "clip", .number(0...Double.infinity, exclusiveMinimum: true), absent: "none",
        "rescale the gradients when their global L2 norm exceeds this (clip_grad_norm_)")
}

/// Scales `gradients` (count floats: every tensor's gradient, in any order) so that their global L2 norm
/// is at most about `maxNorm`, as `clip_grad_norm_` does:
///
///     total = ‖g‖₂ over all gradients;  coef = maxNorm / (total + 1e-6)
///     if coef < 1: g = coef·g
///
/// The norm is summed in double and rounded to float32; coef is float32, as torch's tensors are. A
/// non-finite total gives a NaN or zero coef, which is applied (torch's default, error_if_nonfinite =
/// false): the step then diverges visibly rather than silently. Returns the total norm before scaling.
@discardableResult
public func clipGradientNorm(_ gradients: UnsafeMutablePointer<Float>, count: Int, maxNorm: Double) -> Double {
    let total = Float(sumOfSquares(gradients, count: count).squareRoot())
    let coef = Float(maxNorm) / (total + 1e-6)
    guard !(coef >= 1) else { return Double(total) }
    @inline(__always) func scale(_ i: Int, _ lanes: Int) {
        (coef * Vector.load(gradients, i, lanes)).store(gradients, i, lanes)
    }
    var i = 0
    while i + Vector.scalarCount <= count { scale(i, Vector.scalarCount); i += Vector.scalarCount }
    if i < count { scale(i, count - i) }
    return Double(total)
}
