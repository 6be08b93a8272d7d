// SGD with momentum, negative momentum, dampening, Nesterov and weight decay (PyTorch's `torch.optim.SGD`,
// CGO's `optimizers/optim.py: SGD`).
import Vocabulary

/// Stochastic gradient descent, PyTorch's form:
///
///     d = g + wd·x                                   (if wd ≠ 0)
///     if μ ≠ 0:
///         buf = d on the first step, else buf = μ·buf + (1 − τ)·d
///         d = d + μ·buf if nesterov, else d = buf
///     x = x − lr·d
///
/// μ = `momentum`, τ = `dampening`. The first momentum step copies d without dampening, and the velocity
/// is not scaled by lr (unlike Sutskever et al.). Negative μ is allowed (negative-momentum studies; the
/// reference's argument check refuses it, the update rule does not care). Build it through
/// `OptimizerCatalog.make(name: "sgd", …)`.
public final class SGD: CatalogedOptimizer {
    struct Hyper {
        var lr: Double
        var momentum: Double
        var dampening: Double
        var weightDecay: Double
        var nesterov: Bool
    }

    static let entry = OptimizerDescription(
        name: "sgd",
        summary: "SGD with momentum (negative allowed), dampening, Nesterov and weight decay",
        hyperparameters: [
            .learningRate(0.001),
            .momentum(-1...1, "momentum factor μ; negative values give negative momentum"),
            .dampening,
            .weightDecay,
            KeySpec("nesterov", .bool, .bool(false), "Nesterov momentum: step along d + μ·buf"),
        ],
        reference: "torch.optim.SGD (CGO optimizers/optim.py: SGD, defaults lr 0.001)",
        refused: [],
        checkedTogether: [["momentum", "dampening", "nesterov"]])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        let hyper = Hyper(lr: values.number("lr"), momentum: values.number("momentum"),
                          dampening: values.number("dampening"), weightDecay: values.number("weight_decay"),
                          nesterov: values.bool("nesterov"))
        if hyper.nesterov && (hyper.momentum <= 0 || hyper.dampening != 0) {
            throw OptimizerError.conflict("nesterov needs momentum > 0 and dampening = 0 (got momentum "
                + "\(KeyValue.number(hyper.momentum).text), dampening \(KeyValue.number(hyper.dampening).text))")
        }
        return hyper
    }

    public var lr: Double
    let hyper: Hyper
    let layout: TensorLayout
    /// Completed steps.
    private(set) var stepCount = 0
    /// The velocity, per element (only with momentum).
    let momentumBuffer: FloatStorage?

    init(layout: TensorLayout, hyper: Hyper) {
        self.layout = layout
        self.hyper = hyper
        lr = hyper.lr
        momentumBuffer = hyper.momentum != 0 ? FloatStorage(count: layout.stateCount) : nil
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        for (j, range) in layout.ranges.enumerated() {
            sgdUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                      buffer: momentumBuffer.map { $0.pointer + layout.offsets[j] }, count: range.count,
                      lr: Float(lr), weightDecay: Float(hyper.weightDecay), momentum: Float(hyper.momentum),
                      oneMinusDampening: Float(1 - hyper.dampening), nesterov: hyper.nesterov, first: stepCount == 0)
        }
        stepCount += 1
    }

    public var admissions: AdmissionCounts { AdmissionCounts() }
    public func resetAdmissions() {}

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(momentumBuffer, as: "momentumBuffer", layout: layout)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let (savedLR, savedStep) = (try state.double("lr"), try state.integer("step"))
        try state.restoration([(momentumBuffer, "momentumBuffer")], layout: layout)()
        (lr, stepCount) = (savedLR, savedStep)
    }
}

/// One SGD step over one tensor of `count` elements: x, g and the momentum buffer (nil without momentum)
/// are (count).
func sgdUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, buffer: UnsafeMutablePointer<Float>?,
               count: Int, lr: Float, weightDecay: Float, momentum: Float, oneMinusDampening: Float,
               nesterov: Bool, first: Bool) {
    @inline(__always) func update(_ i: Int, _ lanes: Int) {
        let xv = Vector.load(x, i, lanes)
        var d = Vector.load(g, i, lanes)
        if weightDecay != 0 { d = d + weightDecay * xv }
        if let buffer {
            let velocity = first ? d : Vector.load(buffer, i, lanes) * momentum + oneMinusDampening * d
            velocity.store(buffer, i, lanes)
            d = nesterov ? d + momentum * velocity : velocity
        }
        (xv - lr * d).store(x, i, lanes)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount); i += Vector.scalarCount }
    if i < count { update(i, count - i) }
}
