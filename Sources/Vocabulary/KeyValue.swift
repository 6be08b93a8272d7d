// The configuration vocabulary every library shares: a key's value, the values a key accepts, a key's
// spec with its typed default, who owns a key, and "did you mean". SweepCore, Optim and Models import
// this module and nothing of each other, so each of these exists once.

/// A configuration value as the libraries read it (grid JSON is converted into these).
public enum KeyValue: Hashable, Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case numbers([Double])

    /// The number, if this is one.
    public var number: Double? { if case let .number(x) = self { return x } else { return nil } }
    /// The string, if this is one.
    public var string: String? { if case let .string(s) = self { return s } else { return nil } }
    /// The Boolean, if this is one.
    public var bool: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    /// The list, if this is one.
    public var numbers: [Double]? { if case let .numbers(xs) = self { return xs } else { return nil } }

    /// The value as written in a grid file.
    public var text: String {
        switch self {
        case let .number(x): return x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        case let .bool(b): return b ? "true" : "false"
        case let .string(s): return "\"\(s)\""
        case let .numbers(xs): return "[" + xs.map { KeyValue.number($0).text }.joined(separator: ", ") + "]"
        }
    }
}
