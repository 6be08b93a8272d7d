// The registry: every optimizer's name, summary, hyperparameters and reference, and the one way to build
// or validate one from a configuration. Worker uses it for both, so a grid is checked with the same rules
// that later build its runs.
import Vocabulary

/// What the catalog knows about one optimizer.
public struct OptimizerDescription: Equatable, Sendable {
    /// Registry name, as in grids: `sgd`, `adam_c`, …
    public var name: String
    /// One line for help output.
    public var summary: String
    /// The keys it takes, with kinds and defaults (the reference constructor's defaults).
    public var hyperparameters: [KeySpec]
    /// The implementation it follows.
    public var reference: String
    /// Keys the reference accepts but never reads; they are refused with the reason.
    public var refused: [RefusedKey]
    /// The keys whose validity `OptimizerCatalog.validate` decides beyond their kinds, in the groups that
    /// must be seen together (SGD's nesterov against momentum and dampening, Adam's betas below 1). Every
    /// other key is valid exactly when its kind accepts it, so a grid validator need not call `validate`
    /// for each of, say, twenty thousand learning rates.
    public var checkedTogether: [[String]] = []
}

/// An optimizer the catalog can build: its description, how it reads checked values, and its initialiser.
protocol CatalogedOptimizer: Optimizer {
    associatedtype Hyper
    static var entry: OptimizerDescription { get }
    /// Reads the values (keys and kinds already checked) and checks what the kinds cannot express:
    /// open bounds, combinations.
    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper
    init(layout: TensorLayout, hyper: Hyper)
}

/// Every optimizer, by name: descriptions for help and grid validation, and the factory.
public enum OptimizerCatalog {
    static let types: [any CatalogedOptimizer.Type] = [
        SGD.self, Adam.self, AdamW.self, RMSprop.self, Adagrad.self, AggMo.self,
        SGDC.self, AdamC.self, RMSpropC.self, AggMoC.self,
    ]

    /// All optimizers, in help order.
    public static let optimizers: [OptimizerDescription] = types.map { $0.entry }

    /// Registry names, in help order.
    public static var names: [String] { optimizers.map(\.name) }

    /// Every key some optimizer takes, each once, in catalog order (for telling a configuration's
    /// optimizer keys from its other keys).
    public static let hyperparameterNames: [String] = {
        var names: [String] = []
        for spec in optimizers.flatMap(\.hyperparameters) where !names.contains(spec.name) { names.append(spec.name) }
        return names
    }()

    /// The description of `name`; throws `unknownName` with a suggestion for a misspelt name.
    public static func description(of name: String) throws -> OptimizerDescription {
        guard let found = optimizers.first(where: { $0.name == name }) else {
            throw OptimizerError.unknownName(kind: "optimizer", name: name, valid: names)
        }
        return found
    }

    /// Checks `hyperparameters` for optimizer `name` exactly as `make` would, without allocating any
    /// state: unknown or refused keys, types, ranges, combinations.
    public static func validate(name: String, hyperparameters: [String: KeyValue]) throws {
        let type = try self.type(named: name)
        _ = try type.hyper(try checked(type.entry, hyperparameters))
    }

    /// Builds optimizer `name` for parameter tensors at `tensors` (ranges in the flat parameter and
    /// gradient buffers, model order) from a configuration's hyperparameters; missing keys take the
    /// reference's defaults.
    public static func make(name: String, hyperparameters: [String: KeyValue], tensors: [Range<Int>]) throws
        -> any Optimizer {
        let type = try self.type(named: name)
        return try build(type, try checked(type.entry, hyperparameters), layout: try TensorLayout(tensors))
    }

    private static func type(named name: String) throws -> any CatalogedOptimizer.Type {
        guard let type = types.first(where: { $0.entry.name == name }) else {
            throw OptimizerError.unknownName(kind: "optimizer", name: name, valid: names)
        }
        return type
    }

    private static func checked(_ entry: OptimizerDescription, _ values: [String: KeyValue]) throws
        -> CheckedHyperparameters {
        try CheckedHyperparameters(owner: entry.name, specs: entry.hyperparameters, values: values,
                                   refused: entry.refused, usedBy: { key in
            optimizers.filter { $0.name != entry.name && $0.hyperparameters.contains { $0.name == key } }.map(\.name)
        })
    }

    private static func build<O: CatalogedOptimizer>(_ type: O.Type, _ values: CheckedHyperparameters,
                                                     layout: TensorLayout) throws -> any Optimizer {
        O(layout: layout, hyper: try O.hyper(values))
    }
}
