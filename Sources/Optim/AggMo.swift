// Aggregated Momentum (Lucas et al. 2019; AtheMathmo/AggMo `aggmo.py`, CGO `optim_experimental.py: AggMo`).
import Foundation

/// AggMo: K velocity buffers, one per β, all starting at zero; x moves K times per step:
///
///     d = g + wd·x                                   (if wd ≠ 0)
///     for β in betas, in order:
///         buf_β = β·buf_β + d
///         x = x − (lr / K)·buf_β                     (lr / K in double, then rounded)
///
/// With the exponential form the betas are 1 − a^i for i = 0 … k − 1 (a = 0.1, k = 3 gives
/// [0, 0.9, 0.99]). The original has no default lr; this one takes CGO's experimental AggMo default
/// 0.1. Betas must be distinct: the reference keys its buffers by β, so a repeated β would share one
/// buffer and be applied twice. Build it through `OptimizerCatalog.make(name: "aggmo", …)`.
public final class AggMo: CatalogedOptimizer {
    struct Hyper {
        var lr: Double
        var betas: [Double]
        var weightDecay: Double
    }

    static let entry = OptimizerDescription(
        name: "aggmo",
        summary: "Aggregated Momentum: several velocities with different betas, averaged",
        hyperparameters: [.learningRate(0.1), .aggMoBetas, .aggMoA, .aggMoK, .weightDecay],
        reference: "AtheMathmo/AggMo aggmo.py (lr default 0.1 from CGO optim_experimental.py: AggMo)",
        refused: [],
        checkedTogether: [["betas", "a", "k"]])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper {
        Hyper(lr: values.number("lr"), betas: try values.aggMoBetas(), weightDecay: values.number("weight_decay"))
    }

    public var lr: Double
    let hyper: Hyper
    let velocities: AggMoVelocities

    init(layout: TensorLayout, hyper: Hyper) {
        self.hyper = hyper
        lr = hyper.lr
        velocities = AggMoVelocities(layout: layout, betas: hyper.betas)
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        let layout = velocities.layout
        for (j, range) in layout.ranges.enumerated() {
            aggMoUpdate(x: parameters + range.lowerBound, g: gradients + range.lowerBound,
                        velocities: velocities.velocities(of: j), betas: velocities.betas.pointer,
                        betaCount: velocities.betas.count, count: range.count,
                        scale: velocities.stepScale(lr: lr), weightDecay: Float(hyper.weightDecay))
        }
        velocities.stepCount += 1
    }

    public var admissions: AdmissionCounts { AdmissionCounts() }
    public func resetAdmissions() {}

    public func saveState() -> OptimizerState {
        var state = OptimizerState(kind: Self.entry.name, doubles: ["lr": [lr]])
        velocities.save(into: &state)
        return state
    }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        let savedLR = try state.double("lr")
        try velocities.restoration(from: state)()
        lr = savedLR
    }
}

/// AggMo's and AggMo_C's velocity buffers and their update.
final class AggMoVelocities {
    let layout: TensorLayout
    /// The betas as float32, in order.
    let betas: FloatStorage
    /// Velocity b, laid out like the state arrays.
    let buffers: [FloatStorage]
    /// Scratch for the kernel: velocity b of the current tensor.
    let tensorVelocities: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    var stepCount = 0

    init(layout: TensorLayout, betas: [Double]) {
        self.layout = layout
        self.betas = FloatStorage(betas.map { Float($0) })
        buffers = betas.map { _ in FloatStorage(count: layout.stateCount) }
        tensorVelocities = .allocate(capacity: max(betas.count, 1))
    }

    deinit { tensorVelocities.deallocate() }

    /// The velocities of tensor j, valid until the next call.
    func velocities(of j: Int) -> UnsafePointer<UnsafeMutablePointer<Float>> {
        for b in buffers.indices { tensorVelocities[b] = buffers[b].pointer + layout.offsets[j] }
        return UnsafePointer(tensorVelocities)
    }

    /// lr / K, computed in double and rounded (the reference's `lr / total_mom`).
    func stepScale(lr: Double) -> Float { Float(lr / Double(betas.count)) }

