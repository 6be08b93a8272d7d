// The configuration keys of learning-rate schedules and how a configuration becomes a schedule, with the
// same checks (and messages) as optimizer hyperparameters.
import Vocabulary

/// One learning-rate schedule a grid can name (`"schedule": "cosine"`) and the keys it takes.
public struct ScheduleDescription: Sendable {
    public var name: String
    public var summary: String
    public var keys: [KeySpec]
}

/// The schedules and the factory. A configuration without `schedule` keeps lr constant.
public enum ScheduleCatalog {
    static let warmupEpochs = KeySpec("warmup_epochs", .number(0...Double.infinity), .number(0),
                                      "linear warm-up over this many epochs (per step, may be fractional), on top of the shape")
    static let etaMin = KeySpec("eta_min", .number(0...Double.infinity), .number(0), "the lowest rate")

    /// Every schedule, in help order; the first is the default.
    public static let schedules: [ScheduleDescription] = [
        ScheduleDescription(name: "constant", summary: "lr throughout (after any warm-up)", keys: [warmupEpochs]),
        ScheduleDescription(name: "step", summary: "lr multiplied by gamma at each milestone epoch", keys: [
            KeySpec("milestones", .integers(1...Int.max, count: 1...Int.max), absent: KeySpec.required,
                    "epochs (increasing) at which lr is multiplied by gamma"),
            KeySpec("gamma", .number(0...Double.infinity, exclusiveMinimum: true), .number(0.1), "factor at each milestone"),
            warmupEpochs,
        ]),
        ScheduleDescription(name: "exponential", summary: "lr multiplied by gamma every epoch", keys: [
            KeySpec("gamma", .number(0...Double.infinity, exclusiveMinimum: true), absent: KeySpec.required, "factor per epoch"),
            warmupEpochs,
        ]),
        ScheduleDescription(name: "cosine", summary: "cosine annealing from lr to eta_min over t_max epochs", keys: [
            KeySpec("t_max", .integer(1...Int.max), absent: "the run's epochs",
                    "epochs of the half period (the rate reaches eta_min at t_max)"),
            etaMin, warmupEpochs,
        ]),
        ScheduleDescription(name: "cosine_restarts", summary: "cosine annealing with warm restarts (seeds.md §4)", keys: [
            KeySpec("restart_base", .integers(1...Int.max, count: 1...Int.max), absent: KeySpec.required,
                    "a number b (cycles of b, b, 2b, 4b, … epochs) or an increasing list of epochs after which to restart"),
            etaMin, warmupEpochs,
        ]),
        ScheduleDescription(name: "linear", summary: "lr decayed linearly per step to 0 at the end of the run (transformers' linear schedule)",
                            keys: [warmupEpochs]),
    ]

    /// The schedule names, in help order.
    public static var names: [String] { schedules.map(\.name) }

    /// The keys whose validity `make` decides beyond their kinds, in the groups that must be seen together
    /// with the optimizer's `lr` and the run's `epochs` (qualified).
    public static func checkedTogether(_ name: String) -> [[String]] {
        switch name {
        case "step": return [["milestones"]]
        case "exponential": return [["gamma"]]
        case "cosine": return [["eta_min", "optimizer.lr"]]
        case "cosine_restarts": return [["restart_base", "run.epochs"], ["eta_min", "optimizer.lr"]]
        default: return []
        }
    }

    /// Checks a schedule's keys exactly as `make` would.
    public static func validate(name: String, _ values: [String: KeyValue], lr: Double, epochs: Int) throws {
        _ = try make(name: name, values, lr: lr, epochs: epochs)
    }

    /// The schedule `name` with its keys' values. `lr` is the optimizer's configured rate, `epochs` the
    /// run's length (cosine's default period, and how far a restart list must reach).
    public static func make(name: String, _ values: [String: KeyValue], lr: Double, epochs: Int) throws -> LearningRateSchedule {
        guard let description = schedules.first(where: { $0.name == name }) else {
            throw OptimizerError.unknownName(kind: "schedule", name: name, valid: names)
        }
        // A single restart base may be written as a number.
        var values = values
        if case let .number(b)? = values["restart_base"] { values["restart_base"] = .numbers([b]) }
        let owner = "schedule \(name)"
        let checked = try CheckedHyperparameters(
            owner: owner, specs: description.keys, values: values,
            usedBy: { key in schedules.filter { $0.keys.contains { $0.name == key } }.map(\.name) })
        func required(_ key: String, _ hint: String) throws {
            if !checked.isGiven(key) {
                throw OptimizerError.missingHyperparameter(key: key, owner: owner, hint: hint)
            }
        }

        let shape: LearningRateSchedule.Shape
        switch name {
        case "step":
            try required("milestones", "the epochs at which lr is multiplied by gamma, e.g. [150, 250]")
            let milestones = checked.numbers("milestones").map { Int($0) }
            try checked.require(zip(milestones, milestones.dropFirst()).allSatisfy { $0 < $1 }, "milestones",
                                "increasing epochs")
            shape = .step(milestones: milestones, gamma: checked.number("gamma"))
        case "exponential":
            try required("gamma", "the factor per epoch, e.g. 0.95")
            shape = .exponential(gamma: checked.number("gamma"))
        case "cosine":
            let etaMin = try self.etaMin(checked, lr: lr)
            shape = .cosine(tMax: checked.isGiven("t_max") ? checked.integer("t_max") : max(epochs, 1), etaMin: etaMin)
        case "cosine_restarts":
            try required("restart_base", "a number b (cycles of b, b, 2b, 4b, … epochs) or a list such as [160, 320]")
            let bases = checked.numbers("restart_base").map { Int($0) }
            try checked.require(zip(bases, bases.dropFirst()).allSatisfy { $0 < $1 }, "restart_base",
                                "a number or an increasing list of epochs")
            if bases.count > 1, let last = bases.last, last < epochs {
                throw OptimizerError.conflict("restart_base \(KeyValue.numbers(bases.map(Double.init)).text) covers "
                    + "\(last) epochs but the run has \(epochs): add a base ≥ \(epochs) (the reference stops when "
                    + "the list runs out), or give one base to double it forever")
            }
            shape = .cosineRestarts(bases: bases, etaMin: try self.etaMin(checked, lr: lr))
        case "linear":
            shape = .linear(epochs: max(epochs, 1))
        default:
            shape = .constant
        }
        return LearningRateSchedule(lr: lr, shape: shape, warmupEpochs: checked.number("warmup_epochs"))
    }

    private static func etaMin(_ checked: CheckedHyperparameters, lr: Double) throws -> Double {
        let etaMin = checked.number("eta_min")
        if etaMin > lr {
            throw OptimizerError.conflict("eta_min \(KeyValue.number(etaMin).text) is above lr "
                + "\(KeyValue.number(lr).text): the cosine would raise the rate")
        }
        return etaMin
    }
}
