// Where the libraries meet: the catalog of every component a configuration chooses and the keys each
// owns, assembled from Optim's optimizers, schedules and clipping and from Models' models, datasets and
// power-law regimes. Grid validation and run construction both read it; each key's spec (kind, typed
// default, meaning) is written once, next to the code that reads it.
import Models
import Optim
import SweepCore
import Vocabulary

/// The project's registry of configuration keys.
public enum Registry {
    // MARK: - The run's keys

    static let seed = KeySpec("seed", .integer(0...9_007_199_254_740_992), .number(0),
                              "seeds weights, data split, shuffling and dropout")
    static let epochs = KeySpec("epochs", .integer(1...1_000_000), .number(10), "passes over the training set")
    static let batchSize = KeySpec("batch_size", .integer(1...1_000_000), .number(64), "samples (or token streams) per step")

    /// The run: keys every configuration may have, whatever it trains.
    static let run = Component(name: "run", summary: "the training run itself",
                               keys: [seed, epochs, batchSize, GradientClipping.hyperparameter])

    // MARK: - Components

    static let optimizers = Selector(owner: .optimizer, components: OptimizerCatalog.optimizers.map { description in
        let name = description.name
        return Component(name: name, summary: description.summary, keys: description.hyperparameters,
                         refused: description.refused, checkedTogether: description.checkedTogether) { values in
            problem { try OptimizerCatalog.validate(name: name, hyperparameters: values) }
        }
    })

    /// The epoch schedules of Optim, and the power-law regimes' Jacobi schedule of Models.
    static let schedules = Selector(owner: .schedule, defaultComponent: ScheduleCatalog.names[0], components:
        ScheduleCatalog.schedules.map { description in
            let name = description.name
            return Component(name: name, summary: description.summary, keys: description.keys,
                             checkedTogether: ScheduleCatalog.checkedTogether(name)) { values in
                // Keys outside the checked group are checked in another group (or by their kinds alone):
                // an lr or epochs not in this group cannot fail it, and a required key the validator has
                // found given is stood in for by a value of its kind.
                var own = values.filter { QualifiedKey($0.key).owner == nil }
                for spec in description.keys where spec.isRequired && own[spec.name] == nil { own[spec.name] = spec.kind.example }
                return problem {
                    try ScheduleCatalog.validate(name: name, own, lr: values["optimizer.lr"]?.number ?? .infinity,
                                                 epochs: Int(values["run.epochs"]?.number ?? 1))
                }
            }
        } + [Component(name: PowerLawCatalog.jacobiSchedule, summary: PowerLawCatalog.jacobiScheduleSummary,
                       keys: PowerLawCatalog.jacobiScheduleSettings)])

    static let models = Selector(owner: .model, components: ModelCatalog.entries.map { entry in
        let name = entry.name
        return Component(name: name, summary: entry.summary, keys: entry.settings, checkedTogether: [["dataset"]]) { values in
            guard case let .string(dataset)? = values["dataset"] else { return nil }
            return compatibility(model: name, dataset: dataset)
        }
    } + PowerLawCatalog.regimes.map { regime in
        Component(name: regime.name, summary: regime.summary, keys: regime.settings)
    })

    static let datasets = Selector(owner: .dataset, components: DatasetCatalog.entries.map { entry in
        Component(name: entry.name, summary: entry.summary, keys: entry.settings)
    } + [Component(name: PowerLawCatalog.syntheticDataset, summary: PowerLawCatalog.syntheticDatasetSummary,
                   keys: PowerLawCatalog.syntheticDatasetSettings)])

    /// The catalog grids are validated against and runs are built from.
    public static let catalog = Catalog(run: run, selectors: [optimizers, schedules, models, datasets],
                                        combinations: [powerLawCheck, jacobiCheck, altsgCheck])

    // MARK: - Rules across components

    /// The power-law regimes run `steps` steps of their own recursion on a problem: they take sgd or adam
    /// with an explicit lr (and only the keys they read), the constant or Jacobi schedule, no epochs or
    /// clipping, and a problem they can build. The power-law catalog's own validation says what is wrong.
    static let powerLawCheck = CombinationCheck(owners: Owner.allCases, onlyWhere: (.model, Set(PowerLawCatalog.names))) { values in
        guard case let .string(name)? = values["model"], let regime = try? PowerLawCatalog.regime(name),
              case let .string(optimizer)? = values["optimizer"], case let .string(schedule)? = values["schedule"] else { return nil }
        if let key = ["run.epochs", "run.clip", "schedule.warmup_epochs"].first(where: { values[$0] != nil }) {
            return "\(QualifiedKey(key).name) does not apply to the power-law regime \(name), which runs `steps` steps of its own recursion"
        }
        guard [ScheduleCatalog.names[0], PowerLawCatalog.jacobiSchedule].contains(schedule) else {
            return "the power-law regime \(name) steps with the constant or jacobi schedule, not \(schedule)"
        }
        guard regime.optimizers.contains(optimizer) else {
            return "the power-law regime \(name) runs \(regime.optimizers.joined(separator: " or ")), not \(optimizer)"
        }
        guard values["optimizer.lr"] != nil else { return "the power-law regime \(name) needs an explicit lr" }
        let own = ownValues(values)
        return problem {
            try PowerLawCatalog.checkOptimizerKeys(optimizer: optimizer, keys: own[.optimizer, default: [:]].keys.sorted())
            try PowerLawCatalog.validate(regime: name, settings: powerLawSettings(own, schedule: schedule),
                                         optimizer: powerLawOptimizer(optimizer, own[.optimizer, default: [:]]),
                                         batchSize: Int(own[.run]?[batchSize.name]?.number ?? batchSize.fallback!.number!),
                                         dataset: values["dataset"]?.string ?? "")
        }
    }

