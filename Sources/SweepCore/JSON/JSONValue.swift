// A JSON value without source positions: what a configuration holds once a grid is expanded.

/// A JSON value. Objects are unordered here: a configuration's identity is its canonical form, whose
/// keys are sorted, so no consumer may depend on member order (the grid file's order is kept by
/// `JSONNode`, where it matters).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The number, if this is one.
    public var number: Double? { if case let .number(x) = self { return x } else { return nil } }
    /// The string, if this is one.
    public var string: String? { if case let .string(s) = self { return s } else { return nil } }
    /// The Boolean, if this is one.
    public var bool: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    /// The elements, if this is an array.
    public var array: [JSONValue]? { if case let .array(a) = self { return a } else { return nil } }
    /// The members, if this is an object.
    public var object: [String: JSONValue]? { if case let .object(o) = self { return o } else { return nil } }

    /// The value's canonical JSON text (keys sorted, compact, shortest numbers).
    public var canonicalText: String { CanonicalJSON.string(self) }

    /// A short name of the value's type, for error messages ("a string", "a list").
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a Boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
