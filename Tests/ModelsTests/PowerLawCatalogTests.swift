// The power-law catalog: names and keys as a grid sees them, and every configuration that cannot run
// refused before a step, with a message that says what is wrong and what would be right.
import Testing
@testable import Models
import Vocabulary

private func validate(_ regime: String, _ values: [String: KeyValue] = [:], optimizer: PowerLawOptimizer = sgd(0.5),
                      batch: Int = 10, dataset: String = "synthetic_powerlaw") throws {
    try PowerLawCatalog.validate(regime: regime, settings: Settings(values), optimizer: optimizer, batchSize: batch, dataset: dataset)
}

@Suite struct PowerLawCatalogTests {
    @Test func namesAndKeys() {
        #expect(PowerLawCatalog.names == ["powerlaw_nn", "linearized", "averaged", "spectral_diagonal"])
        #expect(PowerLawCatalog.syntheticDataset == "synthetic_powerlaw")
        let problemKeys = Set(PowerLawCatalog.syntheticDatasetSettings.map(\.name))
        #expect(problemKeys == ["nu", "kappa", "lambda_min", "basis"])
        for regime in PowerLawCatalog.regimes {
            let keys = regime.settings.map(\.name)
            #expect(Set(keys).count == keys.count, "\(regime.name): duplicate keys")
            #expect(problemKeys.isDisjoint(with: keys), "\(regime.name) declares a dataset key")
            #expect(keys.contains("N") && keys.contains("steps") && keys.contains("log_every") && keys.contains("width"))
            #expect(!regime.summary.isEmpty)
        }
        let keys = { (name: String) in PowerLawCatalog.regimes.first { $0.name == name }!.settings.map(\.name) }
        #expect(keys("spectral_diagonal").contains("tau") && !keys("linearized").contains("tau"))
        #expect(keys("linearized").contains("runs") && !keys("averaged").contains("runs"))
        #expect(keys("powerlaw_nn").contains("lr_norm"))
    }

    @Test func validConfigurations() throws {
        try validate("spectral_diagonal", ["N": .number(10_000), "tau": .number(-1), "nu": .number(1.5), "kappa": .number(4)], batch: 100)
        try validate("linearized", ["runs": .number(100), "schedule": .string("jacobi"), "a": .number(0.5), "b": .number(-0.5)],
                     optimizer: PowerLawOptimizer(name: "adam", lr: 0.01))
        try validate("averaged", ["basis": .string("hadamard"), "N": .number(256)], optimizer: sgd(1, momentum: -0.5))
        try validate("powerlaw_nn", ["width": .number(100), "lr_norm": .string("raw"), "runs": .number(3)], dataset: "mnist")
        try PowerLawCatalog.checkOptimizerKeys(optimizer: "adam", keys: ["lr", "betas", "eps"])
    }

    /// (regime, keys, optimizer, batch, dataset, the error).
    static let refused: [(String, [String: KeyValue], PowerLawOptimizer, Int, String, PowerLawError)] = [
        ("full", [:], sgd(0.5), 10, "synthetic_powerlaw",
         .unknownRegime("full", valid: ["powerlaw_nn", "linearized", "averaged", "spectral_diagonal"])),
        ("averaged", [:], PowerLawOptimizer(name: "adam", lr: 0.1), 10, "synthetic_powerlaw",
         .unsupportedOptimizer(regime: "averaged", optimizer: "adam", supported: ["sgd"])),
        ("powerlaw_nn", [:], sgd(0.5), 10, "synthetic_powerlaw", .needsData(regime: "powerlaw_nn")),
        ("linearized", ["tau": .number(1)], sgd(0.5), 10, "synthetic_powerlaw",
         .inapplicableSetting(key: "tau", reason: "regime linearized does not read it (only spectral_diagonal do)")),
        ("averaged", ["runs": .number(4)], sgd(0.5), 10, "synthetic_powerlaw",
         .inapplicableSetting(key: "runs", reason: "regime averaged does not read it (only powerlaw_nn, linearized do)")),
        ("linearized", ["nu": .number(1.5)], sgd(0.5), 10, "mnist",
         .inapplicableSetting(key: "nu", reason: "is a parameter of dataset synthetic_powerlaw; dataset mnist defines its kernel through the network")),
        ("averaged", ["width": .number(100)], sgd(0.5), 10, "synthetic_powerlaw",
         .inapplicableSetting(key: "width", reason: "sets the width of the network whose kernel a data set defines; synthetic_powerlaw has no network")),
        ("spectral_diagonal", ["b": .number(2)], sgd(0.5), 10, "synthetic_powerlaw",
         .inapplicableSetting(key: "b", reason: "shapes the jacobi schedule, and this configuration's schedule is constant; set schedule to jacobi or remove b")),
        ("spectral_diagonal", ["schedule": .string("jacobi")], sgd(0.5, momentum: 0.9), 10, "synthetic_powerlaw",
         .inapplicableSetting(key: "momentum", reason: "the jacobi schedule sets βₙ itself, so momentum must be 0, got 0.9; or use schedule constant")),
        ("linearized", ["N": .number(64)], sgd(0.5), 65, "synthetic_powerlaw", .batchSize(65, size: 64)),
        ("linearized", [:], sgd(0.5), 0, "synthetic_powerlaw", .batchSize(0, size: 1000)),
        ("averaged", ["N": .number(100), "basis": .string("hadamard")], sgd(0.5), 10, "synthetic_powerlaw", .hadamardSize(100)),
        ("averaged", ["N": .number(1)], sgd(0.5), 1, "synthetic_powerlaw",
         .invalidSetting(SettingError(key: "N", "expected an integer from 2 to 1000000, got 1"))),
        ("averaged", ["steps": .number(2.5)], sgd(0.5), 10, "synthetic_powerlaw",
         .invalidSetting(SettingError(key: "steps", "expected an integer from 1 to 1000000000, got 2.5"))),
        ("spectral_diagonal", ["basis": .string("dft")], sgd(0.5), 10, "synthetic_powerlaw",
         .invalidSetting(SettingError(key: "basis", "expected one of random, hadamard, got \"dft\""))),
        ("spectral_diagonal", [:], sgd(-0.5), 10, "synthetic_powerlaw",
         .invalidSetting(SettingError(key: "lr", "expected a number ≥ 0, got -0.5"))),
        ("linearized", [:], PowerLawOptimizer(name: "adam", lr: 0.1, beta2: 1), 10, "synthetic_powerlaw",
         .invalidSetting(SettingError(key: "betas", "expected b2 in [0, 1), got 1"))),
    ]

