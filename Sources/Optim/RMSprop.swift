// RMSprop with momentum, centering and weight decay (PyTorch's `torch.optim.RMSprop`).

/// RMSprop, PyTorch's form:
///
///     g = g + wd·x                                   (if wd ≠ 0)
///     v = α·v + (1 − α)·g²
///     centered:  ḡ = ḡ + (1 − α)·(g − ḡ);  avg = √(v − ḡ²) + eps
///     else:      avg = √v + eps
///     momentum > 0:  buf = μ·buf + g/avg;  x = x − lr·buf
///     else:          x = x − lr·g/avg
///
/// eps is added after the square root (TensorFlow adds it inside). v, ḡ and buf start at zero.
/// Build it through `OptimizerCatalog.make(name: "rmsprop", …)`.
public final class RMSprop: CatalogedOptimizer {
    struct Hyper {
        var lr: Double
        var alpha: Double
        var eps: Double
        var weightDecay: Double
        var momentum: Double
        var centered: Bool
    }

    static let entry = OptimizerDescription(
        name: "rmsprop",
        summary: "RMSprop with momentum, centering and weight decay",
        hyperparameters: [
            .learningRate(0.01), .alpha, .eps(1e-8), .weightDecay,
            .momentum(0...1, "momentum factor; the buffer accumulates g/avg"), .centered,
        ],
        reference: "torch.optim.RMSprop (CGO optimizers/optim.py: RMSprop)",
        refused: [])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        Hyper(lr: values.number("lr"), alpha: values.number("alpha"), eps: values.number("eps"),
              weightDecay: values.number("weight_decay"), momentum: values.number("momentum"),
              centered: values.bool("centered"))
    }

    public var lr: Double
    let hyper: Hyper
    let layout: TensorLayout
    private(set) var stepCount = 0
    let squareAvg: FloatStorage
    let gradAvg: FloatStorage?
    let momentumBuffer: FloatStorage?

    init(layout: TensorLayout, hyper: Hyper) {
        self.layout = layout
        self.hyper = hyper
        lr = hyper.lr
        squareAvg = FloatStorage(count: layout.stateCount)
        gradAvg = hyper.centered ? FloatStorage(count: layout.stateCount) : nil
        momentumBuffer = hyper.momentum > 0 ? FloatStorage(count: layout.stateCount) : nil
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        for (j, range) in layout.ranges.enumerated() {
            let o = layout.offsets[j]
            rmspropUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound, v: squareAvg.pointer + o,
                          gAvg: gradAvg.map { $0.pointer + o }, buffer: momentumBuffer.map { $0.pointer + o },
                          count: range.count, lr: Float(lr), alpha: Float(hyper.alpha),
                          oneMinusAlpha: Float(1 - hyper.alpha), eps: Float(hyper.eps),
                          weightDecay: Float(hyper.weightDecay), momentum: Float(hyper.momentum))
        }
        stepCount += 1
    }

    public var admissions: AdmissionCounts { AdmissionCounts() }
    public func resetAdmissions() {}

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(squareAvg, as: "squareAvg", layout: layout)
        state.store(gradAvg, as: "gradAvg", layout: layout)
        state.store(momentumBuffer, as: "momentumBuffer", layout: layout)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let (savedLR, savedStep) = (try state.double("lr"), try state.integer("step"))
        try state.restoration([(squareAvg, "squareAvg"), (gradAvg, "gradAvg"), (momentumBuffer, "momentumBuffer")],
                              layout: layout)()
        (lr, stepCount) = (savedLR, savedStep)
    }
}

/// One RMSprop step over one tensor: x, g, v, gAvg (centered only) and buffer (momentum only) are (count).
func rmspropUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>,
                   gAvg: UnsafeMutablePointer<Float>?, buffer: UnsafeMutablePointer<Float>?, count: Int, lr: Float,
                   alpha: Float, oneMinusAlpha: Float, eps: Float, weightDecay: Float, momentum: Float) {
    @inline(__always) func update(_ i: Int, _ lanes: Int) {
        let xv = Vector.load(x, i, lanes)
        var gv = Vector.load(g, i, lanes)
        if weightDecay != 0 { gv = gv + weightDecay * xv }
        let vv = Vector.load(v, i, lanes) * alpha + (oneMinusAlpha * gv) * gv
        vv.store(v, i, lanes)
        var avg: Vector
        if let gAvg {
            var mean = Vector.load(gAvg, i, lanes)
            mean = mean + oneMinusAlpha * (gv - mean)
            mean.store(gAvg, i, lanes)
            avg = (vv - mean * mean).squareRoot() + eps
        } else {
            avg = vv.squareRoot() + eps
        }
        if let buffer {
            let velocity = Vector.load(buffer, i, lanes) * momentum + gv / avg
            velocity.store(buffer, i, lanes)
            (xv - lr * velocity).store(x, i, lanes)
        } else {
            (xv - lr * (gv / avg)).store(x, i, lanes)
        }
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount); i += Vector.scalarCount }
    if i < count { update(i, count - i) }
}
