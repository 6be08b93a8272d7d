// What the project knows: the keys a configuration may have and the values they take. SweepCore cannot
// see Optim or Models, so Worker assembles the catalog from their descriptions; this file only defines
// its shape. Validation (`GridValidator`) uses nothing else.

/// The values one key accepts.
public struct ValueRule: Sendable {
    /// What is expected, in words ("a number ≥ 0", "one of sum, mean").
    public var expected: String
    public var accepts: @Sendable (JSONValue) -> Bool

    public init(expected: String, accepts: @escaping @Sendable (JSONValue) -> Bool) {
        self.expected = expected
        self.accepts = accepts
    }
}

/// One configuration key: its name, rule, default and meaning.
public struct KeySpec: Sendable {
    public var name: String
    public var rule: ValueRule
    /// The default in words, for help and listings.
    public var defaultValue: String
    public var summary: String

    public init(name: String, rule: ValueRule, defaultValue: String, summary: String) {
        self.name = name
        self.rule = rule
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// Something a selector key can name: an optimizer, a model, a dataset.
public struct Component: Sendable {
    public var name: String
    public var summary: String
    /// The settings it takes besides the general ones.
    public var keys: [KeySpec]
    /// Checks what per-key rules cannot: it receives the selector values and some of this component's
    /// settings of a configuration, and returns what is wrong, or nil.
    public var check: (@Sendable ([String: JSONValue]) -> String?)?
    /// The keys `check` decides beyond their rules, in the groups it must see together; other keys are
    /// fully checked by their rules and not shown to it. This keeps checking proportional to the few
    /// keys that interact, not to the product of every key's values. nil: all own keys together.
    public var checkedTogether: [[String]]?

    public init(name: String, summary: String, keys: [KeySpec], checkedTogether: [[String]]? = nil,
                check: (@Sendable ([String: JSONValue]) -> String?)? = nil) {
        self.name = name
        self.summary = summary
        self.keys = keys
        self.checkedTogether = checkedTogether
        self.check = check
    }
}

/// A key whose value chooses a component (`"optimizer": "adam"`), with the components it may name.
public struct Selector: Sendable {
    public var key: String
    /// Whether every configuration must have it.
    public var required: Bool
    public var components: [Component]

    public init(key: String, required: Bool, components: [Component]) {
        self.key = key
        self.required = required
        self.components = components
    }

    public func component(named name: String) -> Component? { components.first { $0.name == name } }
}

/// A rule over several general keys that single values cannot express (a restart schedule that must
/// cover `epochs`, say): `check` receives the keys present in a configuration and returns what is wrong.
public struct CombinationCheck: Sendable {
    public var keys: [String]
    /// When set, the check only looks at blocks where this key takes one of these values (so that a
    /// check for a few models never enumerates the combinations of every other grid).
    public var onlyWhere: (key: String, values: Set<String>)?
    /// When set, the check only looks at blocks that have at least one of these keys.
    public var onlyWithAny: [String]?
    public var check: @Sendable ([String: JSONValue]) -> String?

    public init(keys: [String], onlyWhere: (key: String, values: Set<String>)? = nil, onlyWithAny: [String]? = nil,
                check: @escaping @Sendable ([String: JSONValue]) -> String?) {
        self.keys = keys
        self.onlyWhere = onlyWhere
        self.onlyWithAny = onlyWithAny
        self.check = check
    }
}

/// Every key a configuration may have.
public struct Catalog: Sendable {
    /// Keys any configuration may have (epochs, batch_size, seed, …).
    public var general: [KeySpec]
    public var selectors: [Selector]
    public var combinations: [CombinationCheck]

    public init(general: [KeySpec], selectors: [Selector], combinations: [CombinationCheck] = []) {
        self.general = general
        self.selectors = selectors
        self.combinations = combinations
    }

    /// Whether `key` names a selector.
    public func selector(_ key: String) -> Selector? { selectors.first { $0.key == key } }
}

extension ValueRule {
    /// A number in `range` (integers only if `integer`), the lower bound excluded if `exclusiveMinimum`.
    public static func number(_ range: ClosedRange<Double>, exclusiveMinimum: Bool = false, integer: Bool = false,
                              expected: String) -> ValueRule {
        ValueRule(expected: expected) { value in
            guard case let .number(x) = value else { return false }
            return range.contains(x) && !(exclusiveMinimum && x == range.lowerBound) && (!integer || x.rounded() == x)
        }
    }

    /// One of the given strings.
    public static func oneOf(_ options: [String]) -> ValueRule {
        ValueRule(expected: "one of " + options.joined(separator: ", ")) { value in
            guard case let .string(s) = value else { return false }
            return options.contains(s)
        }
    }

    public static let string = ValueRule(expected: "a string") { $0.string != nil }
    public static let bool = ValueRule(expected: "true or false") { $0.bool != nil }
}
