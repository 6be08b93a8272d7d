// The registry: names, defaults, and every error a configuration can get, with its message.
import Testing
import Optim
import Vocabulary

@Suite struct OptimizerCatalogTests {
    /// The error `make` throws for this configuration, as text ("" when it builds).
    func message(_ name: String, _ hyper: [String: KeyValue], tensors: [Range<Int>] = [0..<3, 3..<8]) -> String {
        do {
            _ = try OptimizerCatalog.make(name: name, hyperparameters: hyper, tensors: tensors)
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// The error `validate` throws, as text ("" when valid).
    func validationMessage(_ name: String, _ hyper: [String: KeyValue]) -> String {
        do {
            try OptimizerCatalog.validate(name: name, hyperparameters: hyper)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func listsEveryOptimizerOnce() {
        #expect(OptimizerCatalog.names == ["sgd", "adam", "adamw", "rmsprop", "adagrad", "aggmo", "sgd_c", "adam_c",
                                           "rmsprop_c", "aggmo_c"])
        for description in OptimizerCatalog.optimizers {
            let keys = description.hyperparameters.map(\.name)
            #expect(Set(keys).count == keys.count, "\(description.name) lists a key twice")
            #expect(!description.summary.isEmpty && !description.reference.isEmpty)
        }
    }

    @Test func hyperparameterNamesAreTheGridKeys() {
        #expect(OptimizerCatalog.hyperparameterNames == ["lr", "momentum", "dampening", "weight_decay", "nesterov", "betas",
                                                         "eps", "amsgrad", "alpha", "centered", "lr_decay",
                                                         "initial_accumulator_value", "a", "k", "kappa", "decay", "topC",
                                                         "aggr", "critical_test", "synced", "eviction"])
    }

