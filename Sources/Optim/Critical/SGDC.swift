// SGD_C: SGD with a buffer of critical gradients (McRae et al., "Memory Augmented Optimizers for Deep
// Learning", ICLR 2022; CGO `optimizers/optim.py: SGD_C`, seeds.md §1.4).
import Vocabulary

/// SGD_C, the reference's step per tensor (K is the step's key, see `CriticalGradients`):
///
///     d = g + wd·x                                   (if wd ≠ 0)
///     if κ ≠ 0:
///         first step:  buffer = [(K, d)];  d unchanged
///         later:       a = aggregate(d, buffer, aggr, κ)     (buffer before this step's insertion)
///                      full: insert (K, d) iff K > smallest (or always without critical_test)
///                      not full: insert (K, d)
///                      d = a
///         decay every stored priority
///         if μ ≠ 0:  buf = d the first time, else buf = μ·buf + (1 − dampening)·d;  d = buf
///     x = x − lr·d
///
/// The buffer stores the weight-decayed d; the key comes from the raw gradient. There is no Nesterov.
/// QUIRK (seeds.md §1.4 Q4): κ = 0 skips the whole block, momentum included: plain SGD with weight decay.
/// QUIRK (seeds.md §1.2 Q3): with min/median/max aggregations and κ ≠ 1 the selected stored gradient is
/// scaled by κ in place. Build it through `OptimizerCatalog.make(name: "sgd_c", …)`.
public final class SGDC: CatalogedOptimizer {
    struct Hyper {
        var lr: Double
        var kappa: Double
        var dampening: Double
        var weightDecay: Double
        var momentum: Double
        var critical: CriticalOptions
    }

    static let entry = OptimizerDescription(
        name: "sgd_c",
        summary: "SGD with critical gradients (top-C buffer of high-norm gradients aggregated into each step)",
        hyperparameters: [
            .learningRate(0.001),
            KeySpec("kappa", .number(-Double.infinity...Double.infinity), .number(1),
                               "weight of the buffer term; 0 turns the buffer off (and, as in the reference, momentum)"),
            .dampening, .weightDecay,
            .momentum(0...1, "momentum factor (applied after aggregation; only when kappa ≠ 0)"),
            .decay, .topC,
            .aggregation("sum", Aggregation.allCases.map(\.rawValue),
                         "how d and the buffer combine: sum = d + κ·mean, mid, mean, min, median, max, *-mean"),
            .criticalTest, .synced, .eviction,
        ],
        reference: "CGO optimizers/optim.py: SGD_C (commit 1af4b1d)",
        refused: [.sampling])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        let kappa = values.number("kappa")
        return Hyper(lr: values.number("lr"), kappa: kappa, dampening: values.number("dampening"),
                     weightDecay: values.number("weight_decay"), momentum: values.number("momentum"),
                     critical: values.criticalOptions(aggregation: Aggregation(rawValue: values.string("aggr"))!,
                                                      kappa: kappa, criticalTest: values.bool("critical_test"),
                                                      synced: values.bool("synced")))
    }

    public var lr: Double
    let hyper: Hyper
    let layout: TensorLayout
    private(set) var stepCount = 0
    /// nil when κ = 0.
    let critical: CriticalGradients?
    /// Only with momentum and κ ≠ 0.
    let momentumBuffer: FloatStorage?

    init(layout: TensorLayout, hyper: Hyper) {
        self.layout = layout
        self.hyper = hyper
        lr = hyper.lr
        let buffered = hyper.kappa != 0
        critical = buffered ? CriticalGradients(layout: layout, options: hyper.critical) : nil
        momentumBuffer = buffered && hyper.momentum != 0 ? FloatStorage(count: layout.stateCount) : nil
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        critical?.prepare(gradients: gradients)
        for (j, range) in layout.ranges.enumerated() {
            let checks = sgdCUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                       critical: critical?.steps[j] ?? .passThrough,
                       buffer: momentumBuffer.map { $0.pointer + layout.offsets[j] }, count: range.count,
                       lr: Float(lr), weightDecay: Float(hyper.weightDecay), momentum: Float(hyper.momentum),
                       oneMinusDampening: Float(1 - hyper.dampening), first: stepCount == 0)
            critical?.finish(j, checks: checks)
        }
        stepCount += 1
    }

    public var admissions: AdmissionCounts { critical?.admissions ?? AdmissionCounts() }
    public func resetAdmissions() { critical?.admissions = AdmissionCounts() }

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(momentumBuffer, as: "momentumBuffer", layout: layout)
        critical?.save(into: &state)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let (savedLR, savedStep) = (try state.double("lr"), try state.integer("step"))
        let restoreCritical = try critical?.restoration(from: state)
        let restoreArrays = try state.restoration([(momentumBuffer, "momentumBuffer")], layout: layout)
        restoreCritical?()
        restoreArrays()
        (lr, stepCount) = (savedLR, savedStep)
    }
}

/// One SGD_C step over one tensor: x, g and buffer (momentum only) are (count); `critical` says what to
/// do with the tensor's critical gradients.
func sgdCUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, critical: CriticalStep,
                buffer: UnsafeMutablePointer<Float>?, count: Int, lr: Float,
                weightDecay: Float, momentum: Float, oneMinusDampening: Float, first: Bool) -> CriticalChecks {
    var checks = CriticalChecks()
    // The accumulator is passed in, not captured: a captured var would be boxed on the heap.
    @inline(__always) func update(_ i: Int, _ lanes: Int, _ checks: inout CriticalChecks) {
        let xv = Vector.load(x, i, lanes)
        var d = Vector.load(g, i, lanes)
        if weightDecay != 0 { d = d + weightDecay * xv }
        d = critical.apply(d, i, lanes, &checks)
        if let buffer {
            let velocity = first ? d : Vector.load(buffer, i, lanes) * momentum + oneMinusDampening * d
            velocity.store(buffer, i, lanes)
            d = velocity
        }
        (xv - lr * d).store(x, i, lanes)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount, &checks); i += Vector.scalarCount }
    if i < count { update(i, count - i, &checks) }
    return checks
}
