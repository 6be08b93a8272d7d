// Adam with L2 weight decay and AMSGrad (PyTorch's `torch.optim.Adam`, single-tensor path), and the
// kernel AdamW shares.
import Foundation

/// Adam, in PyTorch's order of operations (t counts steps from 1):
///
///     g = g + wd·x                                   (if wd ≠ 0)
///     m = m + (1 − β1)·(g − m)                       (torch's lerp, = β1·m + (1 − β1)·g)
///     v = β2·v + (1 − β2)·g²
///     amsgrad: vmax = max(vmax, v), used for v below
///     x = x − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
///
/// eps is added after dividing by √(1 − β2ᵗ) (torch, not the paper's m̂/(√v̂ + eps)); the bias
/// corrections and lr/(1 − β1ᵗ) are computed in double, then rounded. m, v, vmax start at zero.
/// Build it through `OptimizerCatalog.make(name: "adam", …)`.
public final class Adam: CatalogedOptimizer {
    struct Hyper {
        var lr: Double
        var beta1: Double
        var beta2: Double
        var eps: Double
        var weightDecay: Double
        var amsgrad: Bool
    }

    static let entry = OptimizerDescription(
        name: "adam",
        summary: "Adam with L2 weight decay and AMSGrad",
        hyperparameters: [.learningRate(0.001), .adamBetas, .eps(1e-8), .weightDecay, .amsgrad],
        reference: "torch.optim.Adam (CGO optimizers/optim.py: Adam)",
        refused: [],
        checkedTogether: [["betas"]])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        let (beta1, beta2) = try values.adamBetas()
        return Hyper(lr: values.number("lr"), beta1: beta1, beta2: beta2, eps: values.number("eps"),
                     weightDecay: values.number("weight_decay"), amsgrad: values.bool("amsgrad"))
    }

    public var lr: Double
    let hyper: Hyper
    let moments: AdamMoments

    init(layout: TensorLayout, hyper: Hyper) {
        self.hyper = hyper
        lr = hyper.lr
        moments = AdamMoments(layout: layout, amsgrad: hyper.amsgrad)
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        moments.update(parameters: parameters, gradients: gradients, lr: lr, beta1: hyper.beta1, beta2: hyper.beta2,
                       eps: hyper.eps, l2: hyper.weightDecay, decoupled: 0)
    }

    public var admissions: AdmissionCounts { AdmissionCounts() }
    public func resetAdmissions() {}

    public func saveState() -> OptimizerState { moments.save(kind: Self.entry.name, lr: lr) }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        lr = try moments.restore(state)
    }
}

/// Adam's and AdamW's per-element state and step (AdamW differs only in how weight decay enters).
final class AdamMoments {
    let layout: TensorLayout
    /// Completed steps (t − 1 during a step).
    var stepCount = 0
    let expAvg: FloatStorage
    let expAvgSq: FloatStorage
    let maxExpAvgSq: FloatStorage?

    init(layout: TensorLayout, amsgrad: Bool) {
        self.layout = layout
        expAvg = FloatStorage(count: layout.stateCount)
        expAvgSq = FloatStorage(count: layout.stateCount)
        maxExpAvgSq = amsgrad ? FloatStorage(count: layout.stateCount) : nil
    }

    /// One step over every tensor. `l2`: weight decay added to the gradient (Adam); `decoupled`: weight
    /// decay applied to x as x·(1 − lr·wd) before the update (AdamW). Zero turns either off.
    func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, lr: Double,
                beta1: Double, beta2: Double, eps: Double, l2: Double, decoupled: Double) {
        stepCount += 1
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2 = 1 - pow(beta2, t)
        for (j, range) in layout.ranges.enumerated() {
            let o = layout.offsets[j]
            adamUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound, m: expAvg.pointer + o,
                       v: expAvgSq.pointer + o, vMax: maxExpAvgSq.map { $0.pointer + o }, count: range.count,
                       stepSize: Float(lr / biasCorrection1), oneMinusBeta1: Float(1 - beta1), beta2: Float(beta2),
                       oneMinusBeta2: Float(1 - beta2), biasCorrection2Sqrt: Float(biasCorrection2.squareRoot()),
                       eps: Float(eps), weightDecay: Float(l2), shrink: decoupled != 0 ? Float(1 - lr * decoupled) : nil)
        }
    }

    func save(kind: String, lr: Double) -> OptimizerState {
        var state = OptimizerState(kind: kind, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(expAvg, as: "expAvg", layout: layout)
        state.store(expAvgSq, as: "expAvgSq", layout: layout)
        state.store(maxExpAvgSq, as: "maxExpAvgSq", layout: layout)
        return state
    }

    /// Restores the moments and step count; returns the saved lr.
    func restore(_ state: OptimizerState) throws -> Double {
        let (lr, step) = (try state.double("lr"), try state.integer("step"))
        try state.restoration([(expAvg, "expAvg"), (expAvgSq, "expAvgSq"), (maxExpAvgSq, "maxExpAvgSq")], layout: layout)()
        stepCount = step
        return lr
    }
}

/// One Adam/AdamW step over one tensor: x, g, m, v and vMax (amsgrad only) are (count). `shrink` is
/// AdamW's 1 − lr·wd (nil for Adam).
func adamUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>?, count: Int, stepSize: Float,
                oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float, biasCorrection2Sqrt: Float, eps: Float,
                weightDecay: Float, shrink: Float?) {
    @inline(__always) func update(_ i: Int, _ lanes: Int) {
        var xv = Vector.load(x, i, lanes)
        if let shrink { xv = xv * shrink }
        var gv = Vector.load(g, i, lanes)
        if weightDecay != 0 { gv = gv + weightDecay * xv }
        var mv = Vector.load(m, i, lanes)
        mv = mv + oneMinusBeta1 * (gv - mv)
        let vv = Vector.load(v, i, lanes) * beta2 + (oneMinusBeta2 * gv) * gv
        mv.store(m, i, lanes)
        vv.store(v, i, lanes)
        var second = vv
        if let vMax { second = runningMax(vMax, vv, i, lanes) }
        let denominator = second.squareRoot() / biasCorrection2Sqrt + eps
        (xv - stepSize * (mv / denominator)).store(x, i, lanes)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount); i += Vector.scalarCount }
    if i < count { update(i, count - i) }
}

/// AMSGrad's vmax = max(vmax, v), stored and returned. NaN in v wins, as in `torch.maximum` (v is NaN
/// whenever vmax is: both start at 0 and a NaN v never recovers).
@inline(__always)
func runningMax(_ vMax: UnsafeMutablePointer<Float>, _ v: Vector, _ i: Int, _ lanes: Int) -> Vector {
    var maximum = Vector.load(vMax, i, lanes)
    maximum.replace(with: v, where: .!(v .<= maximum))
    maximum.store(vMax, i, lanes)
    return maximum
}