    @Test(arguments: 0..<17)
    func refusesBeforeAnyStep(_ index: Int) {
        let (regime, values, optimizer, batch, dataset, error) = Self.refused[index]
        #expect(throws: error) { try validate(regime, values, optimizer: optimizer, batch: batch, dataset: dataset) }
        // `run` refuses the same way, before building anything.
        let data: PowerLawData = dataset == "synthetic_powerlaw" ? .synthetic
            : .samples(dataset: dataset, splits: regressionSplits(count: 20, features: 2, seed: 1))
        #expect(throws: error) {
            try PowerLawCatalog.run(regime: regime, settings: Settings(values), optimizer: optimizer, batchSize: batch, seed: 0,
                                    data: data, shouldStop: { false })
        }
    }

    @Test func refusesSizesBeyondMemoryBeforeAllocating() throws {
        // 200,000² entries of 24 bytes: about 900 GB.
        do {
            _ = try PowerLawCatalog.run(regime: "linearized", settings: Settings(["N": .number(200_000)]), optimizer: sgd(0.5),
                                        batchSize: 10, seed: 0, data: .synthetic, shouldStop: { false })
            Issue.record("N = 200,000 should not fit")
        } catch let PowerLawError.tooLarge(regime, size, bytes, _, largest) {
            #expect(regime == "linearized" && size == 200_000 && bytes == 24 * 4e10 && largest < 200_000)
        }
        // The synthetic spectral-diagonal regime keeps no N×N matrix: a million points is fine.
        let outcome = try PowerLawCatalog.run(regime: "spectral_diagonal", settings: Settings(["N": .number(1_000_000), "steps": .number(3)]),
                                              optimizer: sgd(0.5), batchSize: 10, seed: 0, data: .synthetic, shouldStop: { false })
        #expect(outcome.status == .completed && outcome.losses.count == 4)
    }

    @Test func refusesOptimizerKeysItDoesNotImplement() {
        #expect(throws: PowerLawError.unsupportedOptimizerKey(optimizer: "sgd", key: "nesterov", supported: ["lr", "momentum"])) {
            try PowerLawCatalog.checkOptimizerKeys(optimizer: "sgd", keys: ["lr", "momentum", "nesterov"])
        }
        #expect(PowerLawError.unsupportedOptimizerKey(optimizer: "sgd", key: "dampening", supported: ["lr", "momentum"]).description
            == "optimizer sgd: key dampening is not implemented by the power-law regimes (they read lr, momentum only); remove it")
    }

    @Test func messagesSayWhatWouldBeRight() {
        #expect(PowerLawError.batchSize(65, size: 64).description
            == "batch_size: 65 is not in 1 … N = 64 (batches are drawn without replacement from the N points)")
        #expect(PowerLawError.needsData(regime: "powerlaw_nn").description.contains("use a data set (mnist"))
        #expect(PowerLawError.tooFewSamples(available: 500, requested: 1000).description.contains("use N ≤ 500"))
    }
}
