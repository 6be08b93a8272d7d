/// The parts of a configuration that own keys. The optimizer, schedule, model and dataset are chosen by
/// the key of the same name; the run (seed, epochs, batch size, clipping) is always there. An unqualified
/// key belongs to the one chosen part that declares it; `optimizer.kappa` names its owner outright.
public enum Owner: String, CaseIterable, Sendable {
    case run, optimizer, schedule, model, dataset
}

/// A key as a grid writes it: `kappa`, or qualified by its owner, `dataset.kappa`.
public struct QualifiedKey: Equatable, Sendable {
    public var owner: Owner?
    public var name: String

    public init(owner: Owner?, name: String) {
        self.owner = owner
        self.name = name
    }

    /// Splits `owner.name` where the part before the first dot names an owner; any other key is
    /// unqualified as written.
    public init(_ key: String) {
        if let dot = key.firstIndex(of: "."), let owner = Owner(rawValue: String(key[..<dot])) {
            self.init(owner: owner, name: String(key[key.index(after: dot)...]))
        } else {
            self.init(owner: nil, name: key)
        }
    }

    /// The key as written: `dataset.kappa`, or `kappa`.
    public var text: String { owner.map { "\($0.rawValue).\(name)" } ?? name }
}
