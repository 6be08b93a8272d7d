// The power-law SGD regimes as a grid names them (seeds.md §3): four `model`s that run one problem side
// by side, their configuration keys, the `synthetic_powerlaw` dataset, and the one entry point Worker
// calls. Reading and checking a configuration is `PowerLawConfiguration`; the regimes are
// `runNetwork`, `runLinearized`, `runAveraged`, `runSpectralDiagonal`.
import Vocabulary

/// The optimizer settings a regime runs with, as the grid's optimizer keys gave them.
public struct PowerLawOptimizer: Equatable, Sendable {
    /// `sgd` (every regime) or `adam` (`linearized` only).
    public var name: String
    /// The learning rate (α, or the scale of the Jacobi schedule's αₙ).
    public var lr: Double
    /// SGD's momentum β (negative allowed).
    public var momentum: Double
    /// Adam's b1, b2 (the `betas` key) and eps.
    public var beta1: Double
    public var beta2: Double
    public var eps: Double

    /// Defaults are the reference's: momentum 0; Adam betas (0.9, 0.999), eps 1e-8.
    public init(name: String, lr: Double, momentum: Double = 0, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8) {
        self.name = name
        self.lr = lr
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
    }
}

/// Where a regime's problem comes from.
public enum PowerLawData {
    /// The synthetic power-law problem (dataset `synthetic_powerlaw`), built from the configuration.
    case synthetic
    /// A data set loaded by the dataset catalog; its training split provides the N points.
    case samples(dataset: String, splits: SampleSplits)

    /// The dataset's name.
    public var dataset: String {
        switch self {
        case .synthetic: return PowerLawCatalog.syntheticDataset
        case let .samples(name, _): return name
        }
    }
}

/// One regime a grid can name as its `model`.
public struct PowerLawRegime: Sendable {
    /// The grid's name for it (`"model": "averaged"`).
    public var name: String
    /// One line for help and listings.
    public var summary: String
    /// The keys it reads (the `synthetic_powerlaw` keys come with that dataset).
    public var settings: [KeySpec]
    /// The optimizers it runs.
    public var optimizers: [String]
}

/// The power-law regimes, their keys, and the entry point.
public enum PowerLawCatalog {
    /// The regimes' names.
    public static let network = "powerlaw_nn"
    public static let linearized = "linearized"
    public static let averaged = "averaged"
    public static let spectralDiagonal = "spectral_diagonal"

    /// The dataset name of the synthetic problem (no files; valid with these regimes only).
    public static let syntheticDataset = "synthetic_powerlaw"
    /// One line on it, for listings.
    public static let syntheticDatasetSummary =
        "power-law kernel K = N·Uᵀdiag(λ)U, λₖ = λ_min + (1 − λ_min)·k^(−ν), target coefficients ∝ k^(−(κ+1)/2), seeded basis U"
    /// The schedule name the regimes read from their settings: `constant`, or the Jacobi schedule.
    public static let scheduleKey = Keys.schedule.name
    public static let jacobiSchedule = "jacobi"
    public static let jacobiScheduleSummary = "the power-law regimes' Jacobi schedule: αₙ, βₙ from the three-term recurrence of Jacobi polynomials (a, b)"
    /// The keys of the Jacobi schedule.
    public static let jacobiScheduleSettings: [KeySpec] = [Keys.a, Keys.b]
    /// The keys `synthetic_powerlaw` reads.
    public static let syntheticDatasetSettings: [KeySpec] = [Keys.nu, Keys.kappa, Keys.lambdaMin, Keys.basis]

    /// The optimizer keys the regimes read, per optimizer; any other key of that optimizer (dampening,
    /// nesterov, weight_decay, amsgrad, …) is refused by `checkOptimizerKeys`.
    public static let optimizerKeys: [(optimizer: String, keys: [String])] = [
        ("sgd", ["lr", "momentum"]),
        ("adam", ["lr", "betas", "eps"]),
    ]

    /// Every regime, in listing order.
    public static let regimes: [PowerLawRegime] = [
        PowerLawRegime(name: network, summary: "the one-hidden-layer ReLU network itself (NTK parametrisation, width m), "
                           + "SGD with momentum on batches of its N points; full training loss",
                       settings: common + [Keys.runs, Keys.width, Keys.lrNorm], optimizers: ["sgd"]),
        PowerLawRegime(name: linearized, summary: "the linearised network: d ← d − α·p with p ← g + β·p, "
                           + "g = K[:, I]·d[I]/B on batches drawn without replacement (or Adam on d)",
                       settings: common + [Keys.runs, Keys.width], optimizers: ["sgd", "adam"]),
        PowerLawRegime(name: averaged, summary: "exact second-moment recursion (C, J, P) averaged over all batch samplings; "
                           + "O(N³) a step",
                       settings: common + [Keys.width], optimizers: ["sgd"]),
        PowerLawRegime(name: spectralDiagonal, summary: "the recursion on the eigen-diagonal with interaction τ "
                           + "(1: mean field, −1: Gaussian); O(N) a step",
                       settings: common + [Keys.tau, Keys.width], optimizers: ["sgd"]),
    ]

    /// The regime names, in listing order.
    public static var names: [String] { regimes.map(\.name) }

    /// The regime named `name`, or `PowerLawError.unknownRegime` listing the valid names.
    public static func regime(_ name: String) throws -> PowerLawRegime {
        guard let regime = regimes.first(where: { $0.name == name }) else { throw PowerLawError.unknownRegime(name, valid: names) }
        return regime
    }