    /// The Jacobi schedule sets a power-law regime's per-step rate and momentum; epoch-trained models have none.
    static let jacobiCheck = CombinationCheck(owners: [], onlyWhere: (.schedule, [PowerLawCatalog.jacobiSchedule])) { values in
        guard case let .string(model)? = values["model"], !PowerLawCatalog.names.contains(model) else { return nil }
        return "the jacobi schedule steps the power-law regimes (\(PowerLawCatalog.names.joined(separator: ", "))), "
            + "not model \(model), which trains by epochs"
    }

    /// `qrnn_lm` runs alternate_sg's own epoch schedule (model keys restart_base, restart_lr, mixture,
    /// whenswitch), so it takes the constant schedule only, and a restart list must reach the last epoch
    /// (alternate_sg stops with an IndexError past it: the Q17 fix refuses such grids).
    static let altsgCheck = CombinationCheck(owners: [.run, .model], onlyWhere: (.model, ["qrnn_lm", "awd_lstm", "awd_gru"])) { values in
        if case let .string(schedule)? = values["schedule"], schedule != ScheduleCatalog.names[0] {
            return "model \(values["model"]?.string ?? "qrnn_lm") runs alternate_sg's own epoch schedule (restart_base, restart_lr, mixture, whenswitch); "
                + "leave schedule unset instead of \(schedule)"
        }
        guard let bases = values["model.restart_base"]?.numbers, bases.count > 1 else { return nil }
        let epochs = Int(values["run.epochs"]?.number ?? epochs.fallback?.number ?? 1)
        return problem {
            try AltSGSchedule.validate(.init(lr: 1, restartBase: bases.map { Int($0) }), epochs: epochs)
        }
    }

    /// Qualified values (`model.steps`) by owner and bare name.
    static func ownValues(_ values: [String: KeyValue]) -> [Owner: [String: KeyValue]] {
        var own: [Owner: [String: KeyValue]] = [:]
        for (key, value) in values {
            let written = QualifiedKey(key)
            if let owner = written.owner { own[owner, default: [:]][written.name] = value }
        }
        return own
    }

    /// What a power-law regime reads: its own keys, the problem's and the schedule's (their names do
    /// not clash), and the schedule's name.
    static func powerLawSettings(_ own: [Owner: [String: KeyValue]], schedule: String) -> Settings {
        var merged: [String: KeyValue] = [PowerLawCatalog.scheduleKey: .string(schedule)]
        for owner in [Owner.model, .dataset, .schedule] { merged.merge(own[owner] ?? [:]) { first, _ in first } }
        return Settings(merged)
    }

    /// The optimizer settings a power-law regime reads; a key not given takes the optimizer's default.
    static func powerLawOptimizer(_ name: String, _ given: [String: KeyValue]) -> PowerLawOptimizer {
        let specs = (try? OptimizerCatalog.description(of: name).hyperparameters) ?? []
        func value(_ key: String) -> KeyValue? { given[key] ?? specs.first { $0.name == key }?.fallback }
        var optimizer = PowerLawOptimizer(name: name, lr: value("lr")?.number ?? 0)
        if let momentum = value("momentum")?.number { optimizer.momentum = momentum }
        if let betas = value("betas")?.numbers, betas.count == 2 { (optimizer.beta1, optimizer.beta2) = (betas[0], betas[1]) }
        if let eps = value("eps")?.number { optimizer.eps = eps }
        return optimizer
    }

    /// Whether `model` can learn from `dataset`, or what is wrong.
    static func compatibility(model: String, dataset: String) -> String? {
        if dataset == PowerLawCatalog.syntheticDataset {
            return "\(dataset) is a kernel problem for the power-law regimes (\(PowerLawCatalog.names.joined(separator: ", "))), not for \(model)"
        }
        guard let shape = try? DatasetCatalog.shape(name: dataset, settings: Settings()) else { return nil }
        return ModelCatalog.compatibility(model: model, dataset: dataset, shape: shape)
    }

    // MARK: - Helpers

    /// The description of a thrown error, or nil when `body` succeeds.
    private static func problem(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }
}