    @Test func defaultsAreTheReferenceConstructors() throws {
        func defaults(_ name: String) throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try OptimizerCatalog.description(of: name).hyperparameters
                .map { ($0.name, $0.defaultText) })
        }
        let sgdC = try defaults("sgd_c")
        #expect(sgdC["lr"] == "0.001" && sgdC["kappa"] == "1" && sgdC["decay"] == "0.7" && sgdC["topC"] == "10")
        #expect(sgdC["aggr"] == "\"sum\"" && sgdC["critical_test"] == "true" && sgdC["synced"] == "true")
        #expect(sgdC["eviction"] == "\"faithful\"")
        let adamC = try defaults("adam_c")
        #expect(adamC["aggr"] == "\"mean\"" && adamC["betas"] == "[0.9, 0.999]" && adamC["eps"] == "1e-08")
        let rmspropC = try defaults("rmsprop_c")
        #expect(rmspropC["lr"] == "0.01" && rmspropC["alpha"] == "0.99" && rmspropC["aggr"] == "\"mean\"")
        #expect(try defaults("adagrad")["eps"] == "1e-10")
        #expect(try defaults("adamw")["weight_decay"] == "0.01")
        let aggmo = try defaults("aggmo")
        #expect(aggmo["lr"] == "0.1" && aggmo["betas"] == "[0, 0.9, 0.99]" && aggmo["a"] == "0.1" && aggmo["k"] == "3")
        #expect(try defaults("sgd")["lr"] == "0.001")
    }

    @Test func buildsWithDefaultsAndStartsAtTheConfiguredRate() throws {
        for name in OptimizerCatalog.names {
            let optimizer = try OptimizerCatalog.make(name: name, hyperparameters: [:], tensors: [0..<4, 4..<6])
            let expected = try OptimizerCatalog.description(of: name).hyperparameters.first { $0.name == "lr" }!.fallback
            #expect(KeyValue.number(optimizer.lr) == expected)
            let configured = try OptimizerCatalog.make(name: name, hyperparameters: ["lr": .number(0.25)], tensors: [0..<4])
            #expect(configured.lr == 0.25)
        }
    }

    // MARK: - Names and keys

    @Test func unknownOptimizerSuggestsTheNearestName() {
        #expect(message("adma", [:]) == "unknown optimizer \"adma\"; did you mean \"adam\"? (valid: sgd, adam, adamw, "
            + "rmsprop, adagrad, aggmo, sgd_c, adam_c, rmsprop_c, aggmo_c)")
        #expect(message("lbfgs", [:]).hasPrefix("unknown optimizer \"lbfgs\" (valid: sgd,"))
        #expect(validationMessage("sgd-c", [:]).hasPrefix("unknown optimizer \"sgd-c\"; did you mean \"sgd_c\"?"))
    }

    @Test func unknownKeySuggestsTheNearestKey() {
        #expect(message("sgd_c", ["topc": .number(5)]) == "unknown hyperparameter \"topc\" for sgd_c; did you mean "
            + "\"topC\"? (valid: lr, kappa, dampening, weight_decay, momentum, decay, topC, aggr, critical_test, "
            + "synced, eviction)")
        #expect(message("adam", ["betas1": .number(0.9)]).contains("did you mean \"betas\"?"))
        #expect(message("adam", ["warp": .number(1)]) == "unknown hyperparameter \"warp\" for adam "
            + "(valid: lr, betas, eps, weight_decay, amsgrad)")
    }

    @Test func keyOfAnotherOptimizerSaysWhoseItIs() {
        #expect(message("adam", ["momentum": .number(0.9)]) == "hyperparameter \"momentum\" does not apply to adam "
            + "(it belongs to sgd, rmsprop, sgd_c, rmsprop_c; valid for adam: lr, betas, eps, weight_decay, amsgrad)")
        #expect(message("sgd_c", ["nesterov": .bool(true)]).hasPrefix("hyperparameter \"nesterov\" does not apply to sgd_c (it belongs to sgd;"))
    }

    @Test func keysTheReferenceIgnoresAreRefusedWithTheReason() {
        #expect(message("rmsprop_c", ["critical_test": .bool(false)]) == "rmsprop_c does not take \"critical_test\": "
            + "the critical test is always on in rmsprop_c (the reference accepts the key but never reads it); remove the key")
        #expect(message("aggmo_c", ["critical_test": .bool(true)]).contains("always on in aggmo_c"))
        #expect(message("aggmo_c", ["dampening": .number(0)]) == "aggmo_c does not take \"dampening\": the reference "
            + "accepts dampening for aggmo_c but never uses it; remove the key")
        #expect(message("aggmo_c", ["synced": .bool(true)]).contains("always uses one key for all tensors"))
        #expect(message("sgd_c", ["sampling": .string("random")]).hasPrefix("sgd_c does not take \"sampling\": random buffer "
            + "sampling modes are not implemented"))
    }

    // MARK: - Values

    @Test func outOfRangeValuesSayWhatWouldBeRight() {
        #expect(message("sgd", ["lr": .number(-0.1)]) == "invalid lr: -0.1 (must be ≥ 0)")
        #expect(message("sgd_c", ["topC": .number(0)]) == "invalid topC: 0 (must be an integer ≥ 1)")
        #expect(message("adam_c", ["topC": .number(2.5)]) == "invalid topC: 2.5 (must be an integer ≥ 1)")
        #expect(message("sgd_c", ["decay": .number(1.5)]) == "invalid decay: 1.5 (must be in [0, 1])")
        #expect(message("adam_c", ["kappa": .number(0)]) == "invalid kappa: 0 (must be > 0)")
        #expect(message("rmsprop_c", ["kappa": .number(-1)]) == "invalid kappa: -1 (must be > 0)")
        #expect(message("sgd", ["momentum": .number(1.5)]) == "invalid momentum: 1.5 (must be in [-1, 1])")
        #expect(message("sgd_c", ["momentum": .number(-0.5)]) == "invalid momentum: -0.5 (must be in [0, 1])")
        #expect(message("rmsprop", ["alpha": .number(2)]) == "invalid alpha: 2 (must be in [0, 1])")
        #expect(message("adagrad", ["lr_decay": .number(-1)]) == "invalid lr_decay: -1 (must be ≥ 0)")
        #expect(message("adam", ["eps": .number(-1e-8)]) == "invalid eps: -1e-08 (must be ≥ 0)")
        #expect(message("adamw", ["weight_decay": .number(-0.01)]) == "invalid weight_decay: -0.01 (must be ≥ 0)")
    }

    @Test func wrongTypesSayTheExpectedType() {
        #expect(message("sgd", ["lr": .string("fast")]) == "invalid lr: \"fast\" (must be a number ≥ 0)")
        #expect(message("sgd", ["nesterov": .number(1)]) == "invalid nesterov: 1 (must be true or false)")
        #expect(message("adam", ["betas": .number(0.9)]) == "invalid betas: 0.9 (must be a list of 2 numbers in [0, 1])")
        #expect(message("adam", ["betas": .numbers([0.9])]) == "invalid betas: [0.9] (must be a list of 2 numbers in [0, 1])")
    }

    @Test func choicesListTheOptions() {
        #expect(message("sgd_c", ["aggr": .string("avg")]) == "invalid aggr: \"avg\" (must be one of sum, mid, mean, "
            + "min, median, max, min-mean, median-mean, max-mean)")
        #expect(message("aggmo_c", ["aggr": .string("max")]) == "invalid aggr: \"max\" (must be one of sum, mid, mean, "
            + "min-mean, median-mean, max-mean)")
        #expect(message("adam_c", ["eviction": .string("minimum")]) == "invalid eviction: \"minimum\" (must be one of "
            + "faithful, min)")
    }

    @Test func boundsTheKindsCannotExpressHaveTheirOwnSentence() {
        #expect(message("adam", ["betas": .numbers([0.9, 1])]) == "invalid betas: [0.9, 1] (must be two numbers in [0, 1))")
        #expect(message("adam_c", ["betas": .numbers([1, 0.999])]) == "invalid betas: [1, 0.999] (must be two numbers in [0, 1))")
        #expect(message("aggmo", ["betas": .numbers([0, 0.9, 1])]) == "invalid betas: [0, 0.9, 1] (must be numbers in [0, 1))")
        #expect(message("aggmo", ["betas": .numbers([0, 0.9, 0.9])]) == "invalid betas: [0, 0.9, 0.9] (must be distinct "
            + "numbers (the reference keys buffers by β: a repeated β shares one buffer))")
        #expect(message("aggmo", ["a": .number(1)]) == "invalid a: 1 (must be in (0, 1))")
        #expect(message("aggmo", ["a": .number(0)]) == "invalid a: 0 (must be in (0, 1])")
        #expect(message("aggmo_c", ["k": .number(0)]) == "invalid k: 0 (must be an integer ≥ 1)")
    }

    @Test func combinationsGetASentence() {
        #expect(message("sgd", ["nesterov": .bool(true)]) == "nesterov needs momentum > 0 and dampening = 0 "
            + "(got momentum 0, dampening 0)")
        #expect(message("sgd", ["nesterov": .bool(true), "momentum": .number(0.9), "dampening": .number(0.1)])
            == "nesterov needs momentum > 0 and dampening = 0 (got momentum 0.9, dampening 0.1)")
        #expect(message("sgd", ["nesterov": .bool(true), "momentum": .number(-0.5)]).hasPrefix("nesterov needs momentum > 0"))
        #expect(message("aggmo", ["betas": .numbers([0, 0.9]), "a": .number(0.5)]) == "aggmo takes either betas or the "
            + "exponential form a, k, not both (betas [0, 0.9], a 0.5, k 3)")
    }

    @Test func acceptsWhatTheReferenceAccepts() {
        #expect(message("sgd", ["momentum": .number(-0.5)]) == "")
        #expect(message("sgd", ["momentum": .number(0.9), "nesterov": .bool(true)]) == "")
        #expect(message("sgd_c", ["kappa": .number(0), "momentum": .number(0.9)]) == "")
        #expect(message("sgd_c", ["kappa": .number(-0.5)]) == "")
        #expect(message("aggmo", ["a": .number(0.5), "k": .number(4)]) == "")
        #expect(message("aggmo_c", ["aggr": .string("max-mean"), "kappa": .number(0)]) == "")
        #expect(message("adam_c", ["decay": .number(0), "topC": .number(1), "eviction": .string("min")]) == "")
    }

    @Test func validationChecksWithoutBuildingAndAgreesWithMake() {
        let cases: [(String, [String: KeyValue])] = [
            ("sgd", ["lr": .number(-1)]), ("sgd_c", ["topc": .number(5)]), ("adam", ["betas": .numbers([0.9, 1])]),
            ("rmsprop_c", ["critical_test": .bool(true)]), ("sgd", ["nesterov": .bool(true)]), ("adam_c", [:]),
            ("aggmo", ["a": .number(0.3), "k": .number(5)]),
        ]
        for (name, hyper) in cases {
            #expect(validationMessage(name, hyper) == message(name, hyper))
        }
    }

    @Test func tensorRangesMustNotOverlap() {
        #expect(message("sgd", [:], tensors: [0..<5, 3..<8]) == "tensor 1 (elements 3..<8) overlaps tensor 0 "
            + "(elements 0..<5); each parameter belongs to one tensor")
        #expect(message("adam_c", [:], tensors: [-2..<3]) == "tensor 0 starts at -2; ranges index a flat buffer from 0")
        #expect(message("adam", [:], tensors: [10..<20, 0..<10]) == "")
    }
}
