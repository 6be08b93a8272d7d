// AggMo_C: AggMo with a buffer of critical gradients (CGO `optimizers/optim_experimental.py: AggMo_C`,
// seeds.md §1.8).
import Vocabulary

/// AggMo_C, the reference's step per tensor (K is the step's key, always synced):
///
///     d = g + wd·x                                   (if wd ≠ 0)
///     if κ ≠ 0: the SGD_C buffer step with κ = 1 and the critical test always on
///               (first step / aggregate / insertion rule / decay), no momentum there
///     d = d + wd·x                                   (if wd ≠ 0)  ← QUIRK: a second time
///     then AggMo's update with d (zero-initialised velocities per β)
///
/// The aggregation is chosen by substring of `aggr` (its own `aggregate`): "sum" → sum, "mid" → mid,
/// "mean" → mean, so min-mean, median-mean and max-mean all mean `mean`; min, median and max fail
/// there and are refused here. Keys the reference accepts but ignores (critical_test, dampening) are
/// refused. Build it through `OptimizerCatalog.make(name: "aggmo_c", …)`.
public final class AggMoC: CatalogedOptimizer {
    struct Hyper {
        var aggmo: AggMo.Hyper
        var kappa: Double
        var critical: CriticalOptions
    }

    static let entry = OptimizerDescription(
        name: "aggmo_c",
        summary: "AggMo with critical gradients (buffer step as in SGD_C, then the AggMo update)",
        hyperparameters: [
            .learningRate(0.1), .aggMoBetas, .aggMoA, .aggMoK, .weightDecay, .decay, .topC,
            .aggregation("sum", ["sum", "mid", "mean", "min-mean", "median-mean", "max-mean"],
                         "sum = d + mean, mid = (d + mean)/2, mean = (d + Σ)/(n + 1); "
                             + "min-mean, median-mean, max-mean also mean `mean` (the reference matches substrings)"),
            KeySpec("kappa", .number(-Double.infinity...Double.infinity), .number(1),
                               "0 turns the buffer off; any other value turns it on (the aggregation always uses κ = 1)"),
            .eviction,
        ],
        reference: "CGO optimizers/optim_experimental.py: AggMo_C (commit 1af4b1d)",
        refused: [
            .sampling, .criticalTestAlwaysOn("aggmo_c"),
            RefusedKey("dampening", "the reference accepts dampening for aggmo_c but never uses it"),
            RefusedKey("synced", "aggmo_c always uses one key for all tensors (the sum of their norms)"),
        ],
        checkedTogether: [["betas", "a", "k"]])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        Hyper(aggmo: try AggMo.hyper(values), kappa: values.number("kappa"),
              critical: values.criticalOptions(aggregation: Aggregation.aggMoC(values.string("aggr"))!, kappa: 1,
                                               criticalTest: true, synced: true))
    }

    public var lr: Double
    let hyper: Hyper
    /// nil when κ = 0.
    let critical: CriticalGradients?
    let velocities: AggMoVelocities

    init(layout: TensorLayout, hyper: Hyper) {
        self.hyper = hyper
        lr = hyper.aggmo.lr
        critical = hyper.kappa != 0 ? CriticalGradients(layout: layout, options: hyper.critical) : nil
        velocities = AggMoVelocities(layout: layout, betas: hyper.aggmo.betas)
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        critical?.prepare(gradients: gradients)
        let layout = velocities.layout
        for (j, range) in layout.ranges.enumerated() {
            let checks = aggMoCUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                         critical: critical?.steps[j] ?? .passThrough,
                         velocities: velocities.velocities(of: j), betas: velocities.betas.pointer,
                         betaCount: velocities.betas.count, count: range.count,
                         scale: velocities.stepScale(lr: lr), weightDecay: Float(hyper.aggmo.weightDecay))
            critical?.finish(j, checks: checks)
        }
        velocities.stepCount += 1
    }

    public var admissions: AdmissionCounts { critical?.admissions ?? AdmissionCounts() }
    public func resetAdmissions() { critical?.admissions = AdmissionCounts() }

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]])
        velocities.save(into: &state)
        critical?.save(into: &state)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let savedLR = try state.double("lr")
        let restoreCritical = try critical?.restoration(from: state)
        let restoreVelocities = try velocities.restoration(from: state)
        restoreCritical?()
        restoreVelocities()
        lr = savedLR
    }
}

/// One AggMo_C step over one tensor: x, g and each velocities[b] are (count).
func aggMoCUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, critical: CriticalStep,
                  velocities: UnsafePointer<UnsafeMutablePointer<Float>>,
                  betas: UnsafePointer<Float>, betaCount: Int, count: Int, scale: Float,
                  weightDecay: Float) -> CriticalChecks {
    var checks = CriticalChecks()
    // The accumulator is passed in, not captured: a captured var would be boxed on the heap.
    @inline(__always) func update(_ i: Int, _ lanes: Int, _ checks: inout CriticalChecks) {
        let xv = Vector.load(x, i, lanes)
        var d = Vector.load(g, i, lanes)
        if weightDecay != 0 { d = d + weightDecay * xv }
        d = critical.apply(d, i, lanes, &checks)
        if weightDecay != 0 { d = d + weightDecay * xv }
        aggMoMove(xv, by: d, x, velocities: velocities, betas: betas, betaCount: betaCount, i, lanes, scale: scale)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount, &checks); i += Vector.scalarCount }
    if i < count { update(i, count - i, &checks) }
    return checks
}