    func save(into state: inout OptimizerState) {
        state.ints["step"] = [stepCount]
        for b in 0..<betas.count {
            for j in 0..<layout.count {
                let start = buffers[b].pointer + layout.offsets[j]
                state.floats["velocity\(b).\(j)"] = Array(UnsafeBufferPointer(start: start, count: layout.ranges[j].count))
            }
        }
    }

    /// Checks the saved velocities and returns what restores them.
    func restoration(from state: OptimizerState) throws -> () -> Void {
        let step = try state.integer("step")
        var arrays: [[Float]] = []
        for b in 0..<betas.count {
            for j in 0..<layout.count {
                guard let values = state.floats["velocity\(b).\(j)"], values.count == layout.ranges[j].count else {
                    throw OptimizerError.stateMismatch("saved \(state.kind) state has no \"velocity\(b).\(j)\" with "
                        + "\(layout.ranges[j].count) values (\(betas.count) betas)")
                }
                arrays.append(values)
            }
        }
        return { [self] in
            for b in 0..<betas.count {
                for j in 0..<layout.count {
                    let start = buffers[b].pointer + layout.offsets[j]
                    for (i, value) in arrays[b * layout.count + j].enumerated() { start[i] = value }
                }
            }
            stepCount = step
        }
    }
}

/// One AggMo step over one tensor: x, g and each velocities[b] are (count).
func aggMoUpdate(x: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
                 velocities: UnsafePointer<UnsafeMutablePointer<Float>>, betas: UnsafePointer<Float>, betaCount: Int,
                 count: Int, scale: Float,
                 weightDecay: Float) {
    @inline(__always) func update(_ i: Int, _ lanes: Int) {
        let xv = Vector.load(x, i, lanes)
        var d = Vector.load(g, i, lanes)
        if weightDecay != 0 { d = d + weightDecay * xv }
        aggMoMove(xv, by: d, x, velocities: velocities, betas: betas, betaCount: betaCount, i, lanes, scale: scale)
    }
    var i = 0
    while i + Vector.scalarCount <= count { update(i, Vector.scalarCount); i += Vector.scalarCount }
    if i < count { update(i, count - i) }
}

/// For elements i ..< i + lanes: every velocity takes d (buf_β = β·buf_β + d) and x, currently xv, moves by
/// scale·buf_β after each in turn; the result is stored to x.
@inline(__always)
func aggMoMove(_ xv: Vector, by d: Vector, _ x: UnsafeMutablePointer<Float>,
               velocities: UnsafePointer<UnsafeMutablePointer<Float>>, betas: UnsafePointer<Float>, betaCount: Int,
               _ i: Int, _ lanes: Int, scale: Float) {
    var xv = xv
    for b in 0..<betaCount {
        let buffer = velocities[b]
        let velocity = Vector.load(buffer, i, lanes) * betas[b] + d
        velocity.store(buffer, i, lanes)
        xv = xv - scale * velocity
    }
    xv.store(x, i, lanes)
}

extension CheckedHyperparameters {
    /// AggMo's betas: the `betas` list, or the exponential form 1 − a^i (i = 0 … k − 1) when `a` or `k`
    /// is given; never both. Each β must be below 1 and all distinct.
    func aggMoBetas() throws -> [Double] {
        let exponential = isGiven("a") || isGiven("k")
        if exponential && isGiven("betas") {
            throw OptimizerError.conflict("\(owner) takes either betas or the exponential form a, k, not both "
                + "(betas \(value("betas")!.text), a \(value("a")!.text), k \(value("k")!.text))")
        }
        guard exponential else {
            let betas = numbers("betas")
            try require(betas.allSatisfy { $0 < 1 }, "betas", "numbers in [0, 1)")
            try require(Set(betas).count == betas.count, "betas",
                        "distinct numbers (the reference keys buffers by β: a repeated β shares one buffer)")
            return betas
        }
        let a = number("a")
        try require(a < 1, "a", "in (0, 1)")
        return (0..<integer("k")).map { 1 - pow(a, Double($0)) }
    }
}
