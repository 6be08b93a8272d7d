// Specs shared by several optimizers, written once so that a key means the same everywhere (defaults
// differ per optimizer where the references differ, e.g. lr).
import Vocabulary

extension KeySpec {
    static func learningRate(_ fallback: Double) -> KeySpec {
        KeySpec("lr", .number(0...Double.infinity), .number(fallback),
                           "learning rate (a schedule scales it per epoch)")
    }

    static let weightDecay = KeySpec("weight_decay", .number(0...Double.infinity), .number(0),
                                                "L2 penalty: weight_decay·x is added to the gradient")

    static func eps(_ fallback: Double) -> KeySpec {
        KeySpec("eps", .number(0...Double.infinity), .number(fallback),
                           "added to the denominator for numerical stability")
    }

    static let adamBetas = KeySpec(
        "betas", .numbers(0...1, count: 2...2), .numbers([0.9, 0.999]),
        "[β1, β2], each in [0, 1): decay of the gradient and squared-gradient averages")

    static let amsgrad = KeySpec("amsgrad", .bool, .bool(false),
                                            "divide by the running maximum of the squared-gradient average (AMSGrad)")

    static let alpha = KeySpec("alpha", .number(0...1), .number(0.99),
                                          "decay of the squared-gradient average")

    static let centered = KeySpec("centered", .bool, .bool(false),
                                             "divide by an estimate of the gradient's variance instead of its second moment")

    static func momentum(_ range: ClosedRange<Double>, _ summary: String) -> KeySpec {
        KeySpec("momentum", .number(range), .number(0), summary)
    }

    static let dampening = KeySpec(
        "dampening", .number(0...1), .number(0),
        "the new gradient enters the momentum buffer times (1 − dampening), from the second step on")

    static let aggMoBetas = KeySpec("betas", .numbers(0...1, count: 1...Int.max), .numbers([0, 0.9, 0.99]),
                                               "momentum factors, one velocity buffer each, distinct and in [0, 1); "
                                                   + "or give a and k instead")

    static let aggMoA = KeySpec("a", .number(0...1, exclusiveMinimum: true), .number(0.1),
                                           "exponential form: betas are 1 − a^i for i = 0 … k − 1 (a in (0, 1))")

    static let aggMoK = KeySpec("k", .integer(1...Int.max), .number(3),
                                           "exponential form: number of betas")

    // MARK: - Critical gradients

    static let topC = KeySpec("topC", .integer(1...Int.max), .number(10),
                                         "critical gradients kept per tensor")

    static let decay = KeySpec("decay", .number(0...1), .number(0.7),
                                          "stored priorities are multiplied by decay after every step")

    static func aggregation(_ fallback: String, _ choices: [String], _ summary: String) -> KeySpec {
        KeySpec("aggr", .choice(choices), .string(fallback), summary)
    }

    static let criticalTest = KeySpec("critical_test", .bool, .bool(true),
                                                 "a full buffer admits a gradient only if its key beats the threshold; "
                                                     + "false: always insert (the smallest is evicted)")

    static let synced = KeySpec(
        "synced", .bool, .bool(true),
        "one key for all tensors (the sum of their gradient norms); false: each tensor's own norm")

    static let eviction = KeySpec("eviction", .choice(Eviction.allCases.map(\.rawValue)),
                                             .string(Eviction.faithful.rawValue),
                                             "faithful: admission threshold = array slot 0 as in the reference "
                                                 + "(not always the minimum); min: the true minimum")
}

extension RefusedKey {
    static let sampling = RefusedKey(
        "sampling", "random buffer sampling modes are not implemented; the buffer keeps the highest-priority "
            + "gradients (the reference's default)")

    static func criticalTestAlwaysOn(_ optimizer: String) -> RefusedKey {
        RefusedKey("critical_test", "the critical test is always on in \(optimizer) "
            + "(the reference accepts the key but never reads it)")
    }
}

extension CheckedHyperparameters {
    /// Adam's [β1, β2], each below 1 (the kind only bounds them to [0, 1]).
    func adamBetas() throws -> (Double, Double) {
        let betas = numbers("betas")
        try require(betas.allSatisfy { $0 < 1 }, "betas", "two numbers in [0, 1)")
        return (betas[0], betas[1])
    }

    /// The critical-gradient options common to SGD_C, Adam_C, RMSprop_C and AggMo_C.
    func criticalOptions(aggregation: Aggregation, kappa: Double, criticalTest: Bool, synced: Bool) -> CriticalOptions {
        CriticalOptions(topC: integer("topC"), decay: number("decay"), aggregation: aggregation, kappa: kappa,
                        criticalTest: criticalTest, synced: synced, eviction: Eviction(rawValue: string("eviction"))!)
    }
}
