// Every component's keys, walked: each default is declared once, and every key the registry lists as
// valid is accepted by grid validation when given at its default (or, without one, at a value of its kind).
import Foundation
import Models
import Testing
@testable import SweepCore
@testable import Worker
import Vocabulary

@Suite struct RegistryTests {
    static let catalog = Registry.catalog

    /// A configuration that is valid as it is and chooses `component` for `owner`.
    static func base(for owner: Owner, _ component: String) -> [String: JSONValue] {
        var base: [String: JSONValue] = ["optimizer": .string("sgd"), "model": .string("logreg"), "dataset": .string("blobs")]
        base[owner.rawValue] = .string(component)
        switch (owner, component) {
        case (.model, "convnet"), (.model, "resnet"): base["dataset"] = .string("fashion_mnist")
        case (.model, "lstm"), (.model, "qrnn_lm"), (.model, "awd_lstm"), (.model, "awd_gru"), (.model, "transformer_lm"), (.model, "roberta_lm"): base["dataset"] = .string("synthetic_text")
        case (.model, "nli"): base["dataset"] = .string("synthetic_nli")
        case (.model, "seq2seq"): base["dataset"] = .string("synthetic_dialogue")
        case (.dataset, "snli"), (.dataset, "synthetic_nli"): base["model"] = .string("nli")
        case (.dataset, "multiwoz"), (.dataset, "synthetic_dialogue"): base["model"] = .string("seq2seq")
        case (.model, _) where PowerLawCatalog.names.contains(component):
            base["lr"] = .number(0.1)
            base["batch_size"] = .number(8)
        case (.dataset, "synthetic_powerlaw"):
            (base["model"], base["lr"], base["batch_size"]) = (.string("linearized"), .number(0.1), .number(8))
        case (.dataset, "ptb"), (.dataset, "wikitext2"), (.dataset, "synthetic_text"): base["model"] = .string("lstm")
        case (.schedule, "jacobi"): (base["model"], base["lr"], base["batch_size"]) = (.string("linearized"), .number(0.1), .number(8))
        default: break
        }
        return base
    }

    static func validate(_ configuration: [String: JSONValue]) throws -> [String] {
        let text = CanonicalJSON.string(.object(["fixed": .object(configuration)]))
        let grid = try GridParser.parse(SourceText(path: "walk.json", text: text))
        do {
            try GridValidator(catalog: catalog).validate(grid)
            return []
        } catch let errors as GridErrors {
            return errors.errors.map(\.message)
        }
    }

    static func json(_ value: KeyValue) -> JSONValue {
        switch value {
        case let .number(x): return .number(x)
        case let .bool(b): return .bool(b)
        case let .string(s): return .string(s)
        case let .numbers(xs): return .array(xs.map(JSONValue.number))
        }
    }

    @Test func everyKeyOfEveryComponentIsAccepted() throws {
        var components: [(Owner, Component)] = [(.run, Self.catalog.run)]
        for selector in Self.catalog.selectors { components += selector.components.map { (selector.owner, $0) } }
        var checked = 0
        for (owner, component) in components {
            let base = owner == .run ? Self.base(for: .model, "logreg") : Self.base(for: owner, component.name)
            // Keys a component requires are given in every trial.
            var required = base
            for spec in component.keys where spec.isRequired {
                required[spec.name] = Self.json(spec.kind.example)
            }
            #expect(try Self.validate(required) == [], "\(owner) \(component.name): the base configuration")
            for spec in component.keys {
                var configuration = required
                configuration["\(owner.rawValue).\(spec.name)"] = Self.json(spec.fallback ?? spec.kind.example)
                configuration[spec.name] = nil
                let problems = try Self.validate(configuration)
                #expect(problems == [], "\(owner) \(component.name): \(spec.name)")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func eachDefaultIsDeclaredOnce() {
        var components: [(Owner, Component)] = [(.run, Self.catalog.run)]
        for selector in Self.catalog.selectors { components += selector.components.map { (selector.owner, $0) } }
        for (owner, component) in components {
            let names = component.keys.map(\.name)
            #expect(Set(names).count == names.count, "\(owner) \(component.name) declares a key twice: \(names)")
            let refused = Set(component.refused.map(\.name))
            #expect(refused.isDisjoint(with: names), "\(owner) \(component.name) lists a refused key as valid")
        }
        // The run's keys (epochs, batch_size, …) have their one default there and nowhere else.
        let runKeys = Set(Self.catalog.run.keys.map(\.name))
        for (owner, component) in components where owner != .run {
            #expect(runKeys.isDisjoint(with: component.keys.map(\.name)), "\(owner) \(component.name) redeclares a run key")
        }
    }

    @Test func aRequiredKeyLeftOutIsRefusedBeforeAnyRun() throws {
        var configuration = Self.base(for: .schedule, "exponential")
        #expect(try Self.validate(configuration) == [#"schedule exponential needs "gamma": factor per epoch"#])
        configuration["gamma"] = .number(0.9)
        #expect(try Self.validate(configuration) == [])
    }

    @Test func aConfigurationResolvesToItsOwners() throws {
        let grid = try GridParser.parse(SourceText(path: "r.json", text: #"{"fixed": {"dataset": "synthetic_powerlaw", "model": "linearized", "optimizer": "sgd", "lr": 0.2, "kappa": 2, "schedule": "jacobi", "schedule.a": 0.5, "run.batch_size": 8}}"#))
        let resolved = try Self.catalog.resolve(grid.configuration(0))
        #expect(resolved.settings(.dataset).values == ["kappa": .number(2)])
        #expect(resolved.settings(.optimizer).values == ["lr": .number(0.2)])
        #expect(resolved.settings(.schedule).values == ["a": .number(0.5)])
        #expect(resolved.settings(.run).values == ["batch_size": .number(8)])
        #expect(resolved.name(.schedule) == "jacobi")
        let values = try ConfigurationValues(grid.configuration(0))
        #expect(values.batchSize == 8 && values.epochs == 10 && values.seed == 0)
    }
}
