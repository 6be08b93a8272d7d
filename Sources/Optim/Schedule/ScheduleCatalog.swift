// The configuration keys of learning-rate schedules and how a configuration becomes a schedule, with the
// same checks (and messages) as optimizer hyperparameters.

/// Schedule keys and the factory. A configuration's schedule keys are `schedule` plus those of the chosen
/// shape and `warmup_epochs`; a key of another shape is an error.
public enum ScheduleCatalog {
    /// The shapes, in help order.
    public static let names = ["constant", "step", "exponential", "cosine", "cosine_restarts"]

    /// Every schedule key.
    public static let hyperparameters: [HyperparameterSpec] = [
        HyperparameterSpec("schedule", .choice(names), .string("constant"),
                           "learning-rate schedule, stepped once per epoch (warm-up: per step)"),
        HyperparameterSpec("milestones", .integers(1...Int.max, count: 1...Int.max), default: "required for step",
                           "step: epochs (increasing) at which lr is multiplied by gamma"),
        {
            var gamma = HyperparameterSpec("gamma", .number(0...Double.infinity, exclusiveMinimum: true),
                                           default: "0.1 for step; required for exponential",
                                           "step: factor at each milestone; exponential: factor per epoch")
            gamma.fallback = .number(0.1)
            return gamma
        }(),
        HyperparameterSpec("t_max", .integer(1...Int.max), default: "the run's epochs",
                           "cosine: epochs of the half period (the rate reaches eta_min at t_max)"),
        HyperparameterSpec("eta_min", .number(0...Double.infinity), .number(0),
                           "cosine, cosine_restarts: the lowest rate"),
        HyperparameterSpec("restart_base", .integers(1...Int.max, count: 1...Int.max),
                           default: "required for cosine_restarts",
                           "cosine_restarts: a number b (cycles of b, b, 2b, 4b, … epochs) or an increasing list "
                               + "of epochs after which to restart"),
        HyperparameterSpec("warmup_epochs", .number(0...Double.infinity), .number(0),
                           "linear warm-up over this many epochs (per step, may be fractional), on top of any shape"),
    ]

    /// Keys each shape reads besides `schedule` and `warmup_epochs`.
    static let keys: [String: [String]] = [
        "constant": [], "step": ["milestones", "gamma"], "exponential": ["gamma"], "cosine": ["t_max", "eta_min"],
        "cosine_restarts": ["restart_base", "eta_min"],
    ]

    /// Checks schedule keys exactly as `make` would.
    public static func validate(_ values: [String: HyperValue], lr: Double, epochs: Int) throws {
        _ = try make(values, lr: lr, epochs: epochs)
    }

    /// The schedule a configuration asks for. `lr` is the optimizer's configured rate, `epochs` the run's
    /// length (cosine's default period, and how far a restart list must reach).
    public static func make(_ values: [String: HyperValue], lr: Double, epochs: Int) throws -> LearningRateSchedule {
        // A single restart base may be written as a number.
        var values = values
        if case let .number(b)? = values["restart_base"] { values["restart_base"] = .numbers([b]) }
        let all = try CheckedHyperparameters(owner: "schedule", specs: hyperparameters, values: values)
        let name = all.string("schedule")
        let own = ["schedule"] + keys[name]! + ["warmup_epochs"]
        let owner = "schedule \(name)"
        let checked = try CheckedHyperparameters(
            owner: owner, specs: hyperparameters.filter { own.contains($0.name) }, values: values,
            usedBy: { key in names.filter { keys[$0]!.contains(key) } })
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
                throw OptimizerError.conflict("restart_base \(HyperValue.numbers(bases.map(Double.init)).text) covers "
                    + "\(last) epochs but the run has \(epochs): add a base ≥ \(epochs) (the reference stops when "
                    + "the list runs out), or give one base to double it forever")
            }
            shape = .cosineRestarts(bases: bases, etaMin: try self.etaMin(checked, lr: lr))
        default:
            shape = .constant
        }
        return LearningRateSchedule(lr: lr, shape: shape, warmupEpochs: checked.number("warmup_epochs"))
    }

    private static func etaMin(_ checked: CheckedHyperparameters, lr: Double) throws -> Double {
        let etaMin = checked.number("eta_min")
        if etaMin > lr {
            throw OptimizerError.conflict("eta_min \(HyperValue.number(etaMin).text) is above lr "
                + "\(HyperValue.number(lr).text): the cosine would raise the rate")
        }
        return etaMin
    }
}
