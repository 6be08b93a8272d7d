// Schedules built from configuration keys, and every error a schedule configuration can get.
import Testing
import Optim
import Vocabulary

@Suite struct ScheduleCatalogTests {
    func message(_ values: [String: KeyValue], lr: Double = 0.1, epochs: Int = 100) -> String {
        message("constant", values, lr: lr, epochs: epochs)
    }

    func message(_ name: String, _ values: [String: KeyValue], lr: Double = 0.1, epochs: Int = 100) -> String {
        do {
            try ScheduleCatalog.validate(name: name, values, lr: lr, epochs: epochs)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func buildsEachShapeWithItsDefaults() throws {
        #expect(try ScheduleCatalog.make(name: "constant", [:], lr: 0.1, epochs: 30) == LearningRateSchedule(lr: 0.1))
        #expect(try ScheduleCatalog.make(name: "step", ["milestones": .numbers([10, 20])], lr: 0.1, epochs: 30)
            == LearningRateSchedule(lr: 0.1, shape: .step(milestones: [10, 20], gamma: 0.1)))
        #expect(try ScheduleCatalog.make(name: "exponential", ["gamma": .number(0.95)], lr: 1, epochs: 30)
            == LearningRateSchedule(lr: 1, shape: .exponential(gamma: 0.95)))
        // The cosine's period defaults to the run's epochs.
        #expect(try ScheduleCatalog.make(name: "cosine", [:], lr: 0.1, epochs: 30)
            == LearningRateSchedule(lr: 0.1, shape: .cosine(tMax: 30, etaMin: 0)))
        #expect(try ScheduleCatalog.make(name: "cosine", ["t_max": .number(10), "eta_min": .number(0.001),
                                          "warmup_epochs": .number(1.5)], lr: 0.1, epochs: 30)
            == LearningRateSchedule(lr: 0.1, shape: .cosine(tMax: 10, etaMin: 0.001), warmupEpochs: 1.5))
        // A single restart base may be a number or a one-element list.
        let restarts = LearningRateSchedule(lr: 0.1, shape: .cosineRestarts(bases: [5], etaMin: 0))
        #expect(try ScheduleCatalog.make(name: "cosine_restarts", ["restart_base": .number(5)],
                                         lr: 0.1, epochs: 1000) == restarts)
        #expect(try ScheduleCatalog.make(name: "cosine_restarts", ["restart_base": .numbers([5])],
                                         lr: 0.1, epochs: 1000) == restarts)
    }

    @Test func eachScheduleDeclaresItsOwnKeys() {
        #expect(ScheduleCatalog.names == ["constant", "step", "exponential", "cosine", "cosine_restarts", "linear"])
        #expect(ScheduleCatalog.schedules.map { $0.keys.map(\.name) } == [
            ["warmup_epochs"], ["milestones", "gamma", "warmup_epochs"], ["gamma", "warmup_epochs"],
            ["t_max", "eta_min", "warmup_epochs"], ["restart_base", "eta_min", "warmup_epochs"], ["warmup_epochs"],
        ])
    }

    @Test func unknownScheduleAndKeys() {
        #expect(message("cosin", [:]) == "unknown schedule \"cosin\"; did you mean \"cosine\"? (valid: constant, step, "
            + "exponential, cosine, cosine_restarts, linear)")
        #expect(message(["warmup_epoch": .number(1)]) == "unknown hyperparameter \"warmup_epoch\" for schedule constant; did you "
            + "mean \"warmup_epochs\"? (valid: warmup_epochs)")
        #expect(message("cosine", ["milestones": .numbers([5])]) == "hyperparameter \"milestones\" "
            + "does not apply to schedule cosine (it belongs to step; valid for schedule cosine: t_max, eta_min, "
            + "warmup_epochs)")
        #expect(message(["gamma": .number(0.5)]).hasPrefix("hyperparameter \"gamma\" does not apply to schedule constant "
            + "(it belongs to step, exponential;"))
    }

    @Test func requiredKeys() {
        #expect(message("step", [:]) == "schedule step needs \"milestones\": the epochs at which lr is "
            + "multiplied by gamma, e.g. [150, 250]")
        #expect(message("exponential", [:]) == "schedule exponential needs \"gamma\": the factor per "
            + "epoch, e.g. 0.95")
        #expect(message("cosine_restarts", [:]).hasPrefix("schedule cosine_restarts needs \"restart_base\""))
    }

    @Test func valuesAndCombinations() {
        #expect(message("step", ["milestones": .numbers([20, 10])])
            == "invalid milestones: [20, 10] (must be increasing epochs)")
        #expect(message("step", ["milestones": .numbers([0, 10])])
            == "invalid milestones: [0, 10] (must be a list of at least 1 integers ≥ 1)")
        #expect(message("exponential", ["gamma": .number(0)]) == "invalid gamma: 0 (must be > 0)")
        #expect(message("cosine", ["t_max": .number(0)]) == "invalid t_max: 0 (must be an integer ≥ 1)")
        #expect(message("cosine", ["eta_min": .number(0.2)], lr: 0.1)
            == "eta_min 0.2 is above lr 0.1: the cosine would raise the rate")
        #expect(message(["warmup_epochs": .number(-1)]) == "invalid warmup_epochs: -1 (must be ≥ 0)")
        #expect(message("cosine_restarts", ["restart_base": .numbers([10, 5])])
            == "invalid restart_base: [10, 5] (must be a number or an increasing list of epochs)")
        #expect(message("cosine_restarts", ["restart_base": .numbers([160, 320])], epochs: 400)
            == "restart_base [160, 320] covers 320 epochs but the run has 400: add a base ≥ 400 (the reference stops "
            + "when the list runs out), or give one base to double it forever")
        #expect(message("cosine_restarts", ["restart_base": .numbers([160, 320])], epochs: 320) == "")
        #expect(message("cosine_restarts", ["restart_base": .number(5)], epochs: 100_000) == "")
    }
}
