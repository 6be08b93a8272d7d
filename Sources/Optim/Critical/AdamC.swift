// Adam_C: Adam with a buffer of critical gradients (CGO `optimizers/optim.py: Adam_C`, seeds.md §1.5).
import Foundation
import Vocabulary

/// Adam_C, the reference's step per tensor (t from 1; K is the step's key, see `CriticalGradients`):
///
///     first step:  buffer = [(K, g)]
///     later:       a = aggregate(g, buffer, aggr, 1);  insertion rule with (K, g);  g = a
///     g = g + wd·x                                   (if wd ≠ 0; after aggregation)
///     m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  amsgrad as in Adam
///     decay every stored priority
///     x = x − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
///
/// The buffer holds raw gradients. QUIRK (seeds.md §1.5 Q5): kappa is never passed to the aggregation, so
/// it only has to be > 0 (the reference fails with κ ≤ 0). Note m uses β1·m + (1 − β1)·g, not Adam's lerp.
/// Build it through `OptimizerCatalog.make(name: "adam_c", …)`.
public final class AdamC: CatalogedOptimizer {
    struct Hyper {
        var adam: Adam.Hyper
        var critical: CriticalOptions
    }

    static let entry = OptimizerDescription(
        name: "adam_c",
        summary: "Adam with critical gradients (top-C buffer aggregated into the gradient before the moments)",
        hyperparameters: [
            .learningRate(0.001), .adamBetas, .eps(1e-8), .decay,
            KeySpec("kappa", .number(0...Double.infinity, exclusiveMinimum: true), .number(1),
                               "must be > 0 (the reference fails otherwise); its size has no effect: "
                                   + "adam_c always aggregates with κ = 1"),
            .topC, .weightDecay, .amsgrad,
            .aggregation("mean", Aggregation.allCases.map(\.rawValue),
                         "how g and the buffer combine: mean = (g + Σ)/(n + 1), sum, mid, min, median, max, *-mean"),
            .criticalTest, .synced, .eviction,
        ],
        reference: "CGO optimizers/optim.py: Adam_C (commit 1af4b1d)",
        refused: [.sampling],
        checkedTogether: [["betas"]])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        let (beta1, beta2) = try values.adamBetas()
        return Hyper(adam: Adam.Hyper(lr: values.number("lr"), beta1: beta1, beta2: beta2, eps: values.number("eps"),
                                      weightDecay: values.number("weight_decay"), amsgrad: values.bool("amsgrad")),
                     critical: values.criticalOptions(aggregation: Aggregation(rawValue: values.string("aggr"))!,
                                                      kappa: 1, criticalTest: values.bool("critical_test"),
                                                      synced: values.bool("synced")))
    }

    public var lr: Double
    let hyper: Hyper
    let layout: TensorLayout
    private(set) var stepCount = 0
    let critical: CriticalGradients
    let expAvg: FloatStorage
    let expAvgSq: FloatStorage
    let maxExpAvgSq: FloatStorage?

    init(layout: TensorLayout, hyper: Hyper) {
        self.layout = layout
        self.hyper = hyper
        lr = hyper.adam.lr
        critical = CriticalGradients(layout: layout, options: hyper.critical)
        expAvg = FloatStorage(count: layout.stateCount)
        expAvgSq = FloatStorage(count: layout.stateCount)
        maxExpAvgSq = hyper.adam.amsgrad ? FloatStorage(count: layout.stateCount) : nil
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        critical.prepare(gradients: gradients)
        stepCount += 1
        let adam = hyper.adam
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(adam.beta1, t)
        let biasCorrection2 = 1 - pow(adam.beta2, t)
        for (j, range) in layout.ranges.enumerated() {
            let o = layout.offsets[j]
            let checks = adamCUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                                     critical: critical.steps[j], m: expAvg.pointer + o, v: expAvgSq.pointer + o,
                        vMax: maxExpAvgSq.map { $0.pointer + o }, count: range.count,
                        stepSize: Float(lr / biasCorrection1), beta1: Float(adam.beta1),
                        oneMinusBeta1: Float(1 - adam.beta1), beta2: Float(adam.beta2),
                        oneMinusBeta2: Float(1 - adam.beta2), biasCorrection2Sqrt: Float(biasCorrection2.squareRoot()),
                        eps: Float(adam.eps), weightDecay: Float(adam.weightDecay))
            critical.finish(j, checks: checks)
        }
    }

    public var admissions: AdmissionCounts { critical.admissions }
    public func resetAdmissions() { critical.admissions = AdmissionCounts() }

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]], ints: ["step": [stepCount]])
        state.store(expAvg, as: "expAvg", layout: layout)
        state.store(expAvgSq, as: "expAvgSq", layout: layout)
        state.store(maxExpAvgSq, as: "maxExpAvgSq", layout: layout)
        critical.save(into: &state)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let (savedLR, savedStep) = (try state.double("lr"), try state.integer("step"))
        let restoreCritical = try critical.restoration(from: state)
        let restoreArrays = try state.restoration(
            [(expAvg, "expAvg"), (expAvgSq, "expAvgSq"), (maxExpAvgSq, "maxExpAvgSq")], layout: layout)
        restoreCritical()
        restoreArrays()
        (lr, stepCount) = (savedLR, savedStep)
    }
}

/// One Adam_C step over one tensor: x, g, m, v and vMax (amsgrad only) are (count).
func adamCUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, critical: CriticalStep,
                 m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                 vMax: UnsafeMutablePointer<Float>?, count: Int, stepSize: Float, beta1: Float, oneMinusBeta1: Float,
                 beta2: Float, oneMinusBeta2: Float, biasCorrection2Sqrt: Float, eps: Float,
                 weightDecay: Float) -> CriticalChecks {
    var checks = CriticalChecks()
    // The accumulator is passed in, not captured: a captured var would be boxed on the heap.
    @inline(__always) func update(_ i: Int, _ lanes: Int, _ checks: inout CriticalChecks) {
        let xv = Vector.load(x, i, lanes)
        var gv = critical.apply(Vector.load(g, i, lanes), i, lanes, &checks)
        if weightDecay != 0 { gv = gv + weightDecay * xv }
        let mv = Vector.load(m, i, lanes) * beta1 + oneMinusBeta1 * gv
        let vv = Vector.load(v, i, lanes) * beta2 + (oneMinusBeta2 * gv) * gv
        mv.store(m, i, lanes)
        vv.store(v, i, lanes)
        var second = vv
        if let vMax { second = runningMax(vMax, vv, i, lanes) }
        let denominator = second.squareRoot() / biasCorrection2Sqrt + eps
        (xv - stepSize * (mv / denominator)).store(x, i, lanes)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount, &checks); i += Vector.scalarCount }
    if i < count { update(i, count - i, &checks) }
    return checks
}