    /// Refuses optimizer keys the regimes do not implement. `keys` are the configured hyperparameter
    /// names of `optimizer` (Worker passes those present in the configuration).
    public static func checkOptimizerKeys(optimizer: String, keys: [String]) throws {
        guard let supported = optimizerKeys.first(where: { $0.optimizer == optimizer })?.keys else { return }
        if let key = keys.first(where: { !supported.contains($0) }) {
            throw PowerLawError.unsupportedOptimizerKey(optimizer: optimizer, key: key, supported: supported)
        }
    }

    /// Checks a configuration without building anything: the regime, the optimizer, every key's kind and
    /// range, and the rules between them (batch_size ≤ N, a and b only with the jacobi schedule, momentum
    /// 0 under it, problem keys that fit the dataset, the Hadamard basis only for N a power of two).
    /// `dataset` is the configuration's dataset name.
    public static func validate(regime: String, settings: Settings, optimizer: PowerLawOptimizer, batchSize: Int,
                                dataset: String) throws {
        _ = try PowerLawConfiguration(regime: regime, settings: settings, optimizer: optimizer, batchSize: batchSize,
                                      dataset: dataset)
    }

    /// Builds the problem and runs the regime.
    ///
    /// - Parameters:
    ///   - regime: the configuration's `model`.
    ///   - settings: the configuration's keys (those the regime and dataset declare are read; others
    ///     are ignored: the grid validator rejects unknown keys before any run).
    ///   - batchSize: the general `batch_size` key.
    ///   - seed: fixes the problem (basis U, data subset, network initialisation, hence K and d₀) and,
    ///     with the run number, every run's batches: the same seed gives bit-identical curves.
    ///   - data: `.synthetic` for dataset `synthetic_powerlaw`, else the loaded data set.
    ///   - shouldStop: polled before every step; when it returns true the run ends `.interrupted`.
    /// - Throws: `PowerLawError` for a configuration that cannot run (see `validate`), data the network
    ///   cannot take, or N×N matrices that would not fit in this machine's memory (`.tooLarge`, checked
    ///   before anything is allocated), before any step is taken. Divergence is not an error: it is the
    ///   outcome's status.
    public static func run(regime: String, settings: Settings, optimizer: PowerLawOptimizer, batchSize: Int, seed: UInt64,
                           data: PowerLawData, shouldStop: () -> Bool) throws -> PowerLawOutcome {
        let configuration = try PowerLawConfiguration(regime: regime, settings: settings, optimizer: optimizer,
                                                      batchSize: batchSize, dataset: data.dataset)
        return try withoutActuallyEscaping(shouldStop) { shouldStop in
            try configuration.run(seed: seed, data: data, shouldStop: shouldStop)
        }
    }

    // MARK: - Keys

    /// Keys every regime reads.
    static let common: [KeySpec] = [Keys.size, Keys.steps, Keys.logEvery, Keys.divergenceFactor]

    /// The configuration keys of the regimes and of `synthetic_powerlaw`.
    enum Keys {
        static let size = KeySpec("N", .integer(2...1_000_000), .number(1000),
                                      "training points N: the kernel is N×N (data sets: a seeded subset of the training split)")
        static let steps = KeySpec("steps", .integer(1...1_000_000_000), .number(10000), "SGD steps")
        static let logEvery = KeySpec("log_every", .integer(1...1_000_000_000), .number(1),
                                          "record the loss at step 0, every log_every-th step and the last step")
        static let schedule = KeySpec("schedule", .choice(["constant", "jacobi"]), .string("constant"),
                                          "constant: αₙ = lr, βₙ = momentum; jacobi: αₙ, βₙ of the Jacobi schedule with a, b (the `schedule` key chooses)")
        static let a = KeySpec("a", .number(-1...1e9, exclusiveMinimum: true), .number(1),
                                   "Jacobi schedule parameter a > −1")
        static let b = KeySpec("b", .number(-1...1e9, exclusiveMinimum: true), .number(1),
                                   "Jacobi schedule parameter b > −1")
        static let divergenceFactor = KeySpec("divergence_factor", .number(1...1e300, exclusiveMinimum: true), .number(1e10),
                                                  "a loss above divergence_factor × the initial loss, or NaN/inf, ends the run as diverged")
        static let runs = KeySpec("runs", .integer(1...1_000_000), .number(1),
                                      "independent runs (own batches, same problem and start); the curve is their mean ± standard error")
        static let tau = KeySpec("tau", .number(-1e6...1e6), .number(1),
                                     "τ in the interaction term γ(αλ)²(ΣC − τC): 1 mean field, −1 Gaussian")
        static let width = KeySpec("width", .integer(1...1_000_000), .number(1000),
                                       "hidden units m of the network whose NTK is the kernel (data sets only)")
        static let lrNorm = KeySpec("lr_norm", .choice(["kernel", "raw"]), .string("kernel"),
                                        "kernel: the network's lr is lr·N/λ_max(K_emp), the steps of the rescaled kernel (train_nn.py); "
                                            + "raw: lr as given (the 4-regime scripts)")
        static let nu = KeySpec("nu", .number(0...1000), .number(1), "spectral exponent ν ≥ 0")
        static let kappa = KeySpec("kappa", .number(-1000...1000), .number(1), "target exponent κ: cₖ ∝ k^(−(κ+1)/2)")
        static let lambdaMin = KeySpec("lambda_min", .number(0...1), .number(0), "spectrum floor λ_min in [0, 1]")
        static let basis = KeySpec("basis", .choice(SyntheticPowerLaw.Basis.allCases.map(\.rawValue)), .string("random"),
                                       "eigenbasis U: random (seeded, Haar) or hadamard (N a power of two; delocalised)")
    }
}
