/// One configuration key a component takes: its name, the values it accepts, its default and meaning.
/// The default is written here and nowhere else: readers take it from the spec.
public struct KeySpec: Equatable, Sendable {
    public var name: String
    public var kind: KeyKind
    /// The default as a value; nil when there is none (the key is required, or its absence means
    /// something of its own, like "all samples" or "the run's epochs").
    public var fallback: KeyValue?
    /// The default in words, for help and listings: `fallback`'s text, or what absence means.
    public var defaultText: String
    /// One line on what it does.
    public var summary: String

    /// A key whose default is `fallback`.
    public init(_ name: String, _ kind: KeyKind, _ fallback: KeyValue, _ summary: String) {
        self.name = name
        self.kind = kind
        self.fallback = fallback
        self.defaultText = fallback.text
        self.summary = summary
    }

    /// A key without a default value; `absent` says what leaving it out means ("all", "the run's epochs"),
    /// or is `KeySpec.required`.
    public init(_ name: String, _ kind: KeyKind, absent: String, _ summary: String) {
        self.name = name
        self.kind = kind
        self.fallback = nil
        self.defaultText = absent
        self.summary = summary
    }

    /// What `absent` says of a key every configuration of its component must give.
    public static let required = "required"

    /// Whether a configuration that chooses this key's component must give it.
    public var isRequired: Bool { fallback == nil && defaultText == Self.required }
}

/// A key a component's reference accepts but never reads: refused rather than silently ignored, with the
/// reason, which says what happens instead.
public struct RefusedKey: Equatable, Sendable {
    public var name: String
    public var reason: String
    public init(_ name: String, _ reason: String) {
        self.name = name
        self.reason = reason
    }
}
