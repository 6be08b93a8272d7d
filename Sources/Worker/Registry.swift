// Where the libraries meet: the catalog of every key a configuration may have, assembled from Optim's
// optimizers, schedules and clipping and from Models' models and datasets. Grid validation and run
// construction both read it, so each key is described once, next to the code that uses it.
import Models
import Optim
import SweepCore

/// The project's registry of configuration keys.
public enum Registry {
    /// Keys every run understands, whatever it trains.
    static let runKeys: [KeySpec] = [
        KeySpec(name: "seed", rule: .number(0...9_007_199_254_740_992, integer: true, expected: "an integer ≥ 0"),
                defaultValue: "0", summary: "seeds weights, data split, shuffling and dropout"),
        KeySpec(name: "epochs", rule: .number(1...1_000_000, integer: true, expected: "an integer from 1 to 1000000"),
                defaultValue: "10", summary: "passes over the training set"),
        KeySpec(name: "batch_size", rule: .number(1...1_000_000, integer: true, expected: "an integer from 1 to 1000000"),
                defaultValue: "64", summary: "samples (or token streams) per step"),
    ]

    /// The general keys: the run's own, gradient clipping, and the learning-rate schedule's.
    public static let general: [KeySpec] = runKeys
        + ([GradientClipping.hyperparameter] + ScheduleCatalog.hyperparameters).map(keySpec)

