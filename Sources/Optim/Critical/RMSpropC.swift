// RMSprop_C: RMSprop with a buffer of critical gradients (CGO `optimizers/optim.py: RMSprop_C`, seeds.md §1.6).
import Vocabulary

/// RMSprop_C, the reference's step per tensor (K is the step's key, see `CriticalGradients`):
///
///     first step:  buffer = [(K, g)]
///     later:       a = aggregate(g, buffer, aggr, 1);  insertion rule with (K, g), test always on;  g = a
///     g = g + wd·x                                   (if wd ≠ 0)
///     v = α·v + (1 − α)·g²
///     centered:  ḡ = α·ḡ + (1 − α)·g;  avg = √(v − ḡ²) + eps
///     else:      avg = √v + eps
///     decay every stored priority
///     momentum > 0:  buf = μ·buf + g/avg;  x = x − lr·buf
///     else:          x = x − lr·g/avg
///
/// The buffer holds raw gradients. The reference accepts `critical_test` but never reads it (the test is
/// always on), so the key is refused here; kappa must be > 0 and its size has no effect (Q5).
/// Build it through `OptimizerCatalog.make(name: "rmsprop_c", …)`.
public final class RMSpropC: CatalogedOptimizer {
    struct Hyper {
        var rmsprop: RMSprop.Hyper
        var critical: CriticalOptions
    }

    static let entry = OptimizerDescription(
        name: "rmsprop_c",
        summary: "RMSprop with critical gradients (top-C buffer aggregated into the gradient)",
        hyperparameters: [
            .learningRate(0.01), .alpha, .eps(1e-8), .weightDecay,
            .momentum(0...1, "momentum factor; the buffer accumulates g/avg"), .centered, .decay,
            KeySpec("kappa", .number(0...Double.infinity, exclusiveMinimum: true), .number(1),
                               "must be > 0 (the reference fails otherwise); its size has no effect: "
                                   + "rmsprop_c always aggregates with κ = 1"),
            .topC,
            .aggregation("mean", Aggregation.allCases.map(\.rawValue),
                         "how g and the buffer combine: mean = (g + Σ)/(n + 1), sum, mid, min, median, max, *-mean"),
            .synced, .eviction,
        ],
        reference: "CGO optimizers/optim.py: RMSprop_C (commit 1af4b1d)",
        refused: [.sampling, .criticalTestAlwaysOn("rmsprop_c")])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        Hyper(rmsprop: try RMSprop.hyper(values),
              critical: values.criticalOptions(aggregation: Aggregation(rawValue: values.string("aggr"))!, kappa: 1,
                                               criticalTest: true, synced: values.bool("synced")))
    }

    public var lr: Double
    let hyper: Hyper
    let layout: TensorLayout
    private(set) var stepCount = 0
    let critical: CriticalGradients
    let squareAvg: FloatStorage
    let gradAvg: FloatStorage?
    let momentumBuffer: FloatStorage?

    init(layout: TensorLayout, hyper: Hyper) {
        self.layout = layout
        self.hyper = hyper
        lr = hyper.rmsprop.lr
        critical = CriticalGradients(layout: layout, options: hyper.critical)
        squareAvg = FloatStorage(count: layout.stateCount)
        gradAvg = hyper.rmsprop.centered ? FloatStorage(count: layout.stateCount) : nil
        momentumBuffer = hyper.rmsprop.momentum > 0 ? FloatStorage(count: layout.stateCount) : nil
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        critical.prepare(gradients: gradients)
        let rms = hyper.rmsprop
        for (j, range) in layout.ranges.enumerated() {
            let o = layout.offsets[j]
            let checks = rmspropCUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                           critical: critical.steps[j], v: squareAvg.pointer + o,
                           gAvg: gradAvg.map { $0.pointer + o }, buffer: momentumBuffer.map { $0.pointer + o },
                           count: range.count, lr: Float(lr), alpha: Float(rms.alpha),
                           oneMinusAlpha: Float(1 - rms.alpha), eps: Float(rms.eps),
                           weightDecay: Float(rms.weightDecay), momentum: Float(rms.momentum))
            critical.finish(j, checks: checks)
        }
        stepCount += 1
    }

    public var admissions: AdmissionCounts { critical.admissions }
    public func resetAdmissions() { critical.admissions = AdmissionCounts() }

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(squareAvg, as: "squareAvg", layout: layout)
        state.store(gradAvg, as: "gradAvg", layout: layout)
        state.store(momentumBuffer, as: "momentumBuffer", layout: layout)
        critical.save(into: &state)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let (savedLR, savedStep) = (try state.double("lr"), try state.integer("step"))
        let restoreCritical = try critical.restoration(from: state)
        let restoreArrays = try state.restoration(
            [(squareAvg, "squareAvg"), (gradAvg, "gradAvg"), (momentumBuffer, "momentumBuffer")], layout: layout)
        restoreCritical()
        restoreArrays()
        (lr, stepCount) = (savedLR, savedStep)
    }
}

/// One RMSprop_C step over one tensor: x, g, v, gAvg (centered only) and buffer (momentum only) are (count).
func rmspropCUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, critical: CriticalStep,
                    v: UnsafeMutablePointer<Float>, gAvg: UnsafeMutablePointer<Float>?,
                    buffer: UnsafeMutablePointer<Float>?, count: Int, lr: Float, alpha: Float, oneMinusAlpha: Float,
                    eps: Float, weightDecay: Float, momentum: Float) -> CriticalChecks {
    var checks = CriticalChecks()
    // The accumulator is passed in, not captured: a captured var would be boxed on the heap.
    @inline(__always) func update(_ i: Int, _ lanes: Int, _ checks: inout CriticalChecks) {
        let xv = Vector.load(x, i, lanes)
        var gv = critical.apply(Vector.load(g, i, lanes), i, lanes, &checks)
        if weightDecay != 0 { gv = gv + weightDecay * xv }
        let vv = Vector.load(v, i, lanes) * alpha + (oneMinusAlpha * gv) * gv
        vv.store(v, i, lanes)
        var avg: Vector
        if let gAvg {
            let mean = Vector.load(gAvg, i, lanes) * alpha + oneMinusAlpha * gv
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
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount, &checks); i += Vector.scalarCount }
    if i < count { update(i, count - i, &checks) }
    return checks
}
