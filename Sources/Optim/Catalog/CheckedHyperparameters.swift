// Reading a configuration against a spec list: every key must be one of the owner's, every value of the
// right kind, before an optimizer or schedule looks at a single number.
import Vocabulary

/// The values of one configuration after checking them against an owner's specs (an optimizer's or the
/// schedule's). Reading a key that was not given returns the spec's fallback.
struct CheckedHyperparameters {
    /// Who reads them ("sgd_c", "schedule"), for messages.
    let owner: String
    private let specs: [KeySpec]
    private let values: [String: KeyValue]

    /// Checks keys in sorted order (so the first error is the same every run), then values in spec order.
    /// - Parameters:
    ///   - refused: keys the reference accepts but ignores, with the reason they are refused.
    ///   - usedBy: the other owners that take a key, for "does not apply to" messages.
    init(owner: String, specs: [KeySpec], values: [String: KeyValue],
         refused: [RefusedKey] = [], usedBy: (String) -> [String] = { _ in [] }) throws {
        for key in values.keys.sorted() where !specs.contains(where: { $0.name == key }) {
            if let refusal = refused.first(where: { $0.name == key }) {
                throw OptimizerError.ignoredHyperparameter(key: key, owner: owner, reason: refusal.reason)
            }
            throw OptimizerError.unknownHyperparameter(key: key, owner: owner, valid: specs.map(\.name),
                                                       usedBy: usedBy(key))
        }
        for spec in specs {
            if let value = values[spec.name], !spec.kind.accepts(value) {
                throw OptimizerError.invalidValue(key: spec.name, value: value,
                                                  requirement: spec.kind.matchesType(of: value) ? spec.kind.requirement
                                                      : spec.kind.expected)
            }
        }
        self.owner = owner
        self.specs = specs
        self.values = values
    }

    /// Whether the configuration sets `name` itself.
    func isGiven(_ name: String) -> Bool { values[name] != nil }

    /// The value of `name`, or its fallback; nil when neither exists.
    func value(_ name: String) -> KeyValue? {
        guard let spec = specs.first(where: { $0.name == name }) else {
            preconditionFailure("\(owner) reads \"\(name)\", which is not among its specs")
        }
        return values[name] ?? spec.fallback
    }

    func number(_ name: String) -> Double {
        guard case let .number(x)? = value(name) else { preconditionFailure("\(owner): \"\(name)\" has no number") }
        return x
    }

    func integer(_ name: String) -> Int { Int(number(name)) }

    func bool(_ name: String) -> Bool {
        guard case let .bool(b)? = value(name) else { preconditionFailure("\(owner): \"\(name)\" has no bool") }
        return b
    }

    func string(_ name: String) -> String {
        guard case let .string(s)? = value(name) else { preconditionFailure("\(owner): \"\(name)\" has no string") }
        return s
    }

    func numbers(_ name: String) -> [Double] {
        guard case let .numbers(xs)? = value(name) else { preconditionFailure("\(owner): \"\(name)\" has no list") }
        return xs
    }

    /// Throws the standard message for a value that passed its kind but breaks a rule the kind cannot
    /// express (a bound excluded at the top, distinct list entries).
    func require(_ condition: Bool, _ name: String, _ requirement: String) throws {
        guard condition else {
            throw OptimizerError.invalidValue(key: name, value: value(name) ?? .string(""), requirement: requirement)
        }
    }
}