    /// The catalog grids are validated against.
    public static let catalog = Catalog(
        general: general,
        selectors: [
            Selector(key: "optimizer", required: true, components: OptimizerCatalog.optimizers.map { description in
                let name = description.name, keys = description.hyperparameters
                // Keys the reference accepts but never reads are refused with Optim's reason.
                let refused = description.refused.map { refusal in
                    KeySpec(name: refusal.name, rule: ValueRule(expected: "no value: \(refusal.reason)") { _ in false },
                            defaultValue: "refused", summary: refusal.reason)
                }
                return Component(name: name, summary: description.summary, keys: keys.map(keySpec) + refused,
                                 checkedTogether: OptimizerCatalog.keysCheckedBeyondKinds(name)) { row in
                    do {
                        try OptimizerCatalog.validate(name: name, hyperparameters: hyperparameters(row, only: keys.map(\.name)))
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }),
            Selector(key: "model", required: true, components: ModelCatalog.entries.map { entry in
                let name = entry.name
                return Component(name: name, summary: entry.summary, keys: entry.settings.map(keySpec)) { row in
                    guard let dataset = row["dataset"]?.string else { return nil }
                    return compatibility(model: name, dataset: dataset)
                }
            } + PowerLawCatalog.regimes.map { regime in
                Component(name: regime.name, summary: regime.summary, keys: regime.settings.map(keySpec))
            }),
            Selector(key: "dataset", required: true, components: DatasetCatalog.entries.map { entry in
                Component(name: entry.name, summary: entry.summary, keys: entry.settings.map(keySpec))
            } + [Component(name: PowerLawCatalog.syntheticDataset, summary: PowerLawCatalog.syntheticDatasetSummary,
                           keys: PowerLawCatalog.syntheticDatasetSettings.map(keySpec))]),
        ],
        combinations: [
            powerLawCheck,
            CombinationCheck(keys: ScheduleCatalog.hyperparameters.map(\.name) + ["lr", "epochs"],
                             onlyWithAny: ScheduleCatalog.hyperparameters.map(\.name)) { row in
                let epochs = Int(row["epochs"]?.number ?? 10)
                do {
                    try ScheduleCatalog.validate(hyperparameters(row, only: ScheduleCatalog.hyperparameters.map(\.name)),
                                                 lr: row["lr"]?.number ?? 0.001, epochs: epochs)
                    return nil
                } catch {
                    return "\(error)"
                }
            },
        ])

    /// The power-law regimes run `steps` steps of their own recursion on a problem: they take sgd or adam
    /// with an explicit lr (and only the keys they read), no epochs or clipping, and a problem they can
    /// build. The power-law catalog's own validation says what is wrong.
    static let powerLawCheck: CombinationCheck = {
        let regimeKeys = PowerLawCatalog.regimes.flatMap(\.settings).map(\.name) + PowerLawCatalog.syntheticDatasetSettings.map(\.name)
        let optimizerKeys = OptimizerCatalog.hyperparameterNames
        return CombinationCheck(keys: ["model", "optimizer", "dataset", "batch_size", "epochs", "clip"] + regimeKeys + optimizerKeys,
                                onlyWhere: ("model", Set(PowerLawCatalog.names))) { row in
            guard let name = row["model"]?.string, let regime = try? PowerLawCatalog.regime(name) else { return nil }
            if let key = ["epochs", "clip"].first(where: { row[$0] != nil }) {
                return "\(key) does not apply to the power-law regime \(name), which runs `steps` steps of its own recursion"
            }
            guard let optimizer = row["optimizer"]?.string, regime.optimizers.contains(optimizer) else {
                return "the power-law regime \(name) runs \(regime.optimizers.joined(separator: " or ")), not \(row["optimizer"]?.string ?? "nothing")"
            }
            guard let lr = row["lr"]?.number else { return "the power-law regime \(name) needs an explicit lr" }
            let given = optimizerKeys.filter { row[$0] != nil }
            let settings = Settings(Dictionary(uniqueKeysWithValues: row.compactMap { key, json in value(json, key: key).map { (key, $0) } }))
            do {
                try PowerLawCatalog.checkOptimizerKeys(optimizer: optimizer, keys: given)
                try PowerLawCatalog.validate(regime: name, settings: settings, optimizer: powerLawOptimizer(optimizer, lr: lr, row),
                                             batchSize: Int(row["batch_size"]?.number ?? 64), dataset: row["dataset"]?.string ?? "")
                return nil
            } catch {
                return "\(error)"
            }
        }
    }()

    /// The optimizer settings a power-law regime reads, from a configuration's values.
    static func powerLawOptimizer(_ name: String, lr: Double, _ values: [String: JSONValue]) -> PowerLawOptimizer {
        let betas = values["betas"]?.array?.compactMap(\.number) ?? []
        return PowerLawOptimizer(name: name, lr: lr, momentum: values["momentum"]?.number ?? 0,
                                 beta1: betas.count == 2 ? betas[0] : 0.9, beta2: betas.count == 2 ? betas[1] : 0.999,
                                 eps: values["eps"]?.number ?? 1e-8)
    }

    /// Keys whose values are lists, where a grid may give one bare number for a one-element list.
    static let listKeys: Set<String> = {
        var keys: Set<String> = []
        for spec in ([GradientClipping.hyperparameter] + ScheduleCatalog.hyperparameters
                     + OptimizerCatalog.optimizers.flatMap(\.hyperparameters)) {
            if case .numbers = spec.kind { keys.insert(spec.name) }
            if case .integers = spec.kind { keys.insert(spec.name) }
        }
        for spec in ModelCatalog.entries.flatMap(\.settings) + DatasetCatalog.entries.flatMap(\.settings)
            + PowerLawCatalog.regimes.flatMap(\.settings) + PowerLawCatalog.syntheticDatasetSettings {
            if case .numbers = spec.kind { keys.insert(spec.name) }
            if case .integers = spec.kind { keys.insert(spec.name) }
        }
        return keys
    }()

    /// Whether `model` can learn from `dataset` (a language model needs a corpus; convolutional models
    /// need images), or what is wrong.
    static func compatibility(model: String, dataset: String) -> String? {
        if dataset == PowerLawCatalog.syntheticDataset {
            return "\(dataset) is a kernel problem for the power-law regimes (\(PowerLawCatalog.names.joined(separator: ", "))), not for \(model)"
        }
        guard let shape = try? DatasetCatalog.shape(name: dataset, settings: Settings()) else { return nil }
        switch (model, shape) {
        case ("lstm", .tokens): return nil
        case ("lstm", _): return "the lstm language model needs a token corpus (ptb, wikitext2, synthetic_text), not \(dataset)"
        case (_, .tokens): return "\(model) learns from samples; \(dataset) is a token corpus (use model lstm)"
        case ("convnet", .classification(let shape, _)), ("resnet", .classification(let shape, _)):
            return shape.count == 3 ? nil : "\(model) needs images (channels, height, width); \(dataset) has samples of shape \(shape)"
        case ("convnet", .regression), ("resnet", .regression):
            return "\(model) is an image classifier; \(dataset) is a regression table"
        default: return nil
        }
    }

    // MARK: - Conversions

    /// A grid value as the libraries take it; a bare number for a list-valued key becomes a list of one.
    static func value(_ json: JSONValue, key: String) -> SettingValue? {
        switch json {
        case let .number(x): return listKeys.contains(key) ? .numbers([x]) : .number(x)
        case let .bool(b): return .bool(b)
        case let .string(s): return .string(s)
        case let .array(elements):
            let numbers = elements.compactMap(\.number)
            return numbers.count == elements.count ? .numbers(numbers) : nil
        case .null, .object: return nil
        }
    }

    static func hyperValue(_ value: SettingValue) -> HyperValue {
        switch value {
        case let .number(x): return .number(x)
        case let .bool(b): return .bool(b)
        case let .string(s): return .string(s)
        case let .numbers(xs): return .numbers(xs)
        }
    }

    /// The values of `keys` present in `row`, as Optim takes them.
    static func hyperparameters(_ row: [String: JSONValue], only keys: [String]) -> [String: HyperValue] {
        var values: [String: HyperValue] = [:]
        for key in keys { if let json = row[key], let converted = value(json, key: key) { values[key] = hyperValue(converted) } }
        return values
    }

    private static func keySpec(_ spec: HyperparameterSpec) -> KeySpec {
        let name = spec.name, kind = spec.kind
        return KeySpec(name: name, rule: ValueRule(expected: kind.expected) { json in
            value(json, key: name).map { kind.accepts(hyperValue($0)) } ?? false
        }, defaultValue: spec.defaultValue, summary: spec.summary)
    }

    private static func keySpec(_ spec: SettingSpec) -> KeySpec {
        let name = spec.name, kind = spec.kind
        return KeySpec(name: name, rule: ValueRule(expected: kind.expected) { json in
            value(json, key: name).map(kind.accepts) ?? false
        }, defaultValue: spec.defaultValue, summary: spec.summary)
    }
}
