// Adagrad with learning-rate decay, weight decay and an initial accumulator (PyTorch's `torch.optim.Adagrad`).
import Vocabulary

/// Adagrad, PyTorch's form (t counts steps from 1; s starts at `initial_accumulator_value`):
///
///     g = g + wd·x                                   (if wd ≠ 0)
///     clr = lr / (1 + (t − 1)·lr_decay)              (in double, then rounded)
///     s = s + g²
///     x = x − clr·g / (√s + eps)
///
/// Build it through `OptimizerCatalog.make(name: "adagrad", …)`.
public final class Adagrad: CatalogedOptimizer {
    struct Hyper {
        var lr: Double
        var lrDecay: Double
        var weightDecay: Double
        var initialAccumulatorValue: Double
        var eps: Double
    }

    static let entry = OptimizerDescription(
        name: "adagrad",
        summary: "Adagrad with learning-rate decay, weight decay and an initial accumulator",
        hyperparameters: [
            .learningRate(0.01),
            KeySpec("lr_decay", .number(0...Double.infinity), .number(0),
                               "step t uses lr / (1 + (t − 1)·lr_decay)"),
            .weightDecay,
            KeySpec("initial_accumulator_value", .number(0...Double.infinity), .number(0),
                               "starting value of the sum of squared gradients"),
            .eps(1e-10),
        ],
        reference: "torch.optim.Adagrad",
        refused: [])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        Hyper(lr: values.number("lr"), lrDecay: values.number("lr_decay"), weightDecay: values.number("weight_decay"),
              initialAccumulatorValue: values.number("initial_accumulator_value"), eps: values.number("eps"))
    }

    public var lr: Double
    let hyper: Hyper
    let layout: TensorLayout
    private(set) var stepCount = 0
    let stateSum: FloatStorage

    init(layout: TensorLayout, hyper: Hyper) {
        self.layout = layout
        self.hyper = hyper
        lr = hyper.lr
        stateSum = FloatStorage(count: layout.stateCount)
        for i in 0..<layout.stateCount { stateSum.pointer[i] = Float(hyper.initialAccumulatorValue) }
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        stepCount += 1
        let clr = Float(lr / (1 + Double(stepCount - 1) * hyper.lrDecay))
        for (j, range) in layout.ranges.enumerated() {
            adagradUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                          sum: stateSum.pointer + layout.offsets[j], count: range.count, clr: clr,
                          eps: Float(hyper.eps), weightDecay: Float(hyper.weightDecay))
        }
    }

    public var admissions: AdmissionCounts { AdmissionCounts() }
    public func resetAdmissions() {}

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(stateSum, as: "sum", layout: layout)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let (savedLR, savedStep) = (try state.double("lr"), try state.integer("step"))
        try state.restoration([(stateSum, "sum")], layout: layout)()
        (lr, stepCount) = (savedLR, savedStep)
    }
}

/// One Adagrad step over one tensor: x, g and sum are (count).
func adagradUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, sum: UnsafeMutablePointer<Float>,
                   count: Int, clr: Float, eps: Float, weightDecay: Float) {
    @inline(__always) func update(_ i: Int, _ lanes: Int) {
        let xv = Vector.load(x, i, lanes)
        var gv = Vector.load(g, i, lanes)
        if weightDecay != 0 { gv = gv + weightDecay * xv }
        let s = Vector.load(sum, i, lanes) + gv * gv
        s.store(sum, i, lanes)
        (xv - clr * (gv / (s.squareRoot() + eps))).store(x, i, lanes)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount); i += Vector.scalarCount }
    if i < count { update(i, count - i) }
}
