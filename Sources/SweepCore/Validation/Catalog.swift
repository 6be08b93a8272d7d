// What the project knows: the components a configuration chooses (optimizer, schedule, model, dataset),
// the run's own keys, and who owns which key. SweepCore cannot see Optim or Models, so Worker assembles
// the catalog from their descriptions; this file defines its shape and the ownership rule that both
// grid validation and run construction apply.
import Vocabulary

/// One part of a configuration that takes keys: an optimizer, a schedule, a model, a dataset, or the run.
public struct Component: Sendable {
    public var name: String
    public var summary: String
    /// The keys it takes, with kinds and typed defaults.
    public var keys: [KeySpec]
    /// Keys its reference accepts but never reads: refused with the reason.
    public var refused: [RefusedKey]
    /// Checks what the kinds cannot. It receives this component's given values by bare name, and the
    /// context keys named in `checkedTogether`: qualified keys of other parts (`optimizer.lr`, `run.epochs`,
    /// their defaults when not given) and selector keys (`dataset`, the chosen name). Returns what is wrong.
    public var check: (@Sendable ([String: KeyValue]) -> String?)?
    /// The keys `check` decides, in the groups it must see together; own keys not listed are fully
    /// checked by their kinds. Checking stays proportional to the few keys that interact, not to the
    /// product of every key's values. nil: all given own keys together.
    public var checkedTogether: [[String]]?

    public init(name: String, summary: String, keys: [KeySpec], refused: [RefusedKey] = [],
                checkedTogether: [[String]]? = nil, check: (@Sendable ([String: KeyValue]) -> String?)? = nil) {
        self.name = name
        self.summary = summary
        self.keys = keys
        self.refused = refused
        self.checkedTogether = checkedTogether
        self.check = check
    }

    /// The spec of key `name`, if this component takes it.
    public func spec(_ name: String) -> KeySpec? { keys.first { $0.name == name } }
}

/// A key whose value chooses a component (`"optimizer": "adam"`), with the components it may name.
public struct Selector: Sendable {
    public var owner: Owner
    /// The component chosen when a configuration does not name one (nil: the key is required).
    public var defaultComponent: String?
    public var components: [Component]

    public init(owner: Owner, defaultComponent: String? = nil, components: [Component]) {
        self.owner = owner
        self.defaultComponent = defaultComponent
        self.components = components
    }

    /// The grid key: `optimizer`, `schedule`, `model`, `dataset`.
    public var key: String { owner.rawValue }
    public var required: Bool { defaultComponent == nil }

    public func component(named name: String) -> Component? { components.first { $0.name == name } }
}

/// A rule across parts that no single component can check (the power-law regimes' constraints on the
/// optimizer, say). `check` receives the selector values by key and every given value of the `owners`
/// by qualified name (`model.steps`, `run.batch_size`).
public struct CombinationCheck: Sendable {
    public var owners: [Owner]
    /// Only blocks where this selector names one of these components are checked (so that a check for a
    /// few models never enumerates the combinations of every other grid).
    public var onlyWhere: (selector: Owner, components: Set<String>)
    public var check: @Sendable ([String: KeyValue]) -> String?

    public init(owners: [Owner], onlyWhere: (selector: Owner, components: Set<String>),
                check: @escaping @Sendable ([String: KeyValue]) -> String?) {
        self.owners = owners
        self.onlyWhere = onlyWhere
        self.check = check
    }
}

/// Every key a configuration may have, by owner.
public struct Catalog: Sendable {
    /// The run's own keys (seed, epochs, batch size, clipping): always there.
    public var run: Component
    public var selectors: [Selector]
    public var combinations: [CombinationCheck]

    public init(run: Component, selectors: [Selector], combinations: [CombinationCheck] = []) {
        self.run = run
        self.selectors = selectors
        self.combinations = combinations
    }

    /// The selector whose key is `key`.
    public func selector(_ key: String) -> Selector? { selectors.first { $0.key == key } }
}

// MARK: - Ownership

/// The components one configuration chose, the run included.
public struct Selection: Sendable {
    public var components: [(owner: Owner, component: Component)]

    public subscript(owner: Owner) -> Component? { components.first { $0.owner == owner }?.component }

    /// "optimizer sgd_c", "dataset synthetic_powerlaw", "the run".
    public static func describe(_ owner: Owner, _ component: Component) -> String {
        owner == .run ? "the run" : "\(owner.rawValue) \(component.name)"
    }
}

/// Who owns a key as written, under one selection.
public enum KeyOwnership {
    case owned(Owner, KeySpec)
    /// A chosen component refuses the key, with its reason.
    case refused(Owner, Component, reason: String)
    /// Several chosen components declare the unqualified key.
    case ambiguous([Owner])
    /// No chosen component declares it; `qualifiedOwner` is set when the key named its owner.
    case unknown(qualifiedOwner: Owner?)
}

extension Catalog {
    /// The components a configuration with these selector values chooses (a selector left out takes its
    /// default), or nil when a required selector is missing or names nothing known.
    public func selection(_ chosen: (String) -> String?) -> Selection? {
        var components: [(Owner, Component)] = [(.run, run)]
        for selector in selectors {
            guard let name = chosen(selector.key) ?? selector.defaultComponent,
                  let component = selector.component(named: name) else { return nil }
            components.append((selector.owner, component))
        }
        return Selection(components: components)
    }

    /// The ownership rule: a qualified key belongs to the part it names; an unqualified one to the one
    /// chosen component that declares it.
    public func ownership(of key: String, in selection: Selection) -> KeyOwnership {
        let written = QualifiedKey(key)
        if let owner = written.owner {
            guard let component = selection[owner] else { return .unknown(qualifiedOwner: owner) }
            if let spec = component.spec(written.name) { return .owned(owner, spec) }
            if let refusal = component.refused.first(where: { $0.name == written.name }) {
                return .refused(owner, component, reason: refusal.reason)
            }
            return .unknown(qualifiedOwner: owner)
        }
        let owners = selection.components.filter { $0.component.spec(key) != nil }
        switch owners.count {
        case 1: return .owned(owners[0].owner, owners[0].component.spec(key)!)
        case 0:
            if let (owner, component) = selection.components.first(where: { $0.component.refused.contains { $0.name == key } }) {
                return .refused(owner, component, reason: component.refused.first { $0.name == key }!.reason)
            }
            return .unknown(qualifiedOwner: nil)
        default: return .ambiguous(owners.map(\.owner))
        }
    }
}

// MARK: - Values

extension KeyValue {
    /// A grid value as a key of `kind` takes it; a bare number for a list-valued key is a list of one.
    /// nil for values no kind takes (null, objects, lists of non-numbers).
    public init?(_ json: JSONValue, for kind: KeyKind) {
        switch json {
        case let .number(x): self = kind.isList ? .numbers([x]) : .number(x)
        case let .bool(b): self = .bool(b)
        case let .string(s): self = .string(s)
        case let .array(elements):
            let numbers = elements.compactMap(\.number)
            guard numbers.count == elements.count else { return nil }
            self = .numbers(numbers)
        case .null, .object: return nil
        }
    }
}

extension KeySpec {
    /// Whether the grid value `json` is acceptable for this key.
    public func accepts(_ json: JSONValue) -> Bool { KeyValue(json, for: kind).map(kind.accepts) ?? false }
}
